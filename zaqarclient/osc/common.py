"""Helpers shared by every command: error reporting, option spelling, JSON input, paging."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeAlias, TypeVar
from urllib.parse import urlsplit

from cliff import columns as format_columns_base
from osc_lib import exceptions
from osc_lib.command import command

from zaqarclient.errors import ConnectionError, TransportError, ZaqarError
from zaqarclient.queues.v2.client import Client

T = TypeVar("T")

# Zaqar never returns more than 20 items per page (max_*_per_page).
MAX_PAGE_SIZE = 20


def describe_error(error: BaseException) -> str:
    """One line saying what went wrong: status, title, description, request id."""
    if isinstance(error, TransportError):
        text = f"{error.status} {error.title}".rstrip() if error.title else f"HTTP {error.status}"
        if error.description:
            text += f": {error.description}"
        if error.method and error.url:
            # The path only: a query string may carry a signature.
            text += f" ({error.method} {urlsplit(error.url).path})"
        if error.request_id:
            text += f" [request {error.request_id}]"
        return text
    if isinstance(error, ConnectionError):
        return f"Cannot reach the messaging service: {error}"
    return str(error) or type(error).__name__


class ZaqarCommandMixin:
    """Turns SDK errors (also those raised while output is produced) into one-line errors."""

    def run(self, parsed_args: argparse.Namespace) -> int:
        try:
            result: int = super().run(parsed_args)  # type: ignore[misc]
        except ZaqarError as error:
            raise exceptions.CommandError(describe_error(error)) from error
        return result


class Command(ZaqarCommandMixin, command.Command):
    """A command that prints nothing."""


class Lister(ZaqarCommandMixin, command.Lister):
    """A command that prints rows."""


class ShowOne(ZaqarCommandMixin, command.ShowOne):
    """A command that prints one record."""


#: What a ``ShowOne`` command returns: column names and one row of values.
ShowResult: TypeAlias = tuple[Sequence[str], Sequence[object]]
#: What a ``Lister`` command returns: column names and the rows.
ListResult: TypeAlias = tuple[Sequence[str], Iterable[Sequence[object]]]

_CLIENT_ATTRIBUTE = "messaging"


def client_of(cmd: command.Command) -> Client:
    """The SDK client OSC built for this command (``make_client``)."""
    # OSC adds the attribute at run time, named after the plugin's API_NAME.
    client = getattr(cmd.app.client_manager, _CLIENT_ATTRIBUTE)
    if not isinstance(client, Client):
        raise TypeError(f"messaging client is {type(client).__name__}, not a zaqarclient Client")
    return client


def add_option(parser: argparse.ArgumentParser, name: str, *old_names: str, **kwargs: Any) -> None:
    """Add a dashed option, still accepting older spellings (hidden from ``--help``).

    ``required`` is not supported (argparse would not count the old spellings);
    check for the value in ``take_action`` instead.
    """
    if kwargs.get("required"):
        raise ValueError("add_option does not support required=True")
    action = parser.add_argument(name, **kwargs)
    hidden = dict(kwargs)
    hidden["help"] = argparse.SUPPRESS
    hidden["dest"] = action.dest
    hidden["default"] = argparse.SUPPRESS
    for old in old_names:
        parser.add_argument(old, **hidden)


def parse_json(text: str, what: str, kind: type | tuple[type, ...] = dict) -> Any:
    """Decode a JSON command-line argument, failing with a clear message."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise exceptions.CommandError(f"{what} is not valid JSON: {error}") from error
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
        expected = names.replace("dict", "a JSON object").replace("list", "a JSON array")
        raise exceptions.CommandError(f"{what} must be {expected}")
    return value


def json_object(what: str) -> Callable[[str], dict[str, Any]]:
    """An argparse ``type`` decoding a JSON object (errors name the option)."""

    def convert(text: str) -> dict[str, Any]:
        try:
            value = json.loads(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{what} is not valid JSON: {error}") from error
        if not isinstance(value, dict):
            raise argparse.ArgumentTypeError(f"{what} must be a JSON object")
        return value

    return convert


def comma_list(text: str) -> list[str]:
    """``"a,b, c"`` -> ``["a", "b", "c"]``."""
    return [item.strip() for item in text.split(",") if item.strip()]


def positive_int(text: str) -> int:
    """An argparse ``type`` for integers >= 1."""
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def add_paging(parser: argparse.ArgumentParser, what: str) -> None:
    """``--marker`` and ``--limit`` (a cap on the total, not a page size)."""
    parser.add_argument(
        "--marker", metavar="<marker>", help=f"Start after this {what} (from a previous listing)"
    )
    parser.add_argument(
        "--limit",
        metavar="<limit>",
        type=positive_int,
        help=f"Show at most this many {what}s (default: all, fetched page by page)",
    )


def page_params(parsed_args: argparse.Namespace) -> dict[str, Any]:
    """Listing query parameters from ``--marker``/``--limit``."""
    params: dict[str, Any] = {}
    if getattr(parsed_args, "marker", None):
        params["marker"] = parsed_args.marker
    limit = getattr(parsed_args, "limit", None)
    params["limit"] = min(limit, MAX_PAGE_SIZE) if limit else MAX_PAGE_SIZE
    return params


def capped(items: Iterable[T], limit: int | None) -> Iterator[T]:
    """The first ``limit`` items (all when ``limit`` is None)."""
    return iter(items) if limit is None else itertools.islice(items, limit)


def warn(message: str) -> None:
    """A note for the user on stderr (never mixed into formatted output)."""
    print(message, file=sys.stderr)


class JSONColumn(format_columns_base.FormattableColumn[Any]):
    """A JSON value: compact JSON text in tables, the value itself in json/yaml."""

    def human_readable(self) -> str:
        if isinstance(self._value, str):
            return self._value
        return json.dumps(self._value, sort_keys=True)

    def machine_readable(self) -> Any:
        return self._value


def with_client_id(client: Client, client_id: str | None) -> Client:
    """``client``, or a copy of it that sends ``Client-ID: client_id``."""
    if not client_id or client_id == getattr(client, "client_uuid", None):
        return client
    conf = dict(client.conf)
    conf["client_uuid"] = client_id
    return type(client)(
        client.api_url, version=client.api_version, conf=conf, session=client.session
    )


def add_client_id(parser: argparse.ArgumentParser) -> None:
    """``--client-id`` (optional; a random id is used when absent)."""
    parser.add_argument(
        "--client-id",
        metavar="<client_id>",
        default=os.environ.get("OS_MESSAGE_CLIENT_ID"),
        help="Client-ID (a UUID) for the requests (env: OS_MESSAGE_CLIENT_ID; default: random)",
    )
