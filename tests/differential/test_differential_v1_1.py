"""The reference server must answer the v1.1 session like a real Zaqar 21.0.0.

The real server runs with ``enable_deprecated_api_versions = 1.1`` on Redis
(``real_zaqar_v1_1``); the reference server runs its zaqar-21 profile. Every step
must agree after normalisation, except the deliberate differences in
``V1_1_KNOWN`` and ``V1_1_EDGES_KNOWN`` (``tests/differential/known.py``).
"""

from __future__ import annotations

from tests.differential.reference import reference_server
from tests.differential.sessions import run_pair
from tests.support.real_zaqar import RealZaqar


def test_v1_1_session_matches_real_zaqar(real_zaqar_v1_1: RealZaqar) -> None:
    # As the real server: Zaqar 21's defaults, v1.1 enabled, admin mode on.
    with reference_server("zaqar-21", admin_mode=True) as ref:
        report = run_pair("v1.1", ref.url, real_zaqar_v1_1.url)
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()


def test_v1_1_edges_session_matches_real_zaqar(real_zaqar_v1_1: RealZaqar) -> None:
    with reference_server("zaqar-21", admin_mode=True) as ref:
        report = run_pair("v1.1-edges", ref.url, real_zaqar_v1_1.url)
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()


def test_v1_1_pooling_session_matches_real_zaqar(real_zaqar_v1_1_pooling: RealZaqar) -> None:
    real = real_zaqar_v1_1_pooling
    with reference_server("zaqar-21", admin_mode=True, pooling=True) as ref:
        # Both sides name the same redis server; the session picks the dbids.
        report = run_pair("v1.1-pooling", ref.url, real.url, real.redis_uri, real.redis_uri)
    print(report.render().splitlines()[2])  # the agreement figure, shown with -s
    assert report.ok, "\n" + report.render()
