"""``Client(url, version, conf, session)``: the entry point, as in python-zaqarclient."""

from __future__ import annotations

from typing import Any

from zaqarclient.errors import ZaqarError
from zaqarclient.queues.v1_1 import client as v1_1_client
from zaqarclient.queues.v2 import client as v2_client

_CLIENTS: dict[str, type[v2_client.Client]] = {
    "2": v2_client.Client,
    "1.1": v1_1_client.Client,
}


def version_key(version: Any) -> str:
    if isinstance(version, bool):
        return repr(version)
    if isinstance(version, (int, float)):
        if version == int(version):
            return str(int(version))
        return str(version)
    text = str(version).lstrip("v")
    return text[:-2] if text.endswith(".0") else text


def Client(
    url: str | None = None,
    version: int | float | str = 2,
    conf: dict[str, Any] | None = None,
    session: Any = None,
    **kwargs: Any,
) -> v2_client.Client:
    """A client for API ``version``: 2 (default) or 1.1."""
    key = version_key(version)
    cls = _CLIENTS.get(key)
    if cls is None:
        raise ZaqarError(f"Unknown client version {version!r}; supported: 2, 1.1")
    return cls(url, version=version, conf=conf, session=session, **kwargs)
