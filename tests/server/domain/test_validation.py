"""Zaqar's validation rules, one by one, with their exact texts."""

from __future__ import annotations

from typing import Any

import pytest

from zaqarclient.server.config import Config
from zaqarclient.server.domain.errors import ValidationFailed
from zaqarclient.server.domain.validation import (
    check_claim_grace,
    check_claim_ttl,
    check_client_id,
    check_message,
    check_queue_identification,
    check_queue_metadata,
    check_retry_policy,
    check_subscription,
    page_limit,
)

CONFIG = Config()


def _text(check: Any, *args: Any) -> str:
    with pytest.raises(ValidationFailed) as caught:
        check(*args)
    return str(caught.value)


@pytest.mark.parametrize(("name", "project"), [
    ("q", "p"), ("a-b_c.d", ""), ("x" * 64, "p" * 256), ("q\n", "p"),  # `$` takes a newline
])
def test_valid_names(name: str, project: str) -> None:
    check_queue_identification(name, project, CONFIG)


@pytest.mark.parametrize(("name", "project", "text"), [
    ("q", "p" * 257, "Project ids may not be more than 256 characters long."),
    ("x" * 65, "p", "Queue names may not be more than 64 characters long."),
    ("a b", "p", "Queue names may only contain ASCII letters, digits, underscores, and dashes."),
    ("", "p", "Queue names may only contain ASCII letters, digits, underscores, and dashes."),
    ("é", "p", "Queue names may only contain ASCII letters, digits, underscores, and dashes."),
])
def test_invalid_names(name: str, project: str, text: str) -> None:
    assert _text(check_queue_identification, name, project, CONFIG) == text


def test_client_id_strict_wants_a_uuid() -> None:
    check_client_id("3381af92-2b9e-11e3-b191-71861300734c", CONFIG)
    check_client_id("3381af922b9e11e3b19171861300734c", CONFIG)
    assert _text(check_client_id, "not-a-uuid", CONFIG) == "badly formed hexadecimal UUID string"


def test_client_id_off_wants_a_length() -> None:
    config = Config(client_id_uuid_safe="off")
    check_client_id("x" * 10, config)
    check_client_id("x" * 36, config)
    text = "Length of client id must be at least 10 and no greater than 36."
    assert _text(check_client_id, "x" * 9, config) == text
    assert _text(check_client_id, "x" * 37, config) == text


def test_page_limit() -> None:
    assert page_limit(None, 20) == 10
    assert page_limit(1, 20) == 1
    assert page_limit(20, 20) == 20
    assert _text(page_limit, 0, 20) == "Limit must be at least 1 and may not be greater than 20."
    assert _text(page_limit, 21, 20, True) == "Limit must be at least 1 and no greater than 20."


def test_message_ttl_and_delay() -> None:
    check_message(60, 0, CONFIG)
    check_message(1209600, 900, CONFIG)
    ttl_text = ("The TTL for a message may not exceed 1209600 seconds, and must be at least 60 "
                "seconds long.")
    assert _text(check_message, 59, 0, CONFIG) == ttl_text
    assert _text(check_message, 1209601, 0, CONFIG) == ttl_text
    assert _text(check_message, 60, 901, CONFIG) == (  # Zaqar's missing space, kept
        "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 "
        "seconds long.")
    assert _text(check_message, 60, -1, CONFIG).startswith("The Delay TTL")


def test_claim_ttl_and_grace() -> None:
    check_claim_ttl(60, CONFIG)
    check_claim_grace(43200, CONFIG)
    assert _text(check_claim_ttl, 43201, CONFIG) == (
        "The TTL for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.")
    assert _text(check_claim_grace, 59, CONFIG) == (
        "The grace for a claim may not exceed 43200 seconds, and must be at least 60 seconds "
        "long.")


@pytest.mark.parametrize(("meta", "text"), [
    ({"_default_message_ttl": "60"}, "_default_message_ttl must be integer."),
    ({"_default_message_ttl": 59}, "_default_message_ttl can not exceed 1209600 seconds, and "
                                   "must be at least 60 seconds long."),
    ({"_max_messages_post_size": 1.5}, "_max_messages_post_size must be integer."),
    ({"_max_messages_post_size": 262145}, "_max_messages_post_size can not exceed 262144,  and "
                                          "must be at least greater than 0."),
    ({"_max_claim_count": "x"}, "_max_claim_count must be integer."),
    ({"_dead_letter_queue_messages_ttl": "x"},
     "_dead_letter_queue_messages_ttl must be integer."),
    ({"_default_message_delay": 901}, "The TTL can not exceed 900 seconds, and must be at "
                                      "least 0 seconds long."),
    ({"_enable_encrypt_messages": "yes"}, "_enable_encrypt_messages must be boolean."),
    ({"_retry_policy": [1]}, "retry_policy must be a dict."),
])
def test_queue_metadata(meta: dict[str, Any], text: str) -> None:
    assert _text(check_queue_metadata, meta, CONFIG) == text


def test_queue_metadata_that_passes() -> None:
    check_queue_metadata({}, CONFIG)
    check_queue_metadata({"_max_claim_count": 0, "_default_message_delay": 0, "x": "any"}, CONFIG)
    check_queue_metadata({"_default_message_ttl": 60, "_enable_encrypt_messages": True}, CONFIG)


@pytest.mark.parametrize(("policy", "text"), [
    ({"retry_backoff_function": 1}, "retry_backoff_function must be a string."),
    ({"retry_backoff_function": "cubic"}, "invalid retry_backoff_function."),
    ({"ignore_subscription_override": 1}, "ignore_subscription_override must be a boolean."),
    ({"minimum_delay": "5"}, "Retry policy: minimum_delay must be a integer."),
    ({"minimum_delay": 20, "maximum_delay": 10}, "minimum_delay must less than maximum_delay."),
    ({"minimum_delay": 10, "maximum_delay": 19}, "invalid minimum_delay and maximum_delay."),
])
def test_retry_policy(policy: dict[str, Any], text: str) -> None:
    assert _text(check_retry_policy, policy) == text


def test_retry_policy_that_passes() -> None:
    check_retry_policy(None)
    check_retry_policy({"minimum_delay": 10, "maximum_delay": 20,
                        "retry_backoff_function": "geometric"})


@pytest.mark.parametrize(("doc", "text"), [
    ({}, "No subscription to create."),
    ({"subscriber": "ftp://h"}, "The subscriber type of subscription must be supported in the "
                                "list ['http', 'https', 'mailto', 'trust+http', 'trust+https']."),
    ({"subscriber": "http://h", "options": [1]}, "Options must be a dict."),
    ({"subscriber": "http://h", "ttl": "60"}, "TTL must be an integer."),
    ({"subscriber": "http://h", "ttl": 59}, "The TTL for a subscription must be at least 60 "
                                            "seconds long."),
    ({"subscriber": "http://h", "ttl": 10**12}, "The TTL seconds for a subscription plus "
                                                "current time must be less than 9999-12-31 "
                                                "23:59:59.999999."),
    ({"subscriber": "http://[h", "ttl": 60}, "Invalid IPv6 URL"),
])
def test_subscription(doc: dict[str, Any], text: str) -> None:
    assert _text(check_subscription, doc, CONFIG) == text


def test_heats_never_expiring_ttl_passes() -> None:
    check_subscription({"subscriber": "http://h", "ttl": 220367260800}, CONFIG)
