"""Zaqar's own load generator, ``zaqar-bench``, runs unchanged on this package."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.support import zaqar_bench
from tests.support.real_zaqar import ALLOW_MISSING_ENV, REPO_ROOT


@pytest.fixture(scope="module")
def bench_venv() -> None:
    if not zaqar_bench.is_installed():
        if os.environ.get(ALLOW_MISSING_ENV) == "1":
            pytest.skip("zaqar-bench is not installed; run `make real-zaqar`")
        pytest.fail("zaqar-bench is not installed; run `make real-zaqar`")


def test_zaqar_bench_imports_this_package(bench_venv: None) -> None:
    assert zaqar_bench.client_location("this") == str(REPO_ROOT / "zaqarclient" / "__init__.py")


def test_zaqar_bench_runs_every_role_on_this_package(
    bench_venv: None, reference_server: Any
) -> None:
    result = zaqar_bench.run(
        reference_server.url, "this",
        ["-t", "1", "-pw", "2", "-cw", "2", "-ow", "1", "-qno", "2"],
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    producer, consumer, observer = (result.role(r) for r in ("producer", "consumer", "observer"))
    assert producer["successful_reqs"] == producer["total_reqs"] > 0
    assert consumer["messages_processed"] > 0
    assert consumer["successful_reqs"] == consumer["total_reqs"]
    assert observer["successful_reqs"] == observer["total_reqs"] > 0
