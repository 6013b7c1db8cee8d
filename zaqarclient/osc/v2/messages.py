"""``messaging message post|list|get|delete|pop``; the post and list helpers topics share."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from osc_lib import exceptions

from zaqarclient.errors import ZaqarError
from zaqarclient.osc import common
from zaqarclient.osc.progress import ProgressBar, tracked

# Zaqar's default max_messages_post_size: the whole request body, in bytes.
MAX_POST_BYTES = 262144
_ENVELOPE = len(b'{"messages":[]}')

LIST_COLUMNS = ("ID", "Body", "TTL", "Age", "Claim ID", "Checksum")


def _encoded_size(message: Any) -> int:
    # The SDK sends compact JSON (separators without spaces, ASCII escapes).
    return len(json.dumps(message, separators=(",", ":")).encode("utf-8"))


def split_batches(
    messages: Sequence[dict[str, Any]], max_bytes: int, max_count: int | None = None
) -> list[list[dict[str, Any]]]:
    """Group ``messages`` into POST bodies of at most ``max_bytes`` (and ``max_count``
    messages) each, keeping order.

    Raises ``ValueError`` when one message alone does not fit.
    """
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = _ENVELOPE
    for index, message in enumerate(messages):
        item = _encoded_size(message)
        if _ENVELOPE + item > max_bytes:
            raise ValueError(
                f"message {index} is {item} bytes encoded; a request may carry at most "
                f"{max_bytes - _ENVELOPE} bytes of messages"
            )
        extra = item + (1 if current else 0)
        full = max_count is not None and len(current) >= max_count
        if current and (full or size + extra > max_bytes):
            batches.append(current)
            current, size, extra = [], _ENVELOPE, item
        current.append(message)
        size += extra
    if current:
        batches.append(current)
    return batches


def parse_messages(text: str) -> list[dict[str, Any]]:
    """Messages from JSON: an array of messages, one message, ``{"messages": [...]}``
    or JSON Lines (one message per line)."""
    try:
        data: Any = json.loads(text)
    except ValueError as error:
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            data = [json.loads(line) for line in lines]
        except ValueError:
            raise exceptions.CommandError(f"Messages are not valid JSON: {error}") from error
    if isinstance(data, dict):
        data = data["messages"] if isinstance(data.get("messages"), list) else [data]
    if not isinstance(data, list) or not data:
        raise exceptions.CommandError(
            'Messages must be a non-empty JSON array such as [{"body": {...}, "ttl": 300}]'
        )
    for index, message in enumerate(data):
        if not isinstance(message, dict) or "body" not in message:
            raise exceptions.CommandError(
                f'Message {index} must be a JSON object with a "body" key, got {message!r:.60}'
            )
    return data


def _read_source(parsed_args: argparse.Namespace, stdin: TextIO) -> str:
    source = parsed_args.file
    if parsed_args.messages is not None and source is not None:
        raise exceptions.CommandError("Give the messages either as an argument or with --file")
    if source is None and parsed_args.messages not in (None, "-"):
        return str(parsed_args.messages)
    if source is None or source == "-":
        return stdin.read()
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise exceptions.CommandError(f"Cannot read {source}: {error.strerror}") from error


def _message_id(href: str) -> str:
    return href.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def message_row(message: Any) -> tuple[Any, ...]:
    """A row of ``LIST_COLUMNS`` for an SDK Message."""
    return (
        message.id,
        common.JSONColumn(message.body),
        message.ttl,
        message.age,
        message.claim_id,
        message.checksum,
    )


def add_post_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``message post`` after the queue (or topic) name."""
    parser.add_argument(
        "messages",
        metavar="<messages>",
        nargs="?",
        help='Messages as JSON, e.g. \'[{"body": {"event": "x"}, "ttl": 300}]\'; - reads stdin',
    )
    parser.add_argument(
        "--file", metavar="<path>", help="Read the messages from a file (- for stdin)"
    )
    parser.add_argument(
        "--max-request-bytes",
        metavar="<bytes>",
        type=common.positive_int,
        default=MAX_POST_BYTES,
        help="Split posts so each request body stays within this size "
        f"(default: {MAX_POST_BYTES}, Zaqar's limit; a smaller _max_messages_post_size "
        "of the queue is honoured too)",
    )
    parser.add_argument(
        "--max-batch-messages",
        metavar="<count>",
        type=common.positive_int,
        help="Also put at most this many messages in one request (default: as many as fit)",
    )
    common.add_client_id(parser)


def post_size_limit(target: Any, requested: int) -> int:
    """The largest post ``target`` accepts: ``requested``, or the queue's smaller cap."""
    try:
        metadata = target.metadata(force_reload=True)
    except ZaqarError:  # API 1.1 ignores the per-queue cap, and cannot read it the same way
        return requested
    cap = metadata.get("_max_messages_post_size") if isinstance(metadata, dict) else None
    if isinstance(cap, int) and not isinstance(cap, bool) and 0 < cap < requested:
        return cap
    return requested


