"""Compare two transcripts step by step and render a readable report."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from tests.differential.runner import RECORD_FIELDS, Record, Transcript

ALL_FIELDS = RECORD_FIELDS


@dataclasses.dataclass(frozen=True)
class Known:
    """A deliberate difference: on this step, ``fields`` may differ, for ``reason``."""

    reason: str
    fields: tuple[str, ...] = ("body",)


@dataclasses.dataclass
class StepDiff:
    """A step whose records disagree, with the disagreeing fields."""

    a: Record
    b: Record
    fields: list[str]
    expected: str | None = None  # the reason, when every differing field is allowed to


@dataclasses.dataclass
class Report:
    """The outcome of comparing transcript ``a`` with transcript ``b``."""

    a: Transcript
    b: Transcript
    diffs: list[StepDiff]
    agreeing_known: list[str]  # deliberate differences that did not show up this time

    @property
    def failures(self) -> list[StepDiff]:
        return [d for d in self.diffs if d.expected is None]

    @property
    def ok(self) -> bool:
        return not self.failures

    def render(self) -> str:
        lines = [
            f"A = {self.a.url}",
            f"B = {self.b.url}",
            f"{len(self.a.records)} steps, {len(self.failures)} disagree, "
            f"{len(self.diffs) - len(self.failures)} known differences",
        ]
        for diff in self.failures:
            lines += _render_diff(diff)
        known = [d for d in self.diffs if d.expected is not None]
        if known:
            lines.append("")
            lines.append("Known (deliberate) differences:")
            lines += [f"  {d.a.step.name}: {d.expected}" for d in known]
        if self.agreeing_known:
            lines.append(
                "Listed as deliberate differences but agreeing: " + ", ".join(self.agreeing_known)
            )
        return "\n".join(lines)


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _render_diff(diff: StepDiff) -> list[str]:
    s = diff.a.step
    lines = ["", f"--- step {s.name}: {s.describe()}" + (f"  ({s.note})" if s.note else "")]
    for field in diff.fields:
        lines.append(f"    {field}:")
        lines.append(f"      A: {_dump(getattr(diff.a, field))}")
        lines.append(f"      B: {_dump(getattr(diff.b, field))}")
    for side, record in (("A", diff.a), ("B", diff.b)):
        if record.notes:
            lines.append(f"    notes {side}: {'; '.join(record.notes)}")
    return lines


def compare(a: Transcript, b: Transcript, known: Mapping[str, Known] | None = None) -> Report:
    """Compare two runs of the same session; ``known`` lists deliberate differences."""
    known = dict(known or {})
    if [r.step.name for r in a.records] != [r.step.name for r in b.records]:
        raise ValueError("the transcripts come from different sessions")
    diffs: list[StepDiff] = []
    agreeing: list[str] = []
    for ra, rb in zip(a.records, b.records, strict=True):
        fields = [
            name
            for name in RECORD_FIELDS
            if name not in ra.step.ignore and getattr(ra, name) != getattr(rb, name)
        ]
        if ra.status <= 0 or rb.status <= 0:
            fields = fields or ["status"]
        name = ra.step.name
        allowed = known.get(name)
        if fields:
            expected = None
            if allowed is not None and set(fields) <= set(allowed.fields):
                expected = allowed.reason
            diffs.append(StepDiff(ra, rb, fields, expected))
        elif allowed is not None:
            agreeing.append(name)
    return Report(a, b, diffs, agreeing)
