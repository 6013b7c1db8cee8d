"""``Client(url, version=1.1, conf=None)`` under the import path of the old v1 package."""

from __future__ import annotations

from typing import Any

from zaqarclient.errors import UnsupportedVersion
from zaqarclient.queues import client as versioned
from zaqarclient.queues.v2 import client as v2_client


def Client(
    url: str | None = None,
    version: int | float | str = 1,
    conf: dict[str, Any] | None = None,
    session: Any = None,
    **kwargs: Any,
) -> v2_client.Client:
    """The v1.1 (or v2) client; the old package's default, API v1, no Zaqar serves."""
    if versioned.version_key(version) == "1":
        raise UnsupportedVersion(
            "Zaqar API v1 was removed from Zaqar (Stein); ask for version=1.1 or 2")
    return versioned.Client(url, version=version, conf=conf, session=session, **kwargs)