def post_all(target: Any, parsed_args: argparse.Namespace) -> list[str]:
    """Post the messages ``add_post_arguments`` read to a queue or topic; their ids.

    Batches respect the post-size limit (and ``--max-batch-messages``); the first
    refused batch stops the command with how many messages were posted before it.
    """
    messages = parse_messages(_read_source(parsed_args, sys.stdin))
    limit = post_size_limit(target, parsed_args.max_request_bytes)
    try:
        batches = split_batches(messages, limit, parsed_args.max_batch_messages)
    except ValueError as error:
        raise exceptions.CommandError(str(error)) from error
    ids: list[str] = []
    posted = 0
    with ProgressBar(f"post {target.name}", len(messages)) as bar:
        for number, batch in enumerate(batches, 1):
            try:
                result = target.post(batch)
            except ZaqarError as error:
                raise exceptions.CommandError(
                    f"Posted {posted} of {len(messages)} messages; request {number} of "
                    f"{len(batches)} ({len(batch)} messages) was refused: "
                    f"{common.describe_error(error)}"
                ) from error
            ids.extend(_message_id(href) for href in result.get("resources", []))
            posted += len(batch)
            bar.advance(len(batch))
    return ids


def add_list_arguments(parser: argparse.ArgumentParser, claims: bool = True) -> None:
    """The options of ``message list`` (``claims=False``: no ``--include-claimed``)."""
    common.add_option(
        parser,
        "--message-ids",
        "--message_ids",
        metavar="<ids>",
        help="Comma list of message ids to show (at most 20)",
    )
    common.add_paging(parser, "message")
    parser.add_argument(
        "--all",
        action="store_true",
        help="Fetch every page (the default without --limit), with a progress bar on a "
        "terminal",
    )
    parser.add_argument(
        "--echo", action="store_true", help="Include messages posted with this client id"
    )
    if claims:
        common.add_option(
            parser,
            "--include-claimed",
            "--include_claimed",
            action="store_true",
            help="Include claimed messages",
        )
    common.add_option(
        parser,
        "--include-delayed",
        "--include_delayed",
        action="store_true",
        help="Include messages that are still delayed",
    )
    common.add_client_id(parser)


def _expected_count(target: Any, parsed_args: argparse.Namespace) -> int | None:
    """How many messages a full listing should yield, from the queue's stats (an estimate)."""
    try:
        counts = (target.stats or {}).get("messages") or {}
    except ZaqarError:
        return None
    total = counts.get("total") if parsed_args.include_claimed else counts.get("free")
    return total if isinstance(total, int) else None


def list_all(target: Any, parsed_args: argparse.Namespace) -> list[Any]:
    """The messages of a queue or topic that ``add_list_arguments`` asked for."""
    if parsed_args.message_ids:
        return list(target.messages(*common.comma_list(parsed_args.message_ids)))
    if parsed_args.all and parsed_args.limit:
        raise exceptions.CommandError("Give either --all or --limit, not both")
    params = common.page_params(parsed_args)
    for flag in ("echo", "include_claimed", "include_delayed"):
        if getattr(parsed_args, flag, False):
            params[flag] = True
    found = common.capped(target.messages(**params), parsed_args.limit)
    expected = None
    if parsed_args.limit is None and sys.stderr.isatty():
        expected = _expected_count(target, parsed_args)
    with ProgressBar(f"list {target.name}", expected) as bar:
        return list(tracked(found, bar))


def _add_queue_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("queue_name", metavar="<queue_name>", help="Name of the queue")


class PostMessages(common.Lister):
    """Post messages to a queue and print their ids.

    Messages are a JSON array of ``{"body": ..., "ttl": ..., "delay": ...}``
    objects given as an argument, read from ``--file`` or from stdin (``-``).
    Large sets are sent in several requests under the server's size limit.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        add_post_arguments(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        client = common.with_client_id(common.client_of(self), parsed_args.client_id)
        queue = client.queue(parsed_args.queue_name, auto_create=False)
        return ("ID",), [(message_id,) for message_id in post_all(queue, parsed_args)]


class ListMessages(common.Lister):
    """List a queue's messages (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        add_list_arguments(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        client = common.with_client_id(common.client_of(self), parsed_args.client_id)
        queue = client.queue(parsed_args.queue_name, auto_create=False)
        return LIST_COLUMNS, [message_row(message) for message in list_all(queue, parsed_args)]


class GetMessage(common.ShowOne):
    """Show one message."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        parser.add_argument("message_id", metavar="<message_id>", help="Id of the message")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        message = queue.message(parsed_args.message_id)
        return LIST_COLUMNS, message_row(message)


class DeleteMessages(common.Command):
    """Delete messages by id (a claimed message needs --claim-id)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        parser.add_argument(
            "message_ids", metavar="<message_id>", nargs="+", help="Id(s) of the message(s)"
        )
        parser.add_argument(
            "--claim-id", metavar="<claim_id>", help="The claim holding the message(s)"
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        ids: list[str] = list(dict.fromkeys(parsed_args.message_ids))
        if parsed_args.claim_id or len(ids) == 1:
            for message_id in ids:
                queue.delete_message(message_id, claim_id=parsed_args.claim_id)
            return
        for start in range(0, len(ids), common.MAX_PAGE_SIZE):
            queue.delete_messages(*ids[start : start + common.MAX_PAGE_SIZE])


class PopMessages(common.Lister):
    """Remove and print up to --count unclaimed messages."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        parser.add_argument(
            "--count",
            metavar="<count>",
            type=common.positive_int,
            default=1,
            help="How many messages to pop (1 to 20, default 1)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        popped = list(queue.pop(parsed_args.count))
        columns = ("ID", "Body", "TTL", "Age", "Claim Count")
        rows = [(m.id, common.JSONColumn(m.body), m.ttl, m.age, m.claim_count) for m in popped]
        return columns, rows
