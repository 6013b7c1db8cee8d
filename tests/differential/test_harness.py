"""The differential harness itself: a real Zaqar compared with itself must agree.

Two runs against one server use different projects and run tokens, so this proves
that the normalisation (ids, markers, timestamps, request ids, names) is sound and
that every step's saved values resolve.
"""

from __future__ import annotations

import pytest

from tests.differential.compare import compare
from tests.differential.reference import reference_server
from tests.differential.runner import new_variables, run_session
from tests.differential.sessions import SESSIONS, run_pair
from tests.differential.steps import step
from tests.support.real_zaqar import RealZaqar


def test_sessions_cover_enough_steps() -> None:
    assert len(SESSIONS["v2"].steps) >= 150
    assert len(SESSIONS["v1.1"].steps) >= 120
    for session in SESSIONS.values():
        assert set(session.known) <= {s.name for s in session.steps}


def test_v2_session_real_vs_itself(real_zaqar_v2: RealZaqar) -> None:
    report = run_pair("v2", real_zaqar_v2.url, real_zaqar_v2.url)
    assert report.ok, "\n" + report.render()
    for record in report.a.records + report.b.records:
        assert record.status > 0, (record.step.name, record.notes)
        assert "saved nothing" not in record.notes, record.step.name


def test_v1_1_session_real_vs_itself(real_zaqar_v1_1: RealZaqar) -> None:
    report = run_pair("v1.1", real_zaqar_v1_1.url, real_zaqar_v1_1.url)
    assert report.ok, "\n" + report.render()
    for record in report.a.records + report.b.records:
        assert record.status > 0, (record.step.name, record.notes)
        assert "saved nothing" not in record.notes, record.step.name


def test_v1_1_pooling_session_real_vs_itself(real_zaqar_v1_1_pooling: RealZaqar) -> None:
    real = real_zaqar_v1_1_pooling
    report = run_pair("v1.1-pooling", real.url, real.url, real.redis_uri, real.redis_uri)
    assert report.ok, "\n" + report.render()


def test_v1_1_session_fails_without_v1_1(real_zaqar_v1_1: RealZaqar) -> None:
    # The session can fail: a reference server with /v1.1 switched off disagrees.
    with reference_server() as ref:
        report = run_pair("v1.1", ref.url, real_zaqar_v1_1.url)
    assert not report.ok
    assert len(report.failures) > 100


def test_pooling_session_real_vs_itself(real_zaqar_v2_pooling: RealZaqar) -> None:
    real = real_zaqar_v2_pooling
    report = run_pair(
        "pooling", real.url, real.url, f"{real.redis_uri}?dbid=13", f"{real.redis_uri}?dbid=14"
    )
    assert report.ok, "\n" + report.render()


def test_report_lists_disagreeing_steps(real_zaqar_v2: RealZaqar) -> None:
    steps = [
        step("ping", "GET", "/v2/ping"),
        step("queue", "PUT", "/v2/queues/{name}"),
    ]
    a = run_session(steps, real_zaqar_v2.url, new_variables({"name": "ok"}))
    b = run_session(steps, real_zaqar_v2.url, new_variables({"name": "bad!name"}))
    report = compare(a, b)
    assert not report.ok
    assert [d.a.step.name for d in report.failures] == ["queue"]
    text = report.render()
    assert "--- step queue: PUT /v2/queues/{name}" in text
    assert "A: 201" in text and "B: 400" in text


@pytest.mark.parametrize("name", ["v2", "pooling", "v1.1", "v1.1-pooling"])
def test_known_differences_have_reasons(name: str) -> None:
    for known in SESSIONS[name].known.values():
        assert known.reason and known.fields
