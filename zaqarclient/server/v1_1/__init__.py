"""API v1.1 over HTTP (Zaqar <= 21.x with `enable_deprecated_api_versions = 1.1`).

v1.1 shares storage with v2 and reuses the v2 handlers wherever the behaviour
is the same (claims, stats, single messages, ping, health). There are no policy
checks, no queue PATCH, no share, purge, subscriptions or topics.
"""

from __future__ import annotations

from zaqarclient.server.config import Config
from zaqarclient.server.routing import Router
from zaqarclient.server.v1_1 import admin, home, hooks, messages, queues
from zaqarclient.server.v2 import admin as v2_admin
from zaqarclient.server.v2 import claims
from zaqarclient.server.v2 import home as v2_home
from zaqarclient.server.v2 import messages as v2_messages
from zaqarclient.server.v2 import queues as v2_queues


def build_router(config: Config) -> Router:
    """The v1.1 route table for one server configuration."""
    # Zaqar 21's hooks read the raw X-PROJECT-ID header (no tenant aliases), name the
    # missing header "Client-ID" and run the EXTRA-SPEC task (Zaqar 23 has no such hook).
    router = Router(
        "/v1.1",
        project_headers=("x-project-id",),
        client_id_header="Client-ID",
        hooks=(hooks.extra_spec,),
    )
    router.route("/").on("GET", home.home)
    router.route("/ping").on("GET", v2_home.ping).on("HEAD", v2_home.ping_head)
    if config.admin_mode:
        router.route("/health").on("GET", v2_home.health)
        if config.pooling:
            router.route("/pools").on("GET", admin.list_pools)
            router.route("/pools/{pool_name}").on("GET", v2_admin.get_pool).on(
                "PUT", admin.put_pool).on("PATCH", admin.patch_pool).on(
                "DELETE", v2_admin.delete_pool)
            router.route("/flavors").on("GET", admin.list_flavors)
            router.route("/flavors/{flavor_name}").on("GET", admin.get_flavor).on(
                "PUT", admin.put_flavor).on("PATCH", admin.patch_flavor).on(
                "DELETE", admin.delete_flavor)
    item = "/queues/{queue_name}"
    router.route("/queues").on("GET", queues.list_queues)
    router.route(item).on("GET", queues.get_queue).on("PUT", v2_queues.put_queue).on(
        "DELETE", v2_queues.delete_queue)
    router.route(item + "/stats").on("GET", v2_queues.stats)
    router.route(item + "/messages").on("GET", messages.get_collection).on(
        "POST", messages.post).on("DELETE", messages.delete_collection)
    router.route(item + "/messages/{message_id}").on("GET", v2_messages.get_item).on(
        "DELETE", v2_messages.delete_item)
    router.route(item + "/claims").on("POST", claims.create)
    router.route(item + "/claims/{claim_id}").on("GET", claims.get).on(
        "PATCH", claims.renew).on("DELETE", claims.release)
    return router
