"""Start the in-process reference server configured like the real Zaqar it is compared with.

``zaqarclient.testing.ReferenceServer`` is imported lazily: the differential
harness itself (and ``python -m tests.differential.run``) works without it.
"""

from __future__ import annotations

import inspect
from typing import Any


def reference_server(profile: str | None = None, **options: Any) -> Any:
    """A ``ReferenceServer`` context manager in ``profile`` with ``Config`` overrides.

    The default profile (devstack) is what ``real_zaqar_v2`` runs; the real servers
    use the test signed-URL key, so the reference server does too.
    """
    from tests.support.real_zaqar import TEST_SIGNED_URL_KEY
    from zaqarclient.testing import ReferenceServer

    options.setdefault("secret_key", TEST_SIGNED_URL_KEY)
    parameters = inspect.signature(ReferenceServer).parameters
    if "config" in parameters:
        from zaqarclient.server import Config

        if profile is not None:
            options["profile"] = profile
        return ReferenceServer(config=Config(**options))
    return ReferenceServer(**options)
