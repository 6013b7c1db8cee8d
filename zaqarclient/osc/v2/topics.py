"""``messaging topic ...``: topics, their messages and their subscriptions.

A topic is a queue-like resource for fan-out to subscribers: messages are
posted and subscribers notified, but there are no claims or signed URLs.
Zaqar stores topics only with its MongoDB driver.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from osc_lib.cli import format_columns

from zaqarclient.errors import InvalidOperation
from zaqarclient.osc import common
from zaqarclient.osc.v2 import messages, subscriptions

#: ``message list`` columns without ``Claim ID`` (topic messages are never claimed).
MESSAGE_COLUMNS = ("ID", "Body", "TTL", "Age", "Checksum")


def _add_topic_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("topic_name", metavar="<topic_name>", help="Name of the topic")


def _topic(cmd: Any, parsed_args: argparse.Namespace) -> Any:
    client = common.client_of(cmd)
    if getattr(parsed_args, "client_id", None):
        client = common.with_client_id(client, parsed_args.client_id)
    return client.topic(parsed_args.topic_name, auto_create=False)


def _subscription_row(subscription: Mapping[str, Any]) -> tuple[Any, ...]:
    """A row of ``subscriptions.COLUMNS`` for a subscription dict."""
    return (
        subscription.get("id"),
        subscription.get("subscriber"),
        subscription.get("ttl"),
        subscription.get("age"),
        subscription.get("confirmed"),
        format_columns.DictColumn(subscription.get("options") or {}),
    )


class _TopicCommand(common.Command):
    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_topic_name(parser)
        return parser


class _TopicShowOne(common.ShowOne):
    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_topic_name(parser)
        return parser


class CreateTopic(_TopicShowOne):
    """Create a topic."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "--metadata",
            metavar="<json>",
            type=common.json_object("--metadata"),
            help="Metadata for the new topic, a JSON object (ignored if the topic exists)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        topic = _topic(self, parsed_args)
        topic.create(parsed_args.metadata)
        return ("Name",), (topic.name,)


class DeleteTopic(_TopicCommand):
    """Delete a topic and its messages."""

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        _topic(self, parsed_args).delete()


class ListTopics(common.Lister):
    """List topics (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_paging(parser, "topic")
        parser.add_argument(
            "--detailed", action="store_true", help="Also show each topic's metadata and href"
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        params = common.page_params(parsed_args)
        if parsed_args.detailed:
            params["detailed"] = True
        found = common.client_of(self).topics(**params)
        items = list(common.capped(found, parsed_args.limit))
        if parsed_args.detailed:
            columns = ("Name", "Metadata_Dict", "Href")
            rows = [(t.name, format_columns.DictColumn(t.metadata_dict), t.href) for t in items]
            return columns, rows
        return ("Name",), [(t.name,) for t in items]


class GetTopicStats(_TopicShowOne):
    """Show a topic's message counters.

    Zaqar reports zero counters for a topic that does not exist; ``Exists``
    tells the two cases apart (checked only when the topic looks empty).
    """

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        topic = _topic(self, parsed_args)
        stats = topic.stats
        exists: bool | None = True
        if not (stats.get("messages") or {}).get("total"):
            try:
                exists = bool(topic.exists())
            except InvalidOperation:
                exists = None
        if exists is False:
            common.warn(f"Topic {topic.name!r} does not exist; Zaqar reports zero counters for it.")
        return ("Stats", "Exists"), (format_columns.DictColumn(stats), exists)


class SetTopicMetadata(_TopicCommand):
    """Replace a topic's metadata (keys left out are removed)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "topic_metadata", metavar="<topic_metadata>", help="The new metadata, a JSON object"
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        metadata = common.parse_json(parsed_args.topic_metadata, "Topic metadata")
        _topic(self, parsed_args).metadata(new_meta=metadata)


class GetTopicMetadata(_TopicShowOne):
    """Show a topic's metadata."""

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        metadata = _topic(self, parsed_args).metadata(force_reload=True)
        return ("Metadata",), (format_columns.DictColumn(metadata),)


class PurgeTopic(_TopicCommand):
    """Remove a topic's messages and/or subscriptions, keeping the topic."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
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
        _topic(self, parsed_args).purge(resource_types=parsed_args.resource_types)


class PostTopicMessages(common.Lister):
    """Post messages to a topic and print their ids.

    Messages are a JSON array of ``{"body": ..., "ttl": ..., "delay": ...}``
    objects given as an argument, read from ``--file`` or from stdin (``-``).
    Large sets are sent in several requests under the server's size limit.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_topic_name(parser)
        messages.add_post_arguments(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        ids = messages.post_all(_topic(self, parsed_args), parsed_args)
        return ("ID",), [(message_id,) for message_id in ids]


class ListTopicMessages(common.Lister):
    """List a topic's messages (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_topic_name(parser)
        messages.add_list_arguments(parser, claims=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        rows = [
            (m.id, common.JSONColumn(m.body), m.ttl, m.age, m.checksum)
            for m in messages.list_all(_topic(self, parsed_args), parsed_args)
        ]
        return MESSAGE_COLUMNS, rows


class CreateTopicSubscription(_TopicShowOne):
    """Subscribe a webhook (http/https) or e-mail address (mailto:) to a topic."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        subscriptions.add_subscriber_arguments(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ShowResult:
        topic = _topic(self, parsed_args)
        subscription_id = topic.subscribe(
            parsed_args.subscriber, ttl=parsed_args.ttl, options=parsed_args.options
        )
        return subscriptions.COLUMNS, _subscription_row(topic.subscription(subscription_id))


class ListTopicSubscriptions(common.Lister):
    """List a topic's subscriptions (all of them unless --limit is given)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_topic_name(parser)
        common.add_paging(parser, "subscription")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        found = _topic(self, parsed_args).subscriptions(**common.page_params(parsed_args))
        items = common.capped(found, parsed_args.limit)
        return subscriptions.COLUMNS, [_subscription_row(s) for s in items]


class DeleteTopicSubscription(_TopicCommand):
    """Delete one of a topic's subscriptions."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "subscription_id", metavar="<subscription_id>", help="Id of the subscription"
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        _topic(self, parsed_args).unsubscribe(parsed_args.subscription_id)
