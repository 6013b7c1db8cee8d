"""The registry of differential sessions and their deliberate differences.

Adding a session: write a module with a list of :class:`~tests.differential.steps.Step`
(see ``session_v2.py``), add its known differences to ``known.py`` and register it
here. The v1.1 session (``session_v1_1.py``) is the same kind of list with ``/v1.1``
paths, run against ``real_zaqar_v1_1`` (Zaqar 21.0.0). A websocket session needs only
a second sender: records, normalisation and comparison do not depend on HTTP (a
websocket step would record ``headers.status`` as ``status`` and the response
``body`` as ``body``).
"""

from __future__ import annotations

import dataclasses

from tests.differential.compare import Known, Report, compare
from tests.differential.known import (
    NO_VIRTUAL_POOL_KNOWN,
    POOLING_KNOWN,
    V1_1_EDGES_KNOWN,
    V1_1_KNOWN,
    V1_1_POOLING_KNOWN,
    V2_EDGES_KNOWN,
    V2_KNOWN,
)
from tests.differential.runner import new_variables, run_session
from tests.differential.session_pooling import POOLING_SESSION
from tests.differential.session_pooling_no_virtual_pool import NO_VIRTUAL_POOL_SESSION
from tests.differential.session_v1_1 import V1_1_SESSION
from tests.differential.session_v1_1_edges import V1_1_EDGES_SESSION
from tests.differential.session_v1_1_pooling import V1_1_POOLING_SESSION
from tests.differential.session_v2 import V2_SESSION
from tests.differential.session_v2_edges import V2_EDGES_SESSION
from tests.differential.steps import Step


@dataclasses.dataclass(frozen=True)
class Session:
    """A named list of steps, the variables it needs and its known differences."""

    steps: list[Step]
    known: dict[str, Known]
    literals: tuple[str, ...] = ("project", "run")


SESSIONS: dict[str, Session] = {
    "v2": Session(V2_SESSION, V2_KNOWN),
    "v2-edges": Session(V2_EDGES_SESSION, V2_EDGES_KNOWN),
    "pooling": Session(POOLING_SESSION, POOLING_KNOWN, ("project", "run", "pool_uri")),
    "pooling-no-virtual-pool": Session(
        NO_VIRTUAL_POOL_SESSION, NO_VIRTUAL_POOL_KNOWN, ("project", "run", "pool_uri")
    ),
    "v1.1": Session(V1_1_SESSION, V1_1_KNOWN),
    "v1.1-edges": Session(V1_1_EDGES_SESSION, V1_1_EDGES_KNOWN),
    "v1.1-pooling": Session(
        V1_1_POOLING_SESSION, V1_1_POOLING_KNOWN, ("project", "run", "pool_uri")
    ),
}


def run_pair(
    name: str, url_a: str, url_b: str, pool_uri_a: str = "", pool_uri_b: str = ""
) -> Report:
    """Run session ``name`` against two servers (sequentially) and compare them."""
    session = SESSIONS[name]
    vars_a = new_variables({"pool_uri": pool_uri_a})
    vars_b = new_variables({"pool_uri": pool_uri_b})
    a = run_session(session.steps, url_a, vars_a, session.literals, session.known)
    b = run_session(session.steps, url_b, vars_b, session.literals, session.known)
    return compare(a, b, session.known)
