"""The counters, the status line and the --metrics file."""

from __future__ import annotations

import json
from pathlib import Path

from zaqarclient.bridge.metrics import Metrics


def test_snapshot_status_line_and_atomic_dump(tmp_path: Path) -> None:
    metrics = Metrics()
    metrics.add("received", 5)
    metrics.add("discarded", route="noise")
    metrics.posted("instances", [0.1, 0.2, 0.3])
    metrics.dead_lettered("no project at payload.tenant_id", "instances")
    metrics.dead_lettered("Zaqar refused the message: 400 Invalid API request", None)
    metrics.post_failed("503", "503 Service temporarily unavailable")
    metrics.add("retries")
    snap = metrics.snapshot()
    assert snap["totals"]["received"] == 5 and snap["totals"]["posted"] == 3
    assert snap["totals"]["dead_lettered"] == 2 and snap["totals"]["post_requests"] == 1
    assert snap["routes"] == {"instances": {"posted": 3, "dead_lettered": 1},
                              "noise": {"discarded": 1}}
    assert snap["dead_letter_reasons"] == {"no project at payload.tenant_id": 1,
                                           "Zaqar refused the message": 1}
    assert snap["lag_s"] == {"samples": 3, "p50": 0.2, "p99": 0.3, "max": 0.3}
    assert snap["post_errors"] == {"503": 1} and snap["last_error"].startswith("503")
    line = metrics.status_line()
    assert "received 5, posted 3 in 1 requests, dead-lettered 2" in line and "p50 0.200s" in line
    target = tmp_path / "metrics.json"
    metrics.dump(target)
    assert json.loads(target.read_text())["totals"] == snap["totals"]
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temporary left over
    assert "lag p50" not in Metrics().status_line()
