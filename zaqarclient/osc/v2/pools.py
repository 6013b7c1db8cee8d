"""``messaging pool create|show|update|delete|list`` (admin)."""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib import exceptions
from osc_lib.cli import format_columns

from zaqarclient.osc import common

COLUMNS = ("Name", "Weight", "URI", "Flavor", "Options")


def pool_row(data: dict[str, Any], with_options: bool = True) -> tuple[Any, ...]:
    """A row of ``COLUMNS`` for a pool as the server shows it."""
    values: tuple[Any, ...] = (
        data.get("name"),
        data.get("weight"),
        data.get("uri"),
        data.get("flavor"),
    )
    if with_options:
        values += (format_columns.DictColumn(data.get("options") or {}),)
    return values


def _as_dict(pool: Any) -> dict[str, Any]:
    return {
        "name": pool.name,
        "weight": pool.weight,
        "uri": pool.uri,
        "flavor": pool.flavor,
        "options": pool.options,
    }


def _add_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pool_name", metavar="<pool_name>", help="Name of the pool")


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flavor", metavar="<flavor>", help="Flavor the pool belongs to")
    common.add_option(
        parser,
        "--pool-options",
        "--pool_options",
        metavar="<json>",
        type=common.json_object("--pool-options"),
        help="Storage driver options, a JSON object",
    )


class CreatePool(common.ShowOne):
    """Create (or replace) a pool."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        parser.add_argument("pool_uri", metavar="<pool_uri>", help="Storage URI of the pool")
        parser.add_argument(
            "pool_weight", metavar="<pool_weight>", type=int, help="Weight of the pool"
        )
        _add_options(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        pool = common.client_of(self).pool(
            parsed_args.pool_name,
            uri=parsed_args.pool_uri,
            weight=parsed_args.pool_weight,
            flavor=parsed_args.flavor,
            options=parsed_args.pool_options or {},
        )
        return COLUMNS, pool_row(_as_dict(pool))


class ShowPool(common.ShowOne):
    """Show a pool."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        pool = common.client_of(self).pool(parsed_args.pool_name, auto_create=False)
        return COLUMNS, pool_row(pool.get())


class UpdatePool(common.ShowOne):
    """Change a pool's URI, weight, flavor or options (shows the result)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        common.add_option(
            parser, "--pool-uri", "--pool_uri", metavar="<pool_uri>", help="New storage URI"
        )
        common.add_option(
            parser,
            "--pool-weight",
            "--pool_weight",
            metavar="<pool_weight>",
            type=int,
            help="New weight",
        )
        _add_options(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        changes: dict[str, Any] = {}
        for option, key in (
            ("pool_uri", "uri"),
            ("pool_weight", "weight"),
            ("flavor", "flavor"),
            ("pool_options", "options"),
        ):
            if getattr(parsed_args, option, None) is not None:
                changes[key] = getattr(parsed_args, option)
        if not changes:
            raise exceptions.CommandError(
                "Nothing to update: give --pool-uri, --pool-weight, --flavor or --pool-options"
            )
        pool = common.client_of(self).pool(parsed_args.pool_name, auto_create=False)
        pool.update(changes)
        return COLUMNS, pool_row(pool.get())


class DeletePool(common.Command):
    """Delete a pool."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.client_of(self).pool(parsed_args.pool_name, auto_create=False).delete()


class ListPools(common.Lister):
    """List pools (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_paging(parser, "pool")
        parser.add_argument("--detailed", action="store_true", help="Also show the options")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        params = common.page_params(parsed_args)
        if parsed_args.detailed:
            params["detailed"] = True
        pools = common.capped(common.client_of(self).pools(**params), parsed_args.limit)
        detailed = bool(parsed_args.detailed)
        columns = COLUMNS if detailed else COLUMNS[:-1]
        return columns, [pool_row(_as_dict(p), with_options=detailed) for p in pools]
