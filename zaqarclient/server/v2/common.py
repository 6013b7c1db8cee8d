"""What several v2 (and v1.1) handlers share: lazy queue creation, answered as Zaqar's HTTP API."""

from __future__ import annotations

from typing import Any

from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.errors import NoPoolFound
from zaqarclient.server.protocol import HTTPError, unavailable


def ensure_queue(ctx: Ctx) -> dict[str, Any]:
    """Lazy creation (v2): the queue exists after this, whatever happens next."""
    try:
        return ctx.services.queues.ensure(ctx.target)
    except NoPoolFound as exc:
        # Outside the handler's try block in Zaqar: falcon's generic 500.
        raise HTTPError(500, "Internal server error", str(exc)) from None
    except Exception:
        raise unavailable("Queue could not be created.") from None
