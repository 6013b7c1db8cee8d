"""Request hooks that Zaqar 21 (the last release with v1.1) runs and Zaqar 23 does not."""

from __future__ import annotations

from zaqarclient.server.context import Ctx
from zaqarclient.server.protocol import HTTPError

# The tasks Zaqar 21 registers under the `zaqar.extraspec.tasks` entry point; the only
# one, `messagecode`, does nothing.
EXTRA_SPEC_TASKS = frozenset({"messagecode"})


def extra_spec(ctx: Ctx) -> None:
    """Run the task named by the ``EXTRA-SPEC`` header (``<task>:<data>``).

    Zaqar 21 loads the task by name through stevedore for every versioned request
    that carries the header; an unknown name fails there and falcon turns the error
    into a 500. An empty header or an empty task name is skipped.
    """
    value = ctx.req.headers.get("extra-spec")
    if not value:
        return
    task = value.split(":")[0]
    if task and task not in EXTRA_SPEC_TASKS:
        raise HTTPError(
            500,
            "Internal server error",
            f"No {'zaqar.extraspec.tasks'!r} driver found, looking for {task!r}",
        )
