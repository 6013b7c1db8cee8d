"""Comparing the ours and peer runs of the consumer modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One consumer scenario on one server: steps passed by each client."""

    scenario: str
    steps: list[str]
    ours: dict[str, tuple[bool, str]]
    peer: dict[str, tuple[bool, str]]

    @property
    def regressions(self) -> list[str]:
        """Steps the peer passes and ours does not: each one is a defect."""
        return [s for s in self.steps if self.peer.get(s, (False, ""))[0]
                and not self.ours.get(s, (False, ""))[0]]

    def count(self, side: dict[str, tuple[bool, str]]) -> int:
        return sum(1 for s in self.steps if side.get(s, (False, ""))[0])


@dataclass
class Comparison:
    server: str
    rows: list[Row] = field(default_factory=list)
    clients: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(row.regressions for row in self.rows)

    def table_lines(self) -> list[str]:
        width = max((len(r.scenario) for r in self.rows), default=10)
        lines = [f"{'consumer':<{width}}  {self.server:>18}  (steps passed ours / peer)"]
        for row in self.rows:
            figure = f"{row.count(row.ours)} / {row.count(row.peer)} of {len(row.steps)}"
            lines.append(f"{row.scenario:<{width}}  {figure:>18}")
        return lines

    def render(self, verbose: bool = False) -> str:
        lines = [f"{label}: {path}" for label, path in self.clients.items()]
        lines += self.table_lines()
        for row in self.rows:
            for step in row.steps:
                ours, peer = row.ours.get(step, (False, "missing")), row.peer.get(
                    step, (False, "missing"))
                if verbose or ours[0] != peer[0]:
                    mark = "REGRESSION" if peer[0] and not ours[0] else (
                        "better" if ours[0] and not peer[0] else "same")
                    lines.append(f"  [{mark}] {row.scenario} / {step}")
                    for label, (passed, detail) in (("ours", ours), ("peer", peer)):
                        if not passed:
                            lines.append(f"      {label}: {detail}")
        return "\n".join(lines)


def compare(server: str, outputs: dict[str, dict[str, Any]]) -> Comparison:
    """Line the two clients' results up scenario by scenario, step by step."""
    ours, peer = outputs["ours"]["results"], outputs["peer"]["results"]
    comparison = Comparison(server, clients={k: v["client"] for k, v in outputs.items()})
    for scenario in dict.fromkeys([*ours, *peer]):
        mine = {name: (passed, detail) for name, passed, detail in ours.get(scenario, [])}
        theirs = {name: (passed, detail) for name, passed, detail in peer.get(scenario, [])}
        steps = list(dict.fromkeys([*mine, *theirs]))
        comparison.rows.append(Row(scenario, steps, mine, theirs))
    return comparison
