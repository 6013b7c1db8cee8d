"""The reference server's websocket API must answer like a real Zaqar 23.0.1 websocket server."""

from __future__ import annotations

from tests.differential.reference import reference_server
from tests.differential.session_ws import compare
from tests.differential.session_ws_edges import compare_edges
from tests.support.real_zaqar import RealZaqar


def test_ws_session_matches_real_zaqar(real_zaqar_ws: RealZaqar) -> None:
    with reference_server() as ref:
        report = compare("ws" + ref.url[len("http"):], str(real_zaqar_ws.url))
    print(report.render())
    assert report.ok, "\n" + report.render()


def test_ws_edge_session_matches_real_zaqar(real_zaqar_ws: RealZaqar) -> None:
    with reference_server() as ref:
        report = compare_edges("ws" + ref.url[len("http"):], str(real_zaqar_ws.url))
    print(report.render())
    assert report.ok, "\n" + report.render()
