"""API v2 over HTTP: the route table.

Topics: real Zaqar routes `/v2/topics/{t}/messages...` and
`/v2/topics/{t}/subscriptions...` but answers them with 500 (the handlers
expect `queue_name`). Here they do the obviously intended thing: the queue
handlers, run on the project's separate topic namespace.
"""

from __future__ import annotations

from zaqarclient.server.config import Config
from zaqarclient.server.routing import Router
from zaqarclient.server.v2 import (
    admin,
    claims,
    home,
    messages,
    queues,
    share,
    state_report,
    subscriptions,
)


def _queue_like(router: Router, coll: str, var: str, kind: str, policy: str) -> None:
    item = f"/{coll}/{{{var}}}"
    router.route(f"/{coll}").on("GET", queues.list_queues, f"{policy}:get_all")
    router.route(item).on("GET", queues.get_queue, f"{policy}:get").on(
        "PUT", queues.put_queue, f"{policy}:create").on(
        "DELETE", queues.delete_queue, f"{policy}:delete").on(
        "PATCH", queues.patch_queue, f"{policy}:update")
    router.route(item + "/stats").on("GET", queues.stats, f"{policy}:stats")
    router.route(item + "/purge").on("POST", queues.purge, f"{policy}:purge")
    if kind == "queue":
        router.route(item + "/share").on("POST", share.share, "queues:share")
    router.route(item + "/messages").on("GET", messages.get_collection, "messages:get_all").on(
        "POST", messages.post, "messages:create").on(
        "DELETE", messages.delete_collection, "messages:delete_all")
    router.route(item + "/messages/{message_id}").on("GET", messages.get_item, "messages:get").on(
        "DELETE", messages.delete_item, "messages:delete")
    router.route(item + "/claims").on("POST", claims.create, "claims:create")
    router.route(item + "/claims/{claim_id}").on("GET", claims.get, "claims:get").on(
        "PATCH", claims.renew, "claims:update").on("DELETE", claims.release, "claims:delete")
    router.route(item + "/subscriptions").on(
        "GET", subscriptions.list_, "subscription:get_all").on(
        "POST", subscriptions.create, "subscription:create")
    router.route(item + "/subscriptions/{subscription_id}").on(
        "GET", subscriptions.get, "subscription:get").on(
        "PATCH", subscriptions.update, "subscription:update").on(
        "DELETE", subscriptions.delete, "subscription:delete")
    router.route(item + "/subscriptions/{subscription_id}/confirm").on(
        "PUT", subscriptions.confirm, "subscription:confirm")


def build_router(config: Config) -> Router:
    """The v2 route table for one server configuration."""
    router = Router("/v2")
    router.route("/").on("GET", home.home, None)
    router.route("/ping").on("GET", home.ping, "ping:get").on("HEAD", home.ping_head, "ping:get")
    if config.admin_mode:
        router.route("/health").on("GET", home.health, "health:get")
        # Not a Zaqar route, so no Zaqar policy rule: the handler itself admits admins only.
        router.route("/report").on("GET", state_report.get_report)
        if config.pooling:
            router.route("/pools").on("GET", admin.list_pools, "pools:get_all")
            router.route("/pools/{pool_name}").on("GET", admin.get_pool, "pools:get").on(
                "PUT", admin.put_pool, "pools:create").on(
                "PATCH", admin.patch_pool, "pools:update").on(
                "DELETE", admin.delete_pool, "pools:delete")
            router.route("/flavors").on("GET", admin.list_flavors, "flavors:get_all")
            router.route("/flavors/{flavor_name}").on("GET", admin.get_flavor, "flavors:get").on(
                "PUT", admin.put_flavor, "flavors:create").on(
                "PATCH", admin.patch_flavor, "flavors:update").on(
                "DELETE", admin.delete_flavor, "flavors:delete")
    _queue_like(router, "queues", "queue_name", "queue", "queues")
    _queue_like(router, "topics", "topic_name", "topic", "topics")
    return router
