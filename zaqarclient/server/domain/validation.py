"""Zaqar's validation rules (its ``transport/validation.py``) and their exact texts.

Every check raises :class:`~zaqarclient.server.domain.errors.ValidationFailed`;
the transports choose how to answer it (HTTP mostly as ``Invalid API
request``, the websocket as ``{"exception": text}``).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import ValidationFailed
from zaqarclient.server.ids import uuid_hex

# Same pattern as Zaqar, `$` included (it also accepts one trailing newline).
NAME_RE = re.compile(r"^[a-zA-Z0-9_\-.]+$")
BACKOFF_FUNCTIONS = ("linear", "arithmetic", "exponential", "geometric")
MINIMUM_DELAY = 5
MAXIMUM_DELAY = 30
LINEAR_INTERVAL = 5


def check_queue_identification(name: str, project: str, config: Config) -> None:
    """A queue (or topic) name and its project id within Zaqar's limits."""
    if len(project) > config.max_project_length:
        raise ValidationFailed(
            f"Project ids may not be more than {config.max_project_length} characters long."
        )
    if len(name) > config.max_name_length:
        raise ValidationFailed(
            f"Queue names may not be more than {config.max_name_length} characters long."
        )
    if NAME_RE.match(name) is None:
        raise ValidationFailed(
            "Queue names may only contain ASCII letters, digits, underscores, and dashes."
        )


