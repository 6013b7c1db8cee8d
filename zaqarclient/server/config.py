"""Server configuration: Appendix B switches and every section 3 limit."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from zaqarclient.server.profiles import (
    DEFAULT_PROFILE,
    DEFAULT_SIGNED_URL_KEY,
    PROFILE_FIELDS,
    get_profile,
)

__all__ = ["DEFAULT_SIGNED_URL_KEY", "Config", "Token"]


class _FromProfile:
    def __repr__(self) -> str:
        return "<from profile>"


# The default of every switch a profile sets; `__post_init__` replaces it.
_FROM_PROFILE: Any = _FromProfile()


@dataclasses.dataclass
class Token:
    """A static token for token auth mode: the project and roles it stands for."""

    project: str
    roles: tuple[str, ...] = ()


@dataclasses.dataclass
class Config:
    """Every switch of the reference server.

    ``profile`` (see :mod:`zaqarclient.server.profiles`) sets ``admin_mode``,
    ``pooling``, ``enable_virtual_pool``, ``enable_v1_1``, ``unreliable``,
    ``strict_policy``, ``notifications`` and ``secret_key``; any of them given here
    overrides the profile. The default profile, ``devstack``, is a no-auth Zaqar
    23.0.1 as devstack configures it.
    """

    profile: str = DEFAULT_PROFILE
    # [DEFAULT]
    admin_mode: bool = _FROM_PROFILE
    pooling: bool = _FROM_PROFILE
    # [pooling:catalog] enable_virtual_pool: queues live in the default store until a
    # pool is registered; without it a pooled server refuses to create queues (503).
    enable_virtual_pool: bool = _FROM_PROFILE
    # The most a pool URI's connection attempt may take (the server waits for it).
    pool_connect_timeout: float = 1.0
    # Serve /v1.1 (Zaqar <= 21.x with enable_deprecated_api_versions = 1.1).
    enable_v1_1: bool = _FROM_PROFILE
    enable_checksum: bool = False
    unreliable: bool = _FROM_PROFILE
    # Policy: True applies Zaqar's default policy (zaqarclient.server.policy); False lets
    # every caller use every endpoint.
    strict_policy: bool = _FROM_PROFILE
    # Auth: empty means no auth; otherwise X-Auth-Token must be one of these.
    tokens: dict[str, Token] = dataclasses.field(default_factory=dict)
    # [transport]
    client_id_uuid_safe: str = "strict"
    min_length_client_id: int = 10
    max_length_client_id: int = 36
    default_message_ttl: int = 3600
    default_message_delay: int = 0
    default_claim_ttl: int = 300
    default_claim_grace: int = 60
    default_subscription_ttl: int = 3600
    max_queues_per_page: int = 20
    max_messages_per_page: int = 20
    max_subscriptions_per_page: int = 20
    max_pools_per_page: int = 20
    max_flavors_per_page: int = 20
    max_messages_per_claim_or_pop: int = 20
    max_queue_metadata: int = 65536
    max_messages_post_size: int = 262144
    max_message_ttl: int = 1209600
    max_message_delay: int = 900
    max_claim_ttl: int = 43200
    max_claim_grace: int = 43200
    subscriber_types: tuple[str, ...] = ("http", "https", "mailto", "trust+http", "trust+https")
    message_delete_with_claim_id: bool = False
    # [signed_url]; None: share and signed URLs fail, as without the option.
    secret_key: str | None = _FROM_PROFILE
    # [notification] and [storage] message_pipeline
    notifications: bool = _FROM_PROFILE
    require_confirmation: bool = False
    external_confirmation_url: str | None = None
    max_notifier_workers: int = 10
    smtp_mode: str = "third_part"
    smtp_command: str = "/usr/sbin/sendmail -t -oi"
    smtp_host: str | None = None
    smtp_port: int = 465
    # Public endpoint put into confirmation notifications as WSGISubscribeURL.
    public_endpoint: str | None = None
    # [profiler] hmac_keys: trace headers signed with one of these are marked verified.
    profiler_hmac_keys: tuple[str, ...] = ()
    # Where the state report (SIGUSR2, GET /v2/report) is written; None: standard error.
    report_file: str | None = None

    # HTTP limits of this server (no Zaqar option: its wsgiref server has no timeouts
    # and no body bound, one line of at most 65536 bytes (414 and 431 past it) and 100
    # header lines (431)). Refusals say which limit was hit; see the server guide.
    max_request_line: int = 65536  # bytes of the request target (414 past it)
    max_header_line: int = 65536  # bytes of one header, name and value (431)
    max_header_count: int = 100  # header lines per request (431)
    max_header_bytes: int = 1 << 20  # bytes of the whole head (431)
    # Largest request body (413 past it); None: the largest any route accepts, the
    # greater of max_messages_post_size and max_queue_metadata. A larger body declared
    # by Content-Length still gets Zaqar's own 400 on the routes that check their size.
    max_body_size: int | None = None
    request_timeout: float = 30.0  # seconds from a request's first byte to its last (408)
    idle_timeout: float = 5.0  # seconds without a byte before a connection is closed
    # Open connections (HTTP and websocket) before new ones are refused with a 503;
    # None: 1000, or fewer when the open-files limit leaves less room (limit - 64).
    max_connections: int | None = None
    # Kept for compatibility, no effect: the websocket protocol always sends the
    # replies to the messages of one read in one write (zaqarclient.server.ws.connection).
    coalesce_websocket_writes: bool = False

    # Hard-coded constants of Zaqar, exposed for completeness.
    min_message_ttl: int = 60
    min_claim_ttl: int = 60
    min_claim_grace: int = 60
    min_subscription_ttl: int = 60
    max_name_length: int = 64
    max_project_length: int = 256
    default_page_size: int = 10
    default_claim_limit: int = 10

    def __post_init__(self) -> None:
        settings: Mapping[str, object] = get_profile(self.profile).settings
        for name in PROFILE_FIELDS:
            if getattr(self, name) is _FROM_PROFILE:
                setattr(self, name, settings[name])

    def body_limit(self) -> int:
        """The effective `max_body_size`."""
        if self.max_body_size is not None:
            return self.max_body_size
        return max(self.max_messages_post_size, self.max_queue_metadata)
