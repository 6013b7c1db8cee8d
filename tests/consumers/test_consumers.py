"""Every consumer step that works with python-zaqarclient 4.7.0 works with this package.

The consumer modules (Heat, os-collect-config, Mistral, Aodh, TripleO, a
signed-URL guest agent) run once with each client, each in its own
interpreter, against the same servers: the reference server, and real Zaqar
23.0.1 (behind keystonemiddleware and without auth). ``python -m
tests.consumers.run reference|real -v`` prints the same table with every step.
"""

from __future__ import annotations

import pytest

from tests.consumers.report import compare
from tests.consumers.servers import REPO, environment, run_clients
from tests.support import peer_client
from tests.support.real_zaqar import RealZaqar


def check(kind: str, real_noauth: str | None = None) -> None:
    with environment(kind, real_noauth=real_noauth) as env:
        outputs = run_clients(env)
    comparison = compare(kind, outputs)
    print("\n" + "\n".join(comparison.table_lines()))  # the table, shown with -s
    assert outputs["ours"]["client"].startswith(str(REPO)), outputs["ours"]["client"]
    assert outputs["peer"]["client"].startswith(str(peer_client.VENV.resolve()))
    assert comparison.rows and all(row.count(row.peer) for row in comparison.rows)
    assert comparison.ok, "\n" + comparison.render()


def test_consumers_on_the_reference_server() -> None:
    check("reference")


@pytest.mark.usefixtures("real_zaqar_v2")
def test_consumers_on_real_zaqar(real_zaqar_v2: RealZaqar) -> None:
    check("real", real_noauth=real_zaqar_v2.url)
