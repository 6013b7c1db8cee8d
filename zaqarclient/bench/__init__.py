"""``zaqarclient-bench``: a load generator for Zaqar built on this SDK.

Producers post, consumers claim and delete, observers list and websocket
subscribers are pushed every message; each role runs as threads in one or
more processes. The report gives throughput per role, latency percentiles
(p50, p90, p99, max) per operation and end to end (post sent -> a consumer
holds the message; post sent -> a subscriber is pushed it), and errors by
class::

    zaqarclient-bench --url http://127.0.0.1:8888 --duration 10 \\
        --producers 4 --consumers 4 --observers 1 [--format json]

Programmatic use: ``run(Settings(...))`` returns an :class:`Outcome`;
``report.as_dict`` / ``report.as_text`` render it.
"""

from __future__ import annotations

from zaqarclient.bench.runner import BenchError, Outcome, run
from zaqarclient.bench.settings import Settings

__all__ = ["BenchError", "Outcome", "Settings", "run"]
