"""Claims: create (with Zaqar's TTL, limit and grace checks, in its order), get, renew, release."""

from __future__ import annotations

from typing import NamedTuple

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import DoesNotExist
from zaqarclient.server.domain.target import Target
from zaqarclient.server.domain.validation import check_claim_grace, check_claim_ttl, page_limit
from zaqarclient.server.storage.base import ClaimView, MessageView, Storage


class NewClaim(NamedTuple):
    """A claim just made: its id (None when nothing was claimable) and the messages held."""

    id: str | None
    messages: list[MessageView]


class Claims:
    """Zaqar's claim controller over ``storage``."""

    def __init__(self, config: Config, storage: Storage) -> None:
        self._config = config
        self._storage = storage

    @property
    def default_ttl(self) -> int:
        return self._config.default_claim_ttl

    @property
    def default_grace(self) -> int:
        return self._config.default_claim_grace

    def create(self, target: Target, ttl: int, grace: int, limit: int | None) -> NewClaim:
        """Claim up to ``limit`` messages (None: the default, 10) for ``ttl`` seconds."""
        config = self._config
        check_claim_ttl(ttl, config)
        if limit is not None:
            page_limit(limit, config.max_messages_per_claim_or_pop)
        check_claim_grace(grace, config)
        cid, held = self._storage.claim_create(
            target.scope, target.name, ttl, grace,
            config.default_claim_limit if limit is None else limit,
        )
        return NewClaim(cid, held if cid is not None else [])

    def get(self, target: Target, claim_id: str) -> ClaimView:
        """A live claim and the messages it holds; DoesNotExist otherwise."""
        claim = self._storage.claim_get(target.scope, target.name, claim_id)
        if claim is None:
            raise self.missing(target, claim_id)
        return claim

    def renew(self, target: Target, claim_id: str, ttl: int, grace: int) -> None:
        """Extend a live claim (and its messages) to ``ttl`` from now."""
        check_claim_ttl(ttl, self._config)
        if not self._storage.claim_renew(target.scope, target.name, claim_id, ttl, grace):
            raise self.missing(target, claim_id)

    def release(self, target: Target, claim_id: str) -> None:
        """Release a claim: its messages are claimable again (absent: no-op)."""
        self._storage.claim_release(target.scope, target.name, claim_id)

    @staticmethod
    def missing(target: Target, claim_id: str) -> DoesNotExist:
        return DoesNotExist(
            f"Claim {claim_id} does not exist in queue {target.name} for project "
            f"{target.project}", f"Claim {claim_id} does not exist.",
        )
