"""Pool URIs: which Zaqar storage driver a URI names, and whether that store answers.

Zaqar loads a pool's storage driver by the URI scheme (its ``zaqar.data.storage``
entry points: ``mongodb``, ``mongodb.fifo``, ``redis``, ``swift``) and refuses a
pool whose driver cannot be loaded or whose store does not answer (``400
cannot connect to <uri>``). The reference server keeps no data in pools, but it
makes the same connection attempt for ``redis://`` (AUTH, SELECT, INFO, PING)
and ``mongodb://`` (a ``ping`` command), bounded by ``Config.pool_connect_timeout``.
``swift://`` needs Keystone, so those URIs are accepted without an attempt.
"""

from __future__ import annotations

import time
from typing import NamedTuple
from urllib.parse import urlsplit

from zaqarclient.server import mongo_probe, redis_probe

# The capability names each driver's BASE_CAPABILITIES lists (Zaqar 23.0.1), in order.
_MONGO_CAPABILITIES = ("FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT")


class StoreDriver(NamedTuple):
    """What the reference server knows about one of Zaqar's storage drivers."""

    name: str
    capabilities: tuple[str, ...]
    # Its health report has `message_volume` (only MongoDB's counts messages).
    reports_volume: bool
    # Its health report exists at all (swift's raises NotImplementedError).
    has_health: bool = True


DRIVERS: dict[str, StoreDriver] = {
    "mongodb": StoreDriver("mongodb", _MONGO_CAPABILITIES, True),
    # The FIFO variant lists no FIFO capability (sic, Zaqar's FIFODataDriver).
    "mongodb.fifo": StoreDriver("mongodb.fifo", ("DURABILITY", "CLAIMS", "AOD",
                                                 "HIGH_THROUGHPUT"), True),
    "redis": StoreDriver("redis", ("FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"), False),
    "swift": StoreDriver("swift", ("AOD", "DURABILITY"), False, has_health=False),
}
# The store a URI without a scheme falls back to: this server models MongoDB.
DEFAULT_DRIVER = DRIVERS["mongodb"]


def scheme(uri: str) -> str:
    try:
        return urlsplit(uri).scheme
    except ValueError:
        return ""


def driver_for(uri: str) -> StoreDriver | None:
    """The driver whose capabilities a pool with ``uri`` has (None: no such driver).

    As Zaqar's ``load_storage_impl``, a URI without a scheme (or ``localhost:port``)
    names the default message store.
    """
    name = scheme(uri)
    if name in ("", "localhost"):
        return DEFAULT_DRIVER
    return DRIVERS.get(name)


def can_connect(uri: str, timeout: float) -> bool:
    """Zaqar's ``can_connect``: the URI's driver exists and its store answers in time."""
    name = scheme(uri)  # Zaqar uses the scheme as it is here: no default store
    if name not in DRIVERS:
        return False
    deadline = time.monotonic() + max(timeout, 0.0)
    try:
        if name == "redis":
            return redis_probe.answers(uri, deadline)
        if name.startswith("mongodb"):
            return mongo_probe.answers(uri, deadline)
    except (OSError, ValueError):
        return False
    return True  # swift: Keystone and Swift are out of a test server's reach


def redacted(uri: str) -> str:
    """``uri`` with its passwords (user info, ``*password*`` options) replaced by ``***``."""
    try:
        parts = urlsplit(uri)
        password = parts.password
    except ValueError:
        return "<unparsable URI>"
    if not password and "password" not in parts.query.lower():
        return uri  # unchanged, not re-serialised (that would turn sqlite:/// into sqlite:/)
    if password:
        userinfo, _, hostinfo = parts.netloc.rpartition("@")
        parts = parts._replace(netloc=f"{userinfo.partition(':')[0]}:***@{hostinfo}")
    if "password" in parts.query.lower():
        options = [
            (key, "***" if "password" in key.lower() else value)
            for key, _, value in (item.partition("=") for item in parts.query.split("&"))
        ]
        parts = parts._replace(query="&".join(f"{key}={value}" for key, value in options))
    return parts.geturl()
