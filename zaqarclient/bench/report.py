"""A finished run as a human table or as JSON."""

from __future__ import annotations

from typing import Any

from zaqarclient.bench.runner import Outcome
from zaqarclient.bench.settings import ROLES
from zaqarclient.bench.workers import CLAIMED, PUSHED

#: Operations in the order the table lists them.
OPERATIONS = ("post", "claim", "claim (empty)", "delete", "list", "subscribe")
END_TO_END = (CLAIMED, PUSHED)
_MESSAGE_NOUN = {"producer": "posted", "consumer": "consumed", "observer": "listed",
                 "subscriber": "pushed"}


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def as_dict(outcome: Outcome) -> dict[str, Any]:
    """Everything the run measured, JSON-ready."""
    settings = outcome.settings
    roles: dict[str, Any] = {}
    for role, figures in outcome.roles.items():
        seconds = figures.elapsed or outcome.duration
        roles[role] = {
            "workers": figures.workers, "processes": figures.processes,
            "requests": figures.requests, "requests_per_sec": _rate(figures.requests, seconds),
            _MESSAGE_NOUN[role]: figures.messages,
            "messages_per_sec": _rate(figures.messages, seconds),
            "errors": sum(figures.errors.values()), "seconds": round(seconds, 3),
        }
    return {
        "url": settings.url,
        "transport": settings.transport,
        "duration_sec": round(outcome.duration, 3),
        "interrupted": outcome.interrupted,
        "params": {
            "queues": settings.queues, "message_size": settings.message_size,
            "messages_per_post": settings.messages_per_post, "claim_size": settings.claim_size,
            "list_size": settings.list_size, "processes": settings.processes,
            "messages": settings.messages,
        },
        "roles": roles,
        "operations": {name: outcome.operations[name].summary().as_dict()
                       for name in _ordered(outcome.operations, OPERATIONS)},
        "end_to_end": {name: outcome.end_to_end[name].summary().as_dict()
                       for name in _ordered(outcome.end_to_end, END_TO_END)},
        "errors": dict(outcome.errors.most_common()),
    }


def _ordered(found: dict[str, Any], order: tuple[str, ...]) -> list[str]:
    known = [name for name in order if name in found and len(found[name])]
    return known + sorted(name for name in found if name not in order and len(found[name]))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(widths[0]) if i == 0 else str(cell).rjust(widths[i])
                 for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def as_text(outcome: Outcome) -> str:
    """The human report: roles, operation latencies, end-to-end latencies, errors."""
    data = as_dict(outcome)
    params = data["params"]
    title = (f"zaqarclient-bench: {data['duration_sec']:.1f} s against {data['url']} "
             f"({data['transport']}), {params['queues']} queues, {params['message_size']}-byte "
             f"messages, {params['messages_per_post']} per post, claims of {params['claim_size']}")
    if outcome.interrupted:
        title += " (interrupted)"
    lines = [title, ""]
    role_rows = []
    for role in ROLES:
        figures = data["roles"].get(role)
        if figures is None:
            continue
        role_rows.append([
            role, str(figures["workers"]), str(figures["processes"]), str(figures["requests"]),
            f"{figures['requests_per_sec']:.1f}",
            f"{figures[_MESSAGE_NOUN[role]]} {_MESSAGE_NOUN[role]}",
            f"{figures['messages_per_sec']:.1f}", str(figures["errors"]),
        ])
    lines += _table(["role", "workers", "processes", "requests", "req/s", "messages",
                     "msg/s", "errors"], role_rows)
    latency_rows = []
    for section in ("operations", "end_to_end"):
        for name, figures in data[section].items():
            label = name if section == "operations" else f"end to end: {name}"
            latency_rows.append([label, str(figures["count"])] + [
                f"{figures[key]:.2f}" for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms",
                                                  "mean_ms")
            ])
    if latency_rows:
        lines += ["", *_table(["latency (ms)", "count", "p50", "p90", "p99", "max", "mean"],
                              latency_rows)]
    errors = data["errors"]
    lines.append("")
    lines.append("errors: " + (", ".join(f"{name} x{count}" for name, count in errors.items())
                               if errors else "none"))
    return "\n".join(lines)
