"""Start the in-process reference server configured like the real Zaqar it is compared with.

``zaqarclient.testing.ReferenceServer`` is imported lazily: the differential
harness itself (and ``python -m tests.differential.run``) works without it.
"""

from __future__ import annotations

import inspect
from typing import Any


def reference_server(**options: Any) -> Any:
    """A ``ReferenceServer`` context manager with the given ``Config`` options.

    The real servers run no-auth with Zaqar's default policy (admin endpoints need
    ``X-Roles: admin``), so ``strict_policy`` defaults to True here.
    """
    from zaqarclient.testing import ReferenceServer

    options.setdefault("strict_policy", True)
    parameters = inspect.signature(ReferenceServer).parameters
    if "config" in parameters:
        from zaqarclient.server import Config

        return ReferenceServer(config=Config(**options))
    return ReferenceServer(**options)
