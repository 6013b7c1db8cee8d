"""``messaging flavor create|show|update|delete|list`` (admin)."""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib import exceptions
from osc_lib.cli import format_columns

from zaqarclient.osc import common

COLUMNS = ("Name", "Pool list", "Capabilities")


def flavor_row(data: dict[str, Any], with_capabilities: bool = True) -> tuple[Any, ...]:
    """A row of ``COLUMNS`` for a flavor as the server shows it."""
    values: tuple[Any, ...] = (
        data.get("name"),
        format_columns.ListColumn(data.get("pool_list") or []),
    )
    if with_capabilities:
        values += (common.JSONColumn(data.get("capabilities")),)
    return values


def _add_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flavor_name", metavar="<flavor_name>", help="Name of the flavor")


def _add_pool_list(parser: argparse.ArgumentParser) -> None:
    common.add_option(
        parser,
        "--pool-list",
        "--pool_list",
        metavar="<pools>",
        type=common.comma_list,
        help="Comma list of the pools in the flavor (required for create)",
    )


def _add_capabilities(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--capabilities",
        metavar="<json>",
        type=common.json_object("--capabilities"),
        help="Capabilities of the flavor, a JSON object",
    )


class CreateFlavor(common.ShowOne):
    """Create a flavor over a list of pools."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        _add_pool_list(parser)
        _add_capabilities(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        if not parsed_args.pool_list:
            raise exceptions.CommandError("--pool-list is required: the flavor's pools")
        flavor = common.client_of(self).flavor(
            parsed_args.flavor_name,
            pool_list=parsed_args.pool_list,
            capabilities=parsed_args.capabilities,
        )
        return COLUMNS, flavor_row(flavor.get())


class ShowFlavor(common.ShowOne):
    """Show a flavor."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        flavor = common.client_of(self).flavor(parsed_args.flavor_name, auto_create=False)
        return COLUMNS, flavor_row(flavor.get())


class UpdateFlavor(common.ShowOne):
    """Change a flavor's pools and/or capabilities (shows the result)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        _add_pool_list(parser)
        _add_capabilities(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        if parsed_args.pool_list is None and parsed_args.capabilities is None:
            raise exceptions.CommandError("Nothing to update: give --pool-list or --capabilities")
        flavor = common.client_of(self).flavor(parsed_args.flavor_name, auto_create=False)
        changes: dict[str, Any] = {}
        if parsed_args.pool_list is not None:
            changes["pool_list"] = parsed_args.pool_list
        else:
            # Zaqar's PATCH requires pool_list: keep the current one.
            changes["pool_list"] = list(flavor.get().get("pool_list") or [])
        if parsed_args.capabilities is not None:
            changes["capabilities"] = parsed_args.capabilities
        flavor.update(changes)
        return COLUMNS, flavor_row(flavor.get())


class DeleteFlavor(common.Command):
    """Delete a flavor."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_name(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.client_of(self).flavor(parsed_args.flavor_name, auto_create=False).delete()


class ListFlavors(common.Lister):
    """List flavors (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_paging(parser, "flavor")
        parser.add_argument("--detailed", action="store_true", help="Also show the capabilities")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        params = common.page_params(parsed_args)
        if parsed_args.detailed:
            params["detailed"] = True
        flavors = common.capped(common.client_of(self).flavors(**params), parsed_args.limit)
        detailed = bool(parsed_args.detailed)
        columns = COLUMNS if detailed else COLUMNS[:-1]
        rows = [
            flavor_row(
                {"name": f.name, "pool_list": f.pool_list, "capabilities": f.capabilities},
                with_capabilities=detailed,
            )
            for f in flavors
        ]
        return columns, rows