def check_client_id(client_id: str, config: Config) -> None:
    """A Client-ID in the configured format: a UUID (``strict``) or of bounded length (``off``)."""
    if config.client_id_uuid_safe == "strict":
        if uuid_hex(client_id) is not None:
            return
        try:
            uuid.UUID(client_id)  # for its error text
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
    elif not config.min_length_client_id <= len(client_id) <= config.max_length_client_id:
        raise ValidationFailed(
            f"Length of client id must be at least {config.min_length_client_id} and no "
            f"greater than {config.max_length_client_id}."
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def page_limit(limit: int | None, maximum: int, queue_style: bool = False) -> int:
    """Check a listing `limit` (None: the default page, 10).

    Queue-like listings (queues, pools, flavors) use the 'no greater than' wording.
    """
    if limit is None:
        return 10
    if not 0 < limit <= maximum:
        verb = "no greater than" if queue_style else "may not be greater than"
        raise ValidationFailed(f"Limit must be at least 1 and {verb} {maximum}.")
    return limit


def check_message(ttl: Any, delay: Any, config: Config) -> None:
    if not config.min_message_ttl <= ttl <= config.max_message_ttl:
        raise ValidationFailed(
            f"The TTL for a message may not exceed {config.max_message_ttl} seconds, and "
            f"must be at least {config.min_message_ttl} seconds long."
        )
    if not 0 <= delay <= config.max_message_delay:
        raise ValidationFailed(
            f"The Delay TTL for a message may not exceed {config.max_message_delay} seconds,"
            f"and must be at least 0 seconds long."
        )


def check_claim_ttl(ttl: Any, config: Config) -> None:
    if not config.min_claim_ttl <= ttl <= config.max_claim_ttl:
        raise ValidationFailed(
            f"The TTL for a claim may not exceed {config.max_claim_ttl} seconds, and must be "
            f"at least {config.min_claim_ttl} seconds long."
        )


def check_claim_grace(grace: Any, config: Config) -> None:
    if not config.min_claim_grace <= grace <= config.max_claim_grace:
        raise ValidationFailed(
            f"The grace for a claim may not exceed {config.max_claim_grace} seconds, and must "
            f"be at least {config.min_claim_grace} seconds long."
        )


def _in_range(value: Any, low: int, high: int) -> bool:
    try:
        return bool(low <= value <= high)
    except TypeError:  # Zaqar would crash here; only falsy non-ints get this far
        return True


def check_queue_metadata(meta: dict[str, Any], config: Config) -> None:
    """Reserved-key rules of queue PUT and PATCH (the caller picks the error title)."""
    if not meta:
        return
    ttl = meta.get("_default_message_ttl")
    if ttl and not _is_int(ttl):
        raise ValidationFailed("_default_message_ttl must be integer.")
    if ttl is not None and not _in_range(ttl, config.min_message_ttl, config.max_message_ttl):
        raise ValidationFailed(
            f"_default_message_ttl can not exceed {config.max_message_ttl} seconds, and must "
            f"be at least {config.min_message_ttl} seconds long."
        )
    size = meta.get("_max_messages_post_size")
    if size and not _is_int(size):
        raise ValidationFailed("_max_messages_post_size must be integer.")
    if size is not None and not _in_range(size, 1, config.max_messages_post_size):
        raise ValidationFailed(
            f"_max_messages_post_size can not exceed {config.max_messages_post_size},  "
            "and must be at least greater than 0."
        )
    count = meta.get("_max_claim_count")
    if count and not _is_int(count):
        raise ValidationFailed("_max_claim_count must be integer.")
    dlq_ttl = meta.get("_dead_letter_queue_messages_ttl")
    if dlq_ttl and not _is_int(dlq_ttl):
        raise ValidationFailed("_dead_letter_queue_messages_ttl must be integer.")
    if dlq_ttl is not None and not _in_range(
        dlq_ttl, config.min_message_ttl, config.max_message_ttl
    ):
        raise ValidationFailed(
            f"The TTL for a message may not exceed {config.max_message_ttl} seconds, and "
            f"must be at least {config.min_message_ttl} seconds long."
        )
    delay = meta.get("_default_message_delay")
    if delay and not _is_int(delay):
        raise ValidationFailed("_default_message_delay must be integer.")
    if delay is not None and not _in_range(delay, 0, config.max_message_delay):
        raise ValidationFailed(
            f"The TTL can not exceed {config.max_message_delay} seconds, and must be at "
            "least 0 seconds long."
        )
    encrypted = meta.get("_enable_encrypt_messages", False)
    if encrypted and not isinstance(encrypted, bool):
        raise ValidationFailed("_enable_encrypt_messages must be boolean.")
    check_retry_policy(meta.get("_retry_policy"))


def check_retry_policy(policy: Any) -> None:
    if policy and not isinstance(policy, dict):
        raise ValidationFailed("retry_policy must be a dict.")
    if not policy:
        return
    for key in ("retries_with_no_delay", "minimum_delay_retries", "minimum_delay",
                "maximum_delay", "maximum_delay_retries", "retry_backoff_function",
                "ignore_subscription_override"):
        value = policy.get(key)
        if key == "retry_backoff_function":
            if value and not isinstance(value, str):
                raise ValidationFailed("retry_backoff_function must be a string.")
            if value and value not in BACKOFF_FUNCTIONS:
                raise ValidationFailed("invalid retry_backoff_function.")
        elif key == "ignore_subscription_override":
            if value and not isinstance(value, bool):
                raise ValidationFailed("ignore_subscription_override must be a boolean.")
        elif value and not isinstance(value, int):
            raise ValidationFailed(f"Retry policy: {key} must be a integer.")
    low = policy.get("minimum_delay", MINIMUM_DELAY)
    high = policy.get("maximum_delay", MAXIMUM_DELAY)
    if high < low:
        raise ValidationFailed("minimum_delay must less than maximum_delay.")
    if high - low < 2 * LINEAR_INTERVAL:
        raise ValidationFailed("invalid minimum_delay and maximum_delay.")


def check_subscription(doc: dict[str, Any], config: Config) -> None:
    """Subscription create/patch rules (`Invalid API request` on failure)."""
    try:
        if not doc:
            raise ValidationFailed("No subscription to create.")
        subscriber = doc.get("subscriber")
        if subscriber:
            scheme = urlparse(str(subscriber)).scheme
            if scheme not in config.subscriber_types:
                raise ValidationFailed(
                    "The subscriber type of subscription must be supported in the list "
                    f"{list(config.subscriber_types)}."
                )
        options = doc.get("options")
        if options and not isinstance(options, dict):
            raise ValidationFailed("Options must be a dict.")
        check_retry_policy(options.get("_retry_policy") if options else None)
        ttl = doc.get("ttl")
        if ttl:
            if not isinstance(ttl, int):
                raise ValidationFailed("TTL must be an integer.")
            if ttl < config.min_subscription_ttl:
                raise ValidationFailed(
                    "The TTL for a subscription must be at least "
                    f"{config.min_subscription_ttl} seconds long."
                )
            if not _ttl_fits_a_datetime(ttl):
                raise ValidationFailed(
                    "The TTL seconds for a subscription plus current time must be less than "
                    "9999-12-31 23:59:59.999999."
                )
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


def _ttl_fits_a_datetime(ttl: int) -> bool:
    # Zaqar adds the TTL to the current UTC time and refuses only an
    # OverflowError (past year 9999): Heat's "never expire" 220367260800 passes.
    try:
        datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=ttl)
    except OverflowError:
        return False
    return True
