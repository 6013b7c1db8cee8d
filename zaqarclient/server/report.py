"""The state report (Zaqar's Guru Meditation Report) of a running reference server.

``kill -USR2 <pid>`` (or ``GET /v2/report`` with the admin role) makes the
server write a report without stopping: to standard error, or appended to
``--report-file``. It is rendered with oslo.reports, the library Zaqar's own
report uses, with its package, thread-stack and process generators; the
configuration goes through an oslo.config object so secrets print as ``***``
the way oslo.reports masks them. oslo.reports is imported on the first
report only (it costs ~0.4 s), never at start-up.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from types import FrameType
from typing import Any

from zaqarclient.server.state import SECRET_FIELDS, Sources, collect

LOG = logging.getLogger("zaqarclient.server")

TITLE = "Zaqar Reference Server State Report"
_GROUPS = {  # Zaqar's option groups, where the reference server has the same option
    "DEFAULT": ("admin_mode", "pooling", "enable_checksum", "unreliable"),
    "signed_url": ("secret_key",),
    "notification": ("require_confirmation", "external_confirmation_url",
                     "max_notifier_workers", "smtp_mode", "smtp_command"),
    "profiler": ("profiler_hmac_keys",),
}
_REFERENCE_ONLY = ("enable_v1_1", "strict_policy", "tokens", "notifications", "smtp_host",
                   "smtp_port", "public_endpoint", "report_file", "coalesce_websocket_writes")


class _Version:
    """The version object oslo.reports' package generator reads."""

    def __init__(self, version: str) -> None:
        self._version = version

    def vendor_string(self) -> str:
        return "zaqarclient"

    def product_string(self) -> str:
        return "zaqar-reference-server"

    def version_string_with_package(self) -> str:
        return self._version


def _group_of(name: str) -> str:
    for group, names in _GROUPS.items():
        if name in names:
            return group
    return "reference_server" if name in _REFERENCE_ONLY else "transport"


def _config_opts(config: dict[str, Any]) -> Any:
    from oslo_config import cfg  # the optional [operator] extra, loaded for a report only

    conf = cfg.ConfigOpts()
    for name, value in config.items():
        secret = name in SECRET_FIELDS
        shown = value if isinstance(value, (bool, int, float, str, list)) or value is None else (
            str(value))
        if isinstance(shown, list):
            opt: Any = cfg.ListOpt(name, secret=secret)
        elif isinstance(shown, bool):
            opt = cfg.BoolOpt(name, secret=secret)
        elif isinstance(shown, int):
            opt = cfg.IntOpt(name, secret=secret)
        else:
            opt = cfg.StrOpt(name, secret=secret)
        group = _group_of(name)
        conf.register_opt(opt, group=None if group == "DEFAULT" else group)
        conf.set_override(name, shown, group=None if group == "DEFAULT" else group)
    conf([], project="zaqar-reference-server", default_config_files=[])
    return conf


def _model(data: Any) -> Any:
    # oslo.reports is the optional [operator] extra, loaded for a report only.
    from oslo_reports.models.with_default_views import ModelWithDefaultViews

    return ModelWithDefaultViews(data)


def _queue_rows(state: dict[str, Any]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for project, kinds in sorted(state["projects"].items()):
        listing = {}
        for kind in ("queues", "topics"):
            for name, entry in sorted(kinds[kind].items()):
                oldest = entry["oldest_age"]
                label = name if kind == "queues" else f"{name} (topic)"
                listing[label] = (
                    f"free {entry['free']}, claimed {entry['claimed']}, total {entry['total']}, "
                    f"oldest {'-' if oldest is None else f'{oldest} s'}, "
                    f"subscriptions {entry['subscriptions']}"
                )
        rows[project] = listing
    return rows or {"(none)": "no queues"}


def render(state: dict[str, Any], frame: FrameType | None = None) -> str:
    """The text report of ``state`` (from :func:`~zaqarclient.server.state.collect`)."""
    # oslo.reports is the optional [operator] extra, loaded for a report only.
    from oslo_reports import report
    from oslo_reports.generators import conf as conf_generator
    from oslo_reports.generators import process as process_generator
    from oslo_reports.generators import threading as thread_generator
    from oslo_reports.generators import version as version_generator

    started = state["started_at"]
    text = report.TextReport(TITLE)
    text.add_section("Package", version_generator.PackageReportGenerator(
        _Version(state["version"]["zaqarclient"])))
    text.add_section("Server", lambda: _model({
        "url": state["url"] or "(in process)",
        "pid": state["version"]["pid"],
        "python": state["version"]["python"],
        "api": ", ".join(state["version"]["api"]),
        "uptime": f"{time.time() - started:.0f} s" if started else "-",
    }))
    text.add_section("Threads", thread_generator.ThreadReportGenerator(frame))
    text.add_section("Event Loop Tasks", lambda: _model({"tasks": state["tasks"] or ["(none)"]}))
    text.add_section("Processes", process_generator.ProcessReportGenerator())
    text.add_section("Configuration", conf_generator.ConfigReportGenerator(
        _config_opts(state["config"])))
    connections = state["connections"]
    text.add_section("Connections", lambda: _model({
        "http": f"{len(connections['http'])} open: {', '.join(connections['http']) or '-'}",
        "websocket": f"{len(connections['websocket'])} open: "
                     f"{', '.join(connections['websocket']) or '-'}",
    }))
    text.add_section("Subscriptions", lambda: _model(state["subscriptions"]))
    traces = state["traces"]
    text.add_section("Traces", lambda: _model({
        "received": traces["received"],
        "recent": [
            f"base {t['base_id']} parent {t['parent_id']} {t['transport']} {t['method']} "
            f"{t['path']} verified={t['verified']}" for t in traces["recent"][-20:]
        ] or ["(none)"],
    }))
    text.add_section("Queues", lambda: _model(_queue_rows(state)))
    return str(text.run())


def write(sources: Sources, frame: FrameType | None = None) -> str:
    """Build the report of a server now and write it where its config says; returns it."""
    try:
        text = render(collect(sources), frame)
    except ImportError as error:
        text = (f"{TITLE}: oslo.reports is not installed ({error}); install "
                "zaqarclient[operator]")
    destination = sources.config.report_file
    if destination:
        try:
            with open(destination, "a", encoding="utf-8") as out:
                out.write(text + "\n")
        except OSError as error:
            LOG.error("cannot write the state report to %s: %s", destination, error)
        else:
            LOG.info("state report written to %s", destination)
    else:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    return text


def write_in_background(sources: Sources) -> threading.Thread:
    """Write a report on its own thread, so the event loop keeps serving meanwhile."""
    thread = threading.Thread(target=write, args=(sources,), name="state-report", daemon=True)
    thread.start()
    return thread
