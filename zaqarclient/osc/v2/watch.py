"""``messaging message watch``: print new messages as they arrive (like ``tail -f``)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from zaqarclient.filters import Condition, Filter, FilterError
from zaqarclient.osc import common
from zaqarclient.osc.v2.messages import LIST_COLUMNS, message_row


@dataclass
class WatchOptions:
    """What to watch and when to stop."""

    interval: float = 1.0
    count: int | None = None
    timeout: float | None = None
    consume: bool = False
    from_start: bool = False
    claim_ttl: int = 60
    claim_grace: int = 60
    #: Only messages whose body matches are yielded (and counted); observer mode only.
    filter: Filter | None = None


CONSUME_WITH_FILTER = (
    "--filter cannot be combined with --consume: Zaqar cannot claim only matching "
    "messages, so the others would be claimed and released over and over"
)


def filter_term(text: str) -> Condition:
    """argparse type for ``--filter PATH=PATTERN``: a parsed term or a usage error."""
    try:
        return Condition.parse(text)
    except FilterError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _listing_href(queue_name: str) -> str:
    query = urlencode({"limit": common.MAX_PAGE_SIZE, "echo": "true", "include_claimed": "true"})
    return f"queues/{quote(queue_name, safe='')}/messages?{query}"


def _next_href(page: Any) -> str | None:
    for link in (page or {}).get("links") or ():
        if link.get("rel") == "next" and link.get("href"):
            return str(link["href"])
    return None


def watch(
    client: Any,
    queue: Any,
    options: WatchOptions,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    idle: Callable[[], None] = lambda: None,
) -> Iterator[Any]:
    """Yield new messages of ``queue`` until ``count`` or ``timeout`` is reached.

    Without ``consume`` it lists messages (claimed ones too) after a moving
    marker, starting at the current end of the queue unless ``from_start``.
    With ``consume`` it claims messages and deletes each one after yielding it.
    With ``filter`` only messages whose body matches are yielded and counted.
    ``idle`` runs before each wait (the command flushes its output there).
    """
    if options.consume and options.filter:
        raise FilterError(CONSUME_WITH_FILTER)
    deadline = None if options.timeout is None else clock() + options.timeout
    seen = 0

    def remaining() -> int:
        return common.MAX_PAGE_SIZE if options.count is None else options.count - seen

    def wait() -> bool:
        idle()
        if deadline is None:
            sleep(options.interval)
            return True
        left = deadline - clock()
        if left <= 0:
            return False
        sleep(min(options.interval, left))
        return deadline - clock() > 0

    href = _listing_href(queue.name)
    if not options.consume and not options.from_start:
        # Skip what is already there: page to the end and keep its marker.
        while True:
            after = _next_href(client.follow(href))
            if after is None:
                break
            href = after

    make = queue.message_module.create_object(queue)
    while remaining() > 0:
        if options.consume:
            claim = queue.claim(
                ttl=options.claim_ttl,
                grace=options.claim_grace,
                limit=min(remaining(), common.MAX_PAGE_SIZE),
            )
            batch = list(claim)
        else:
            page = client.follow(href)
            batch = [make(item) for item in (page or {}).get("messages") or []]
            if batch:
                href = _next_href(page) or href
        wanted = [m for m in batch if options.filter is None or options.filter.matches(m.body)]
        for message in wanted[: remaining()]:
            seen += 1
            yield message
            if options.consume:
                message.delete()
        if not batch and not wait():
            return
        if batch and deadline is not None and clock() >= deadline:
            return


class WatchMessages(common.Lister):
    """Print a queue's new messages as they arrive, polling every --interval seconds.

    Runs until --count messages were seen, --timeout seconds passed or
    Ctrl-C. With -f value or -f csv each message is printed as it arrives.
    --filter PATH=PATTERN (repeatable, all must match) prints only messages
    whose body matches; the filtering happens here, Zaqar has no filters.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("queue_name", metavar="<queue_name>", help="Name of the queue")
        parser.add_argument(
            "--interval",
            metavar="<seconds>",
            type=float,
            default=1.0,
            help="Seconds between polls when nothing is new (default 1)",
        )
        parser.add_argument(
            "--count",
            metavar="<count>",
            type=common.positive_int,
            help="Stop after this many messages",
        )
        parser.add_argument(
            "--timeout", metavar="<seconds>", type=float, help="Stop after this many seconds"
        )
        parser.add_argument(
            "--consume",
            action="store_true",
            help="Claim each message and delete it once printed (a worker, not an observer)",
        )
        parser.add_argument(
            "--from-start",
            action="store_true",
            help="Start with the messages already in the queue (default: only new ones)",
        )
        parser.add_argument(
            "--filter",
            metavar="<path=pattern>",
            action="append",
            type=filter_term,
            default=[],
            help="Print only messages whose body field PATH matches the shell-style PATTERN "
                 "(e.g. event_type=compute.instance.*; PATH!=PATTERN negates; "
                 "a|b matches either); repeat to require several",
        )
        common.add_client_id(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        client = common.with_client_id(common.client_of(self), parsed_args.client_id)
        queue = client.queue(parsed_args.queue_name, auto_create=False)
        options = WatchOptions(
            interval=max(parsed_args.interval, 0.05),
            count=parsed_args.count,
            timeout=parsed_args.timeout,
            consume=parsed_args.consume,
            from_start=parsed_args.from_start,
            filter=Filter(parsed_args.filter) or None,
        )
        if options.consume and options.filter:
            raise FilterError(CONSUME_WITH_FILTER)
        stdout = self.app.stdout

        def rows() -> Iterator[tuple[Any, ...]]:
            try:
                for message in watch(client, queue, options, idle=stdout.flush):
                    yield message_row(message)
            except KeyboardInterrupt:
                return

        return LIST_COLUMNS, rows()
