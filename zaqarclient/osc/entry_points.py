"""The plugin's entry points, the single list setup.py and the CLI tests use.

``ENTRY_POINTS`` maps an entry-point group to ``"name = module:attr"`` lines.
"""

from __future__ import annotations

_V2 = "zaqarclient.osc.v2"

_QUEUE = {
    "queue_create": f"{_V2}.queues:CreateQueue",
    "queue_delete": f"{_V2}.queues:DeleteQueue",
    "queue_list": f"{_V2}.queues:ListQueues",
    "queue_stats": f"{_V2}.queues:GetQueueStats",
    "queue_set_metadata": f"{_V2}.queues:SetQueueMetadata",
    "queue_get_metadata": f"{_V2}.queues:GetQueueMetadata",
    "queue_purge": f"{_V2}.queues:PurgeQueue",
    "queue_signed_url": f"{_V2}.queues:CreateSignedUrl",
}

# Messages, claims, subscriptions, pools, flavors and the service commands; API
# 1.1 gets the ones it has (``_V1_1`` below picks them), v2 gets all.
_RESOURCES = {
    "queue_exists": f"{_V2}.queues:CheckQueueExistence",
    "message_post": f"{_V2}.messages:PostMessages",
    "message_list": f"{_V2}.messages:ListMessages",
    "message_get": f"{_V2}.messages:GetMessage",
    "message_delete": f"{_V2}.messages:DeleteMessages",
    "message_pop": f"{_V2}.messages:PopMessages",
    "message_watch": f"{_V2}.watch:WatchMessages",
    "claim_create": f"{_V2}.claims:CreateClaim",
    "claim_query": f"{_V2}.claims:QueryClaim",
    "claim_renew": f"{_V2}.claims:RenewClaim",
    "claim_release": f"{_V2}.claims:ReleaseClaim",
    "subscription_create": f"{_V2}.subscriptions:CreateSubscription",
    "subscription_update": f"{_V2}.subscriptions:UpdateSubscription",
    "subscription_delete": f"{_V2}.subscriptions:DeleteSubscription",
    "subscription_show": f"{_V2}.subscriptions:ShowSubscription",
    "subscription_list": f"{_V2}.subscriptions:ListSubscriptions",
    "subscription_confirm": f"{_V2}.subscriptions:ConfirmSubscription",
    "pool_create": f"{_V2}.pools:CreatePool",
    "pool_show": f"{_V2}.pools:ShowPool",
    "pool_update": f"{_V2}.pools:UpdatePool",
    "pool_delete": f"{_V2}.pools:DeletePool",
    "pool_list": f"{_V2}.pools:ListPools",
    "flavor_create": f"{_V2}.flavors:CreateFlavor",
    "flavor_show": f"{_V2}.flavors:ShowFlavor",
    "flavor_update": f"{_V2}.flavors:UpdateFlavor",
    "flavor_delete": f"{_V2}.flavors:DeleteFlavor",
    "flavor_list": f"{_V2}.flavors:ListFlavors",
    "ping": f"{_V2}.service:Ping",
    "health": f"{_V2}.service:Health",
    "homedoc": f"{_V2}.service:HomeDoc",
    "versions": f"{_V2}.service:Versions",
}

# Topics (API v2 only): ``openstack messaging topic ...``, no short aliases.
_TOPIC = {
    "topic_create": f"{_V2}.topics:CreateTopic",
    "topic_delete": f"{_V2}.topics:DeleteTopic",
    "topic_list": f"{_V2}.topics:ListTopics",
    "topic_stats": f"{_V2}.topics:GetTopicStats",
    "topic_purge": f"{_V2}.topics:PurgeTopic",
    "topic_get_metadata": f"{_V2}.topics:GetTopicMetadata",
    "topic_set_metadata": f"{_V2}.topics:SetTopicMetadata",
    "topic_message_post": f"{_V2}.topics:PostTopicMessages",
    "topic_message_list": f"{_V2}.topics:ListTopicMessages",
    "topic_subscription_create": f"{_V2}.topics:CreateTopicSubscription",
    "topic_subscription_list": f"{_V2}.topics:ListTopicSubscriptions",
    "topic_subscription_delete": f"{_V2}.topics:DeleteTopicSubscription",
}

# API 1.1 has no subscriptions, signed URLs or purge (queue exists works: the
# v1.1 SDK looks the name up in the queue list); OSC loads this group as
# openstack.messaging.v1.
_V1_1 = {
    key: value
    for key, value in {**_QUEUE, **_RESOURCES}.items()
    if key.split("_")[0] in ("queue", "message", "claim", "pool", "flavor")
    and key not in ("queue_purge", "queue_signed_url")
} | {"ping": f"{_V2}.service:Ping", "health": f"{_V2}.service:Health"}


def _deprecated(commands: dict[str, str], *names: str) -> dict[str, str]:
    """Unprefixed, deprecated names (zaqarclient.osc.v2.aliases) of these commands."""
    return {
        name: f"{_V2}.aliases:{commands[name].rsplit(':', 1)[1]}"
        for name in names
        if name in commands
    }


# Unprefixed names python-zaqarclient 2.x had (deprecated there since 2017, here too):
# under v2 the queue, message post/list, claim, subscription and pool commands; under
# v1/1.1 the queue, pool and claim ones. No other OSC plugin owns these names.
_V2_ALIAS_NAMES = (
    *_QUEUE,
    "message_post", "message_list",
    "claim_create", "claim_query", "claim_renew", "claim_release",
    "subscription_create", "subscription_update", "subscription_delete",
    "subscription_show", "subscription_list",
    "pool_create", "pool_show", "pool_update", "pool_delete", "pool_list",
)
_V2_ALIASES = _deprecated({**_QUEUE, **_RESOURCES}, *_V2_ALIAS_NAMES)
_V1_1_ALIASES = _deprecated(
    _V1_1, *(key for key in _V1_1 if key.split("_")[0] in ("queue", "pool", "claim"))
)


def _lines(commands: dict[str, str], prefix: str) -> list[str]:
    return [f"{prefix}{name} = {target}" for name, target in commands.items()]


ENTRY_POINTS: dict[str, list[str]] = {
    "openstack.cli.extension": ["messaging = zaqarclient.osc.plugin"],
    "openstack.messaging.v2": _lines({**_QUEUE, **_RESOURCES, **_TOPIC}, "messaging_")
    + _lines(_V2_ALIASES, ""),
    "openstack.messaging.v1": _lines(_V1_1, "messaging_") + _lines(_V1_1_ALIASES, ""),
}
