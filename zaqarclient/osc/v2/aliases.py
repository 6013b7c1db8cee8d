"""Deprecated unprefixed command names: ``openstack queue list``, ``pool create``...

python-zaqarclient 2.x registered these beside the ``messaging`` names, and
scripts written then still call them. Each alias is its ``messaging``
command unchanged (same options and columns) that first warns on stderr.
Aliases are left out of ``openstack help`` (cliff's ``deprecated``) but run
and have ``--help``; none takes a name another OpenStackClient plugin owns
(no ``flavor`` alias: that is Nova's).
"""

from __future__ import annotations

import argparse
from typing import Any, TypeVar, cast

from zaqarclient.osc import common
from zaqarclient.osc.v2 import claims, messages, pools, queues, subscriptions

C = TypeVar("C", bound=type)


class DeprecatedAlias:
    """Mixin: warn that this name is deprecated, then run the ``messaging`` command."""

    deprecated = True
    cmd_name: str

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        name = getattr(self, "cmd_name", None) or "this command"
        common.warn(
            f"'openstack {name}' is deprecated; use 'openstack messaging {name}' instead."
        )
        return super().take_action(parsed_args)  # type: ignore[misc]


def deprecated(target: C) -> C:
    """``target`` under an unprefixed, deprecated name."""
    doc = (target.__doc__ or "").strip().splitlines()[0] if target.__doc__ else ""
    alias = type(
        target.__name__,
        (DeprecatedAlias, target),
        {"__doc__": f"{doc} (deprecated name; use the 'messaging' command)",
         "__module__": __name__},
    )
    return cast(C, alias)


CreateQueue = deprecated(queues.CreateQueue)
DeleteQueue = deprecated(queues.DeleteQueue)
ListQueues = deprecated(queues.ListQueues)
CheckQueueExistence = deprecated(queues.CheckQueueExistence)
GetQueueStats = deprecated(queues.GetQueueStats)
SetQueueMetadata = deprecated(queues.SetQueueMetadata)
GetQueueMetadata = deprecated(queues.GetQueueMetadata)
PurgeQueue = deprecated(queues.PurgeQueue)
CreateSignedUrl = deprecated(queues.CreateSignedUrl)
PostMessages = deprecated(messages.PostMessages)
ListMessages = deprecated(messages.ListMessages)
CreateClaim = deprecated(claims.CreateClaim)
QueryClaim = deprecated(claims.QueryClaim)
RenewClaim = deprecated(claims.RenewClaim)
ReleaseClaim = deprecated(claims.ReleaseClaim)
CreateSubscription = deprecated(subscriptions.CreateSubscription)
UpdateSubscription = deprecated(subscriptions.UpdateSubscription)
DeleteSubscription = deprecated(subscriptions.DeleteSubscription)
ShowSubscription = deprecated(subscriptions.ShowSubscription)
ListSubscriptions = deprecated(subscriptions.ListSubscriptions)
CreatePool = deprecated(pools.CreatePool)
ShowPool = deprecated(pools.ShowPool)
UpdatePool = deprecated(pools.UpdatePool)
DeletePool = deprecated(pools.DeletePool)
ListPools = deprecated(pools.ListPools)
