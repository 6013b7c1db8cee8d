"""The proxy the environment names for a URL, read by the rule each sync transport follows.

HTTP(S) URLs: requests' rule (``http_proxy``/``https_proxy`` by scheme,
else ``all_proxy``), as the sync HTTP transport. ``ws://`` and ``wss://``:
websocket-client's rule, as the sync websocket transport (``http_proxy``
for ``ws://``, ``https_proxy`` for ``wss://``; no ``all_proxy``). Either
way ``no_proxy`` covering the host means no proxy (requests'
``should_bypass_proxies``, which asks :func:`urllib.request.proxy_bypass`
too). Upper-case names count as well.
"""

from __future__ import annotations

from requests.utils import get_environ_proxies

#: The environment variable scheme websocket-client reads for each websocket scheme.
_WS_SCHEMES = {"ws": "http", "wss": "https"}


def environ_proxy(url: str) -> str | None:
    """The proxy URL the environment gives for ``url`` (None: connect directly)."""
    scheme = url.split(":", 1)[0].lower()
    proxies = get_environ_proxies(url)
    if scheme in _WS_SCHEMES:
        return proxies.get(_WS_SCHEMES[scheme]) or None
    return proxies.get(scheme) or proxies.get("all") or None
