"""``zaqar-notification-bridge``: OpenStack notifications into tenants' Zaqar queues.

::

    zaqar-notification-bridge --transport-url rabbit://user:pass@bus:5672/ \\
        --zaqar-url http://zaqar:8888 --config rules.yaml
    zaqar-notification-bridge --config rules.yaml --dry-run notifications.jsonl

Secrets can come from the environment instead of the command line:
``ZAQAR_BRIDGE_TRANSPORT_URL`` and ``OS_PASSWORD`` (and the other ``OS_*``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from zaqarclient.bridge.deadletter import open_sink
from zaqarclient.bridge.delivery import Backoff, Bridge
from zaqarclient.bridge.listener import (
    DEFAULT_EXCHANGES,
    DEFAULT_POOL,
    DEFAULT_TOPICS,
    ListenerOptions,
    NotificationListener,
)
from zaqarclient.bridge.metrics import Metrics
from zaqarclient.bridge.notification import PRIORITIES, InvalidNotification, Notification
from zaqarclient.bridge.rules import DeadLetter, Delivery, Rules, load_rules
from zaqarclient.bridge.targets import ProjectClients, ZaqarTarget
from zaqarclient.errors import ConfigurationError

LOG = logging.getLogger("zaqarclient.bridge")
PROG = "zaqar-notification-bridge"
DEFAULT_DEAD_LETTERS = "zaqar-bridge-dead-letters.jsonl"


def _positive(kind: type[int] | type[float]) -> Any:
    def convert(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
        return value

    return convert


def build_parser() -> argparse.ArgumentParser:
    """The command's options."""
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Forward OpenStack notifications from the message bus to the owning "
                    "projects' Zaqar queues, by the routes of a YAML rules file.",
    )
    parser.add_argument("--config", required=True, metavar="RULES.yaml",
                        help="the routing rules (see the documentation for the format)")
    parser.add_argument("--dry-run", metavar="FILE.jsonl",
                        help="read notifications (one JSON object a line; '-' for stdin) and "
                             "print what would be posted where, then exit; nothing is sent")
    bus = parser.add_argument_group("message bus")
    bus.add_argument("--transport-url", default=env("ZAQAR_BRIDGE_TRANSPORT_URL"),
                     help="oslo.messaging transport URL, e.g. rabbit://user:pass@host:5672/ "
                          "(default $ZAQAR_BRIDGE_TRANSPORT_URL)")
    bus.add_argument("--topic", action="append", dest="topics", metavar="TOPIC",
                     help=f"notification topic (repeatable; default {', '.join(DEFAULT_TOPICS)})")
    bus.add_argument("--exchange", action="append", dest="exchanges", metavar="EXCHANGE",
                     help="control exchange to listen on (repeatable; default "
                          f"{', '.join(DEFAULT_EXCHANGES)})")
    bus.add_argument("--pool", default=DEFAULT_POOL,
                     help=f"listener pool: bridges with the same pool share the load "
                          f"(default {DEFAULT_POOL})")
    bus.add_argument("--priority", action="append", dest="priorities", metavar="PRIORITY",
                     choices=PRIORITIES,
                     help="priority to listen to (repeatable; default: those the routes match)")
    bus.add_argument("--batch-size", type=_positive(int), default=50,
                     help="notifications handled together (default 50)")
    bus.add_argument("--batch-timeout", type=_positive(float), default=0.05,
                     help="seconds to wait for a batch to fill (default 0.05)")
    bus.add_argument("--workers", type=_positive(int), default=1,
                     help="batches handled at once (default 1, which keeps bus order per queue)")
    zaqar = parser.add_argument_group("Zaqar")
    zaqar.add_argument("--zaqar-url", default=env("ZAQAR_URL"),
                       help="Zaqar endpoint (default $ZAQAR_URL; with keystone, the catalog's)")
    zaqar.add_argument("--auth", choices=("none", "keystone"),
                       help="'none': send each project's id as X-Project-ID; 'keystone': a "
                            "service user's project-scoped tokens (default: keystone when "
                            "--os-auth-url is set)")
    for name, help_text in (
        ("auth-url", "keystone URL"), ("username", "service user"), ("user-id", "service user id"),
        ("password", "its password (prefer $OS_PASSWORD)"),
        ("user-domain-name", "its domain"), ("user-domain-id", "its domain id"),
        ("region-name", "catalog region"), ("interface", "catalog interface"),
        ("cacert", "CA bundle for TLS"),
    ):
        variable = "OS_" + name.replace("-", "_").upper()
        zaqar.add_argument(f"--os-{name}", default=env(variable),
                           help=f"{help_text} (default ${variable})")
    zaqar.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    zaqar.add_argument("--timeout", type=_positive(float), default=10.0,
                       help="seconds to wait for Zaqar (default 10)")
    delivery = parser.add_argument_group("delivery")
    delivery.add_argument("--dead-letter", default=DEFAULT_DEAD_LETTERS,
                          metavar="FILE | zaqar:PROJECT/QUEUE",
                          help="where undeliverable notifications go, with the reason "
                               f"(default ./{DEFAULT_DEAD_LETTERS})")
    delivery.add_argument("--retry-max-delay", type=_positive(float), default=30.0,
                          help="longest wait between retries, in seconds (default 30)")
    delivery.add_argument("--give-up-after", type=_positive(float),
                          help="dead-letter posts that kept failing this many seconds "
                               "(default: retry for ever)")
    report = parser.add_argument_group("reporting")
    report.add_argument("--metrics", metavar="FILE.json",
                        help="write the counters here every --status-interval and at exit")
    report.add_argument("--status-interval", type=_positive(float), default=30.0,
                        help="seconds between status log lines (default 30)")
    report.add_argument("--log-level", default="info",
                        choices=("debug", "info", "warning", "error"))
    return parser


