"""The reference server must answer the v2 sessions like a real Zaqar 23.0.1.

Each session is run against the reference server (A) and the real Zaqar (B), and
every step must agree after normalisation, except the deliberate differences in
``tests/differential/known.py``. Run ``python -m tests.differential.run`` to see
the same report for any two servers.
"""

from __future__ import annotations

from tests.differential.reference import reference_server
from tests.differential.sessions import run_pair
from tests.support.real_zaqar import RealZaqar


def test_v2_session_matches_real_zaqar(real_zaqar_v2: RealZaqar) -> None:
    with reference_server() as ref:
        report = run_pair("v2", ref.url, real_zaqar_v2.url)
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()


def test_pooling_session_matches_real_zaqar(real_zaqar_v2_pooling: RealZaqar) -> None:
    real = real_zaqar_v2_pooling
    with reference_server() as ref:
        report = run_pair(
            "pooling",
            ref.url,
            real.url,
            pool_uri_a=f"{real.redis_uri}?dbid=11",
            pool_uri_b=f"{real.redis_uri}?dbid=12",
        )
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()


def test_v2_edges_session_matches_real_zaqar(real_zaqar_v2: RealZaqar) -> None:
    with reference_server() as ref:
        report = run_pair("v2-edges", ref.url, real_zaqar_v2.url)
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()


def test_pooling_without_virtual_pool_matches_real_zaqar(
    real_zaqar_v2_no_virtual_pool: RealZaqar,
) -> None:
    real = real_zaqar_v2_no_virtual_pool
    with reference_server("zaqar-23", admin_mode=True, pooling=True) as ref:
        report = run_pair(
            "pooling-no-virtual-pool",
            ref.url,
            real.url,
            pool_uri_a=f"{real.redis_uri}?dbid=5",
            pool_uri_b=f"{real.redis_uri}?dbid=6",
        )
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()
