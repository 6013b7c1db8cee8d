"""Credential fetches off the event loop, one at a time.

keystoneauth fetches tokens with blocking HTTP. The auth flow
(:meth:`~zaqarclient.auth.base.AuthBackend.auth_flow`) stays as it is,
written once for both drivers; before it would fetch (the first token, one
about to expire, a new one after a 401) the asyncio pipeline asks the
backend (:meth:`~zaqarclient.auth.base.AuthBackend.needs_fetch`) and runs
:meth:`~zaqarclient.auth.base.AuthBackend.fetch` on a worker thread. Calls
that need credentials meanwhile wait for that same fetch instead of each
fetching; then the flow finds the token cached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from zaqarclient.auth.base import AuthBackend


class AuthGate:
    """Runs ``auth``'s blocking fetches on a worker thread, one at a time, shared by waiters."""

    def __init__(self, auth: AuthBackend) -> None:
        self.auth = auth
        self._fetching: asyncio.Future[None] | None = None

    async def ready(self, rejected: Mapping[str, str] | None = None) -> None:
        """Return once the flow's next headers need no fetch (``rejected``: after that 401)."""
        if not self.auth.needs_fetch(rejected):
            return
        fetching = self._fetching
        if fetching is not None:
            # Another call's fetch is under way: most often it is the one needed here too.
            await asyncio.shield(fetching)
            if not self.auth.needs_fetch(rejected):
                return
        fetching = self._fetching
        if fetching is None:
            fetching = self._fetching = asyncio.ensure_future(
                asyncio.to_thread(self.auth.fetch, rejected))
            fetching.add_done_callback(self._fetched)
        # Shielded: a waiter cancelled (a timeout) does not cancel the others' fetch.
        await asyncio.shield(fetching)

    def _fetched(self, fetching: asyncio.Future[None]) -> None:
        if self._fetching is fetching:
            self._fetching = None
        if not fetching.cancelled():
            fetching.exception()  # retrieved: each waiter raises it itself