# -- dry run -------------------------------------------------------------------------------


def _records(stream: TextIO) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as error:
            yield number, InvalidNotification(f"line {number} is not JSON: {error}")


def dry_run(rules: Rules, stream: TextIO, out: TextIO, err: TextIO) -> int:
    """Print one JSON line per notification saying what would happen to it."""
    actions: Counter[str] = Counter()
    queues: set[tuple[str, str]] = set()
    for number, item in _records(stream):
        try:
            if isinstance(item, InvalidNotification):
                raise item
            note = Notification.from_record(item)
        except InvalidNotification as error:
            result: dict[str, Any] = {"line": number, "action": "dead-letter",
                                      "reason": f"invalid: {error}", "route": None}
        else:
            outcome = rules.route(note)
            result = {"line": number, "event_type": note.event_type}
            if isinstance(outcome, Delivery):
                queues.add((outcome.project, outcome.queue))
                result.update(action="post", route=outcome.route, project=outcome.project,
                              queue=outcome.queue, message=outcome.message)
            elif isinstance(outcome, DeadLetter):
                result.update(action="dead-letter", reason=outcome.reason, route=outcome.route)
            else:
                result.update(action="discard", route=outcome.route)
        actions[result["action"]] += 1
        out.write(json.dumps(result, sort_keys=True) + "\n")
    err.write(f"{sum(actions.values())} notification(s): {actions['post']} to post "
              f"(to {len(queues)} queue(s)), {actions['dead-letter']} to dead-letter, "
              f"{actions['discard']} discarded\n")
    return 0


# -- running -------------------------------------------------------------------------------


def zaqar_target(args: argparse.Namespace) -> ZaqarTarget:
    """The Zaqar to post to, from the options."""
    auth = args.auth or ("keystone" if args.os_auth_url else "none")
    keystone: dict[str, Any] = {}
    if auth == "keystone":
        keystone = {
            name: getattr(args, "os_" + name)
            for name in ("auth_url", "username", "user_id", "password", "user_domain_name",
                         "user_domain_id", "region_name", "interface", "cacert")
            if getattr(args, "os_" + name)
        }
        if args.insecure:
            keystone["insecure"] = True
    return ZaqarTarget(
        args.zaqar_url, "noauth" if auth == "none" else "keystone", keystone, args.timeout
    )


def _start(listener: NotificationListener, stop: threading.Event) -> bool:
    """Start listening; False if ``stop`` came first (oslo.messaging retries a bus that
    does not answer for ever, and a signal must still end the command)."""
    failed: list[BaseException] = []
    # An event, not Thread.is_alive(): once oslo.messaging has loaded eventlet the
    # finished starter thread can still report itself alive.
    started = threading.Event()

    def start() -> None:
        try:
            listener.start()
        except BaseException as error:
            failed.append(error)
        finally:
            started.set()

    threading.Thread(target=start, name="bridge-start", daemon=True).start()
    while not started.is_set():
        if stop.wait(0.1):
            return False
    if failed:
        raise failed[0]
    return True


def run(args: argparse.Namespace, rules: Rules, stop: threading.Event) -> int:
    """Bridge until ``stop`` is set."""
    if not args.transport_url:
        raise ConfigurationError("--transport-url (or $ZAQAR_BRIDGE_TRANSPORT_URL) is required")
    clients = ProjectClients(zaqar_target(args))
    sink = open_sink(args.dead_letter, clients)
    metrics = Metrics()
    backoff = Backoff(maximum=args.retry_max_delay, give_up_after=args.give_up_after)
    bridge = Bridge(rules, clients, sink, metrics, backoff)
    options = ListenerOptions(
        transport_url=args.transport_url,
        priorities=args.priorities or rules.priorities,
        topics=args.topics or DEFAULT_TOPICS,
        exchanges=args.exchanges or DEFAULT_EXCHANGES,
        pool=args.pool,
        batch_size=args.batch_size,
        batch_timeout=args.batch_timeout,
        workers=args.workers,
    )
    listener = NotificationListener(bridge, options)
    LOG.info("%d route(s); dead letters go to %s", len(rules.routes), sink.description)
    if not _start(listener, stop):
        LOG.info("stopped before the message bus answered")
        clients.close()
        return 0
    try:
        while not stop.wait(args.status_interval):
            LOG.info("status: %s", metrics.status_line())
            if args.metrics:
                metrics.dump(args.metrics)
    finally:
        listener.stop()
        clients.close()
        sink.close()
        LOG.info("stopped: %s", metrics.status_line())
        if args.metrics:
            metrics.dump(args.metrics)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command line entry point."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        rules = load_rules(args.config)
        if args.dry_run:
            if args.dry_run == "-":
                return dry_run(rules, sys.stdin, sys.stdout, sys.stderr)
            with Path(args.dry_run).open(encoding="utf-8") as stream:
                return dry_run(rules, stream, sys.stdout, sys.stderr)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        return run(args, rules, stop)
    except ConfigurationError as error:
        parser.exit(2, f"{PROG}: error: {error}\n")
    except OSError as error:
        parser.exit(2, f"{PROG}: error: {error.filename or ''}: {error.strerror}\n")
