"""``messaging queue ...`` (also ``openstack queue ...``)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from typing import Any

from osc_lib import exceptions
from osc_lib.cli import format_columns

from zaqarclient.errors import InvalidOperation, ZaqarError
from zaqarclient.osc import common
from zaqarclient.osc.progress import ProgressBar

SIGNED_URL_PATHS = ("messages", "subscriptions", "claims")
_PURGE_POLL = 0.25  # seconds between two looks at the queue's count while a purge runs


def _add_queue_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("queue_name", metavar="<queue_name>", help="Name of the queue")


class CreateQueue(common.ShowOne):
    """Create a queue."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        parser.add_argument(
            "--metadata",
            metavar="<json>",
            type=common.json_object("--metadata"),
            help="Metadata for the new queue, a JSON object (ignored if the queue exists)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        queue.create(parsed_args.metadata)
        return ("Name",), (queue.name,)


class DeleteQueue(common.Command):
    """Delete a queue and its messages."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.client_of(self).queue(parsed_args.queue_name, auto_create=False).delete()


class ListQueues(common.Lister):
    """List queues (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_paging(parser, "queue")
        parser.add_argument(
            "--detailed", action="store_true", help="Also show each queue's metadata and href"
        )
        common.add_option(
            parser,
            "--with-count",
            "--with_count",
            action="store_true",
            help="Print the total number of queues on stderr",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        client = common.client_of(self)
        params = common.page_params(parsed_args)
        if parsed_args.detailed:
            params["detailed"] = True
        if parsed_args.with_count:
            params["with_count"] = True
        queues, count = client.queues(**params)
        items = list(common.capped(queues, parsed_args.limit))
        if parsed_args.with_count:
            common.warn(f"Total queues: {count if count is not None else 'not reported'}")
        if parsed_args.detailed:
            columns = ("Name", "Metadata_Dict", "Href")
            rows = [(q.name, format_columns.DictColumn(q.metadata_dict), q.href) for q in items]
            return columns, rows
        return ("Name",), [(q.name,) for q in items]


class CheckQueueExistence(common.ShowOne):
    """Check whether a queue exists."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        return ("Exists",), (bool(queue.exists()),)


class GetQueueStats(common.ShowOne):
    """Show a queue's message counters.

    Zaqar reports zero counters for a queue that does not exist; ``Exists``
    tells the two cases apart (checked only when the queue looks empty).
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        stats = queue.stats
        total = (stats.get("messages") or {}).get("total")
        exists: bool | None = True
        if not total:
            try:
                exists = bool(queue.exists())
            except InvalidOperation:  # API 1.1 cannot tell
                exists = None
        if exists is False:
            common.warn(f"Queue {queue.name!r} does not exist; Zaqar reports zero counters for it.")
        return ("Stats", "Exists"), (format_columns.DictColumn(stats), exists)


class SetQueueMetadata(common.Command):
    """Replace a queue's metadata (keys left out are removed)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        parser.add_argument(
            "queue_metadata", metavar="<queue_metadata>", help="The new metadata, a JSON object"
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        metadata = common.parse_json(parsed_args.queue_metadata, "Queue metadata")
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        queue.metadata(new_meta=metadata)


class GetQueueMetadata(common.ShowOne):
    """Show a queue's metadata."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        metadata = queue.metadata(force_reload=True)
        return ("Metadata",), (format_columns.DictColumn(metadata),)


class PurgeQueue(common.Command):
    """Remove a queue's messages and/or subscriptions, keeping the queue."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        common.add_option(
            parser,
            "--resource-types",
            "--resource_types",
            metavar="<type>",
            action="append",
            choices=("messages", "subscriptions"),
            help="What to purge: messages or subscriptions (repeatable; default: both)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        types = parsed_args.resource_types
        if sys.stderr.isatty() and (types is None or "messages" in types):
            purge_with_progress(queue, types)
        else:
            queue.purge(resource_types=types)


def _free(queue: Any) -> int:
    free = ((queue.stats or {}).get("messages") or {}).get("free")
    return free if isinstance(free, int) else 0


def purge_with_progress(queue: Any, resource_types: list[str] | None) -> None:
    """Purge while a bar follows the queue's free count (Zaqar purges in one request)."""
    start = _free(queue)
    outcome: list[BaseException] = []

    def purge() -> None:
        try:
            queue.purge(resource_types=resource_types)
        except BaseException as error:  # re-raised on the calling thread
            outcome.append(error)

    worker = threading.Thread(target=purge, name="purge", daemon=True)
    with ProgressBar(f"purge {queue.name}", start) as bar:
        worker.start()
        while worker.is_alive():
            worker.join(_PURGE_POLL)
            if worker.is_alive():
                with contextlib.suppress(ZaqarError):
                    bar.set(max(start - _free(queue), 0))
        if outcome:
            raise outcome[0]
        bar.set(start)


class CreateSignedUrl(common.ShowOne):
    """Create a pre-signed URL granting access to a queue (prints the signature)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_queue_name(parser)
        parser.add_argument(
            "--paths",
            metavar="<paths>",
            default="messages",
            help="Comma list of messages, subscriptions, claims (default: messages)",
        )
        common.add_option(
            parser,
            "--ttl-seconds",
            "--ttl_seconds",
            metavar="<seconds>",
            type=common.positive_int,
            help="Lifetime of the URL in seconds (default: the server's, one day)",
        )
        parser.add_argument(
            "--methods",
            metavar="<methods>",
            default="GET",
            help="Comma list of HTTP methods the URL allows (default: GET)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        paths = common.comma_list(parsed_args.paths)
        unknown = sorted(set(paths) - set(SIGNED_URL_PATHS))
        if unknown or not paths:
            raise exceptions.CommandError(
                f"--paths accepts {', '.join(SIGNED_URL_PATHS)}; got {parsed_args.paths!r}"
            )
        methods = [m.upper() for m in common.comma_list(parsed_args.methods)]
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        data = queue.signed_url(paths=paths, ttl_seconds=parsed_args.ttl_seconds, methods=methods)
        columns = ("Paths", "Methods", "Expires", "Signature", "Project ID")
        values = (
            format_columns.ListColumn(data.get("paths") or []),
            format_columns.ListColumn(data.get("methods") or []),
            data.get("expires"),
            data.get("signature"),
            data.get("project"),
        )
        return columns, values
