"""The proxy the environment names for a URL, read by the rule each sync transport follows.

HTTP(S) URLs: requests' rule (``http_proxy``/``https_proxy`` by scheme,
else ``all_proxy``), as the sync HTTP transport. ``ws://`` and ``wss://``:
as the sync websocket transport (:mod:`zaqarclient.transport.proxy_tunnel`),
``http_proxy`` for ``ws://`` and ``https_proxy`` for ``wss://``, else
``all_proxy``. Either way ``no_proxy`` covering the host means no proxy (requests'
``should_bypass_proxies``, which asks :func:`urllib.request.proxy_bypass`
too). Upper-case names count as well.
"""

from __future__ import annotations

from requests.utils import get_environ_proxies

#: The proxy variable each websocket scheme reads (as the sync websocket transport).
_WS_SCHEMES = {"ws": "http", "wss": "https"}


def environ_proxy(url: str) -> str | None:
    """The proxy URL the environment gives for ``url`` (None: connect directly)."""
    scheme = url.split(":", 1)[0].lower()
    proxies = get_environ_proxies(url)
    return proxies.get(_WS_SCHEMES.get(scheme, scheme)) or proxies.get("all") or None
