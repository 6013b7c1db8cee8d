"""What a benchmark run does: the command line and the settings it becomes."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ROLES = ("producer", "consumer", "observer", "subscriber")
_SCHEMES = ("http", "https", "ws", "wss")


@dataclass(frozen=True)
class Settings:
    """Every knob of a run; picklable, so worker processes get a copy."""

    url: str
    workers: dict[str, int]
    processes: int = 1
    duration: float = 10.0
    messages: int | None = None
    queues: int = 4
    queue_prefix: str = "zaqarclient-bench"
    message_size: int = 128
    messages_per_post: int = 1
    message_ttl: int = 300
    claim_size: int = 5
    claim_ttl: int = 300
    claim_grace: int = 200
    list_size: int = 5
    list_claimed: bool = True
    ws_url: str | None = None
    conf: dict[str, Any] = field(default_factory=dict)
    reset: bool = True
    keep_queues: bool = False
    output: str = "table"
    progress: bool | None = None

    @property
    def queue_names(self) -> list[str]:
        """The queues every worker spreads its requests over."""
        return [f"{self.queue_prefix}-{index}" for index in range(self.queues)]

    @property
    def transport(self) -> str:
        """``websocket`` for ws:// and wss:// URLs, else ``http``."""
        return "websocket" if self.url.startswith(("ws://", "wss://")) else "http"

    @property
    def subscriber_url(self) -> str:
        """Where subscribers connect: ``--ws-url``, or the same host and port over ws."""
        if self.ws_url:
            return self.ws_url
        if self.url.startswith("http"):
            return "ws" + self.url[len("http"):]
        return self.url

    def processes_for(self, role: str) -> int:
        """How many processes carry ``role``'s workers (never more than the workers)."""
        return min(self.processes, self.workers.get(role, 0))


def _whole(minimum: int) -> Callable[[str], int]:
    """An argparse ``type`` for whole numbers of at least ``minimum``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} must be at least {minimum}")
        return value

    return convert


_positive, _count = _whole(1), _whole(0)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{value} must be more than 0 seconds")
    return value


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in _SCHEMES or not parts.netloc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Zaqar URL (http://, https://, ws:// or wss:// with a host)"
        )
    return text.rstrip("/")


def _auth_opts(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--auth-opts is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(
            '--auth-opts must be a JSON object such as {"backend": "keystone", "options": {...}}'
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``zaqarclient-bench`` command line."""
    parser = argparse.ArgumentParser(
        prog="zaqarclient-bench",
        description="Load a Zaqar with producers, consumers (claim + delete), observers (list) "
        "and websocket subscribers; report throughput per role and latency percentiles per "
        "operation and end to end.",
    )
    add = parser.add_argument
    add("--url", required=True, type=_url, help="Zaqar endpoint (http(s):// or ws(s)://)")
    add("--duration", type=_seconds, default=None,
        help="seconds to run (default 10; with --messages, the most it may take)")
    add("--messages", type=_positive, help="stop after this many messages were posted "
        "(and consumed, when there are consumers) instead of after --duration")
    add("--producers", type=_count, default=1, help="producer workers (default 1)")
    add("--consumers", type=_count, default=1, help="consumer workers: claim, then delete "
        "each claimed message (default 1)")
    add("--observers", type=_count, default=0, help="observer workers: list a page of "
        "messages (default 0)")
    add("--subscribers", type=_count, default=0, help="websocket subscribers pushed every "
        "posted message (default 0; see --ws-url)")
    add("--processes", type=_positive, default=1, help="processes per role that share the "
        "role's workers as threads (default 1)")
    add("--queues", type=_positive, default=4, help="queues to spread the load over (default 4)")
    add("--queue-prefix", default="zaqarclient-bench",
        help="queue names are PREFIX-0, PREFIX-1, ... (default zaqarclient-bench)")
    add("--message-size", type=_positive, default=128,
        help="bytes of each message's encoded body (default 128)")
    add("--messages-per-post", type=_positive, default=1,
        help="messages in each post request (default 1)")
    add("--message-ttl", type=_positive, default=300, help="message ttl in seconds (default 300)")
    add("--claim-size", type=_positive, default=5,
        help="messages asked for by each claim, 1-20 (default 5)")
    add("--claim-ttl", type=_positive, default=300, help="claim ttl (default 300)")
    add("--claim-grace", type=_positive, default=200, help="claim grace (default 200)")
    add("--list-size", type=_positive, default=5,
        help="messages per observer page, 1-20 (default 5)")
    add("--no-list-claimed", action="store_true", help="observers list free messages only "
        "(by default they include claimed ones, as zaqar-bench's do; Zaqar 23's Redis driver "
        "answers that first page with 503)")
    add("--ws-url", type=_url, help="websocket endpoint for subscribers (default: --url's host "
        "and port over ws://, as the reference server serves both on one port)")
    add("--project-id", default="zaqarclient-bench",
        help="X-Project-ID without Keystone (default zaqarclient-bench)")
    add("--auth-opts", type=_auth_opts, help="the SDK's conf['auth_opts'] as JSON (keystone, "
        "signed-url, noauth with options); replaces --project-id")
    add("--retries", type=_count, default=0, help="resend a failed idempotent request this "
        "often (default 0: a benchmark counts failures instead of hiding them)")
    add("--no-reset", action="store_true", help="keep what the queues hold before the run")
    add("--keep-queues", action="store_true", help="do not delete the queues afterwards")
    add("--format", choices=("table", "json"), default="table", help="output (default table)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_const", const=True,
                          help="always draw the progress line on stderr")
    progress.add_argument("--no-progress", dest="progress", action="store_const", const=False,
                          help="never draw it (default: only when stderr is a terminal)")
    return parser


def settings_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Settings:
    """Validate the combination of arguments and build the :class:`Settings`."""
    workers = {role: getattr(args, role + "s") for role in ROLES}
    if not any(workers.values()):
        parser.error("nothing to run: give at least one producer, consumer, observer or "
                     "subscriber")
    for name in ("claim_size", "list_size"):
        if getattr(args, name) > 20:
            parser.error(f"--{name.replace('_', '-')} may be at most 20 (Zaqar's page limit)")
    for name in ("message_ttl", "claim_ttl", "claim_grace"):
        if getattr(args, name) < 60:
            parser.error(f"--{name.replace('_', '-')} must be at least 60 seconds (Zaqar's "
                         "minimum)")
    if args.messages and not workers["producer"]:
        parser.error("--messages counts posted messages: it needs at least one producer")
    if args.subscribers and args.ws_url is None and args.url.startswith("https"):
        parser.error("subscribers need --ws-url (wss://...) for an https endpoint")
    if args.auth_opts is not None:
        auth = args.auth_opts
    else:
        auth = {"backend": "noauth", "options": {"os_project_id": args.project_id}}
    duration = args.duration if args.duration is not None else (300.0 if args.messages else 10.0)
    return Settings(
        url=args.url, workers=workers, processes=args.processes, duration=duration,
        messages=args.messages, queues=args.queues, queue_prefix=args.queue_prefix,
        message_size=args.message_size, messages_per_post=args.messages_per_post,
        message_ttl=args.message_ttl, claim_size=args.claim_size,
        claim_ttl=args.claim_ttl, claim_grace=args.claim_grace,
        list_size=args.list_size, list_claimed=not args.no_list_claimed, ws_url=args.ws_url,
        conf={"auth_opts": auth, "retries": args.retries},
        reset=not args.no_reset, keep_queues=args.keep_queues, output=args.format,
        progress=args.progress,
    )
