"""``messaging claim create|query|renew|release``."""

from __future__ import annotations

import argparse
from typing import Any

from zaqarclient.osc import common
from zaqarclient.queues.v2.claim import Claim

CLAIMED_COLUMNS = ("Message_ID", "Age", "TTL", "Message")


def _add_claim_target(parser: argparse.ArgumentParser, with_claim_id: bool = True) -> None:
    parser.add_argument("queue_name", metavar="<queue_name>", help="Name of the queue")
    if with_claim_id:
        parser.add_argument("claim_id", metavar="<claim_id>", help="Id of the claim")


def _add_ttl_grace(parser: argparse.ArgumentParser, ttl: int | None, grace: int | None) -> None:
    parser.add_argument(
        "--ttl",
        metavar="<ttl>",
        type=common.positive_int,
        default=ttl,
        help="Lifetime of the claim in seconds (60 to 43200)" + (f", default {ttl}" if ttl else ""),
    )
    parser.add_argument(
        "--grace",
        metavar="<grace>",
        type=common.positive_int,
        default=grace,
        help="Seconds added to the claimed messages' lifetime (60 to 43200)"
        + (f", default {grace}" if grace else ""),
    )


def claimed_rows(claim: Any) -> list[tuple[Any, ...]]:
    """One row per claimed message: id, age, ttl, body."""
    return [(m.id, m.age, m.ttl, common.JSONColumn(m.body)) for m in claim]


class CreateClaim(common.Lister):
    """Claim messages of a queue (prints nothing when none is claimable)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_claim_target(parser, with_claim_id=False)
        _add_ttl_grace(parser, 300, 60)
        parser.add_argument(
            "--limit",
            metavar="<limit>",
            type=common.positive_int,
            default=10,
            help="Claim at most this many messages (1 to 20, default 10)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        claim = queue.claim(ttl=parsed_args.ttl, grace=parsed_args.grace, limit=parsed_args.limit)
        columns = ("Claim_ID", "Message_ID", "TTL", "Age", "Messages", "Checksum")
        rows = [
            (claim.id, m.id, m.ttl, m.age, common.JSONColumn(m.body), m.checksum) for m in claim
        ]
        return columns, rows


class QueryClaim(common.Lister):
    """Show the messages a claim holds."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_claim_target(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        claim = queue.claim(id=parsed_args.claim_id)
        return CLAIMED_COLUMNS, claimed_rows(claim)


class RenewClaim(common.Lister):
    """Renew a claim (a new lifetime from now) and show its messages."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_claim_target(parser)
        _add_ttl_grace(parser, None, None)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> common.ListResult:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        claim = Claim(queue, id=parsed_args.claim_id)
        claim.update(ttl=parsed_args.ttl, grace=parsed_args.grace)
        return CLAIMED_COLUMNS, claimed_rows(queue.claim(id=parsed_args.claim_id))


class ReleaseClaim(common.Command):
    """Release a claim: its messages become claimable again."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_claim_target(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        queue = common.client_of(self).queue(parsed_args.queue_name, auto_create=False)
        # Not fetched first: releasing a claim that already ended succeeds on Zaqar.
        Claim(queue, id=parsed_args.claim_id).delete()
