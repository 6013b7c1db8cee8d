"""The latency histogram: bounded buckets, percentiles within 1 %, lossless merging."""

from __future__ import annotations

import random

import pytest

from zaqarclient.bench.histogram import Histogram, bucket


def exact_percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(int(-(-fraction * len(ordered) // 1)), 1)
    return ordered[rank - 1]


def test_buckets_keep_three_significant_digits() -> None:
    assert [bucket(v) for v in (0, 7, 999, 1000, 1234, 98765, 1234567)] == [
        0, 7, 999, 1000, 1230, 98700, 1230000,
    ]


@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.99, 1.0])
def test_percentiles_are_within_one_percent_of_the_exact_value(fraction: float) -> None:
    rng = random.Random(7)
    samples = [rng.lognormvariate(-6, 1.2) for _ in range(20000)]  # ~2.5 ms median
    histogram = Histogram()
    for value in samples:
        histogram.add(value)
    exact_ms = exact_percentile(samples, fraction) * 1000
    assert histogram.percentile(fraction) == pytest.approx(exact_ms, rel=0.01, abs=0.001)


def test_summary_of_known_samples() -> None:
    histogram = Histogram()
    for ms in range(1, 101):  # 1..100 ms
        histogram.add(ms / 1000)
    summary = histogram.summary()
    assert (summary.count, summary.p50_ms, summary.p90_ms, summary.p99_ms, summary.max_ms) == (
        100, 50.0, 90.0, 99.0, 100.0,
    )
    assert summary.mean_ms == pytest.approx(50.5)


def test_merge_after_a_trip_over_the_wire_equals_one_histogram() -> None:
    rng = random.Random(3)
    parts = [Histogram() for _ in range(3)]
    whole = Histogram()
    for _ in range(3000):
        value = rng.random() / 10
        rng.choice(parts).add(value)
        whole.add(value)
    merged = Histogram.merged(Histogram.from_wire(p.to_wire()) for p in parts)
    assert merged.summary() == whole.summary()
    assert len(merged) == 3000


def test_empty_histogram_and_negative_samples() -> None:
    assert Histogram().summary().as_dict() == {
        "count": 0, "mean_ms": 0.0, "p50_ms": 0.0, "p90_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0,
    }
    histogram = Histogram()
    histogram.add(-0.5)  # a clock step backwards counts as zero, not as a negative latency
    assert histogram.summary().max_ms == 0.0
