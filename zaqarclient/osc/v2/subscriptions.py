"""``messaging subscription create|update|delete|show|list|confirm``."""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib.cli import format_columns

from zaqarclient.osc import common

COLUMNS = ("ID", "Subscriber", "TTL", "Age", "Confirmed", "Options")


def subscription_row(subscription: Any) -> tuple[Any, ...]:
    """A row of ``COLUMNS`` for an SDK Subscription."""
    return (
        subscription.id,
        subscription.subscriber,
        subscription.ttl,
        subscription.age,
        subscription.confirmed,
        format_columns.DictColumn(subscription.options or {}),
    )


def _add_target(parser: argparse.ArgumentParser, with_id: bool = True) -> None:
    parser.add_argument("queue_name", metavar="<queue_name>", help="Name of the queue")
    if with_id:
        parser.add_argument(
            "subscription_id", metavar="<subscription_id>", help="Id of the subscription"
        )


def add_subscriber_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``<subscriber> <ttl> [--options JSON]`` arguments of a subscription create."""
    parser.add_argument(
        "subscriber", metavar="<subscriber>", help="Where to notify: http(s)://... or mailto:"
    )
    parser.add_argument(
        "ttl", metavar="<ttl>", type=common.positive_int, help="Lifetime in seconds (>= 60)"
    )
    parser.add_argument(
        "--options",
        metavar="<json>",
        type=common.json_object("--options"),
        help="Subscription options, a JSON object",
    )


def _load(cmd: Any, queue_name: str, subscription_id: str) -> Any:
    return common.client_of(cmd).subscription(queue_name, id=subscription_id, auto_create=True)


class CreateSubscription(common.ShowOne):
    """Subscribe a webhook (http/https) or e-mail address (mailto:) to a queue."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_target(parser, with_id=False)
        add_subscriber_arguments(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        subscription = common.client_of(self).subscription(
            parsed_args.queue_name,
            subscriber=parsed_args.subscriber,
            ttl=parsed_args.ttl,
            options=parsed_args.options or {},
        )
        return COLUMNS, subscription_row(subscription)


class UpdateSubscription(common.ShowOne):
    """Change a subscription's subscriber, TTL or options (shows the result)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_target(parser)
        parser.add_argument("--subscriber", metavar="<subscriber>", help="New subscriber")
        parser.add_argument(
            "--ttl", metavar="<ttl>", type=common.positive_int, help="New lifetime in seconds"
        )
        parser.add_argument(
            "--options",
            metavar="<json>",
            type=common.json_object("--options"),
            help="New options, a JSON object (replaces the old ones)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        changes = {
            key: getattr(parsed_args, key)
            for key in ("subscriber", "ttl", "options")
            if getattr(parsed_args, key) is not None
        }
        subscription = _load(self, parsed_args.queue_name, parsed_args.subscription_id)
        if changes:
            subscription.update(changes)
            subscription.reload()
        return COLUMNS, subscription_row(subscription)


class DeleteSubscription(common.Command):
    """Delete a subscription."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_target(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.client_of(self).subscription(
            parsed_args.queue_name, id=parsed_args.subscription_id, auto_create=False
        ).delete()


class ShowSubscription(common.ShowOne):
    """Show a subscription."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_target(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        subscription = _load(self, parsed_args.queue_name, parsed_args.subscription_id)
        return COLUMNS, subscription_row(subscription)


class ListSubscriptions(common.Lister):
    """List a queue's subscriptions (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_target(parser, with_id=False)
        common.add_paging(parser, "subscription")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        found = common.client_of(self).subscriptions(
            parsed_args.queue_name, **common.page_params(parsed_args)
        )
        items = common.capped(found, parsed_args.limit)
        return COLUMNS, [subscription_row(s) for s in items]


class ConfirmSubscription(common.ShowOne):
    """Confirm a subscription (or unconfirm it with --unconfirm)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_target(parser)
        parser.add_argument(
            "--unconfirm", action="store_true", help="Mark the subscription unconfirmed"
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        subscription = common.client_of(self).subscription(
            parsed_args.queue_name, id=parsed_args.subscription_id, auto_create=False
        )
        subscription.confirm(not parsed_args.unconfirm)
        subscription.reload()
        return COLUMNS, subscription_row(subscription)
