"""``messaging ping|health|homedoc|versions``."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from osc_lib.cli import format_columns

from zaqarclient.osc import common


def _record(data: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """One column per top-level key; nested objects stay objects in json/yaml."""
    keys = tuple(sorted(data))
    values = tuple(
        format_columns.DictColumn(data[key])
        if isinstance(data[key], Mapping)
        else common.JSONColumn(data[key])
        for key in keys
    )
    return keys, values


class Ping(common.ShowOne):
    """Check whether the server and its storage answer."""

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        return ("Pingable",), (bool(common.client_of(self).ping()),)


class Health(common.ShowOne):
    """Show the server's detailed health report (admin); JSON unless ``-f`` says otherwise."""

    # python-zaqarclient printed health and homedoc as JSON; scripts parse that.
    formatter_default = "json"

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        return _record(common.client_of(self).health() or {})


class HomeDoc(common.ShowOne):
    """Show the API's JSON-home document; JSON unless ``-f`` says otherwise."""

    formatter_default = "json"

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        return _record(common.client_of(self).homedoc() or {})


class Versions(common.Lister):
    """List the API versions the server offers."""

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        versions = common.client_of(self).versions()
        columns = ("ID", "Status", "Updated")
        rows = [(v.get("id"), v.get("status"), v.get("updated")) for v in versions]
        return columns, rows
