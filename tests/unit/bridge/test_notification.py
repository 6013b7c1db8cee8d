"""Notifications from the listener and from files; priorities, secrets and lag."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.support.nova import SECRET_TOKEN, unversioned_instance_update, wire_record
from zaqarclient.bridge.notification import (
    InvalidNotification,
    Notification,
    normalise_priority,
    redact,
)


def test_wire_format_of_older_releases_loses_its_token() -> None:
    payload = unversioned_instance_update("p1", "i1", "active", "building")
    note = Notification.from_record(wire_record("compute.instance.update", payload, "p1"))
    assert note.event_type == "compute.instance.update" and note.priority == "info"
    assert note.publisher_id == "compute.compute-1" and note.payload == payload
    assert note.context["project_id"] == "p1" and note.context["auth_token"] == "***"
    assert SECRET_TOKEN not in json.dumps(note.document)
    assert note.summary().startswith("compute.instance.update (info, id ")


def test_envelope_records_and_listener_messages() -> None:
    record = {"event_type": "instance.update", "priority": "INFO", "payload": {"a": 1},
              "publisher_id": "nova-compute:fake-mini"}  # nova's documentation sample shape
    note = Notification.from_record(record)
    assert (note.message_id, note.timestamp, note.context) == ("", "", {})
    listened = Notification.from_listener("warn", {
        "ctxt": {"user": "u", "auth_token": "t", "nested": {"password": "pw", "ok": 1}},
        "publisher_id": "p", "event_type": "e", "payload": None,
        "metadata": {"message_id": "m", "timestamp": "2026-12-01 10:00:00.5"},
    })
    assert listened.priority == "warn" and listened.message_id == "m"
    assert listened.context == {"user": "u", "auth_token": "***",
                                "nested": {"password": "***", "ok": 1}}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1], "is a JSON object, got list"),
        ({"event_type": "x"}, "no 'priority', 'payload' in the record"),
        ({"oslo.message": "{nope"}, "'oslo.message' is not JSON"),
        ({"oslo.message": "[1]"}, "is not a JSON object"),
    ],
)
def test_bad_records_are_refused_with_a_reason(record: object, message: str) -> None:
    with pytest.raises(InvalidNotification, match=message):
        Notification.from_record(record)


def test_priorities_and_redaction() -> None:
    assert normalise_priority("WARNING") == "warn" and normalise_priority(" Info ") == "info"
    assert normalise_priority(None) == ""
    assert redact([{"X-Auth-Token": "t", "api_key": "k", "secret": ""}]) == [
        {"X-Auth-Token": "***", "api_key": "***", "secret": ""}]


def test_lag_from_oslo_timestamps() -> None:
    note = Notification("e", "info", {}, timestamp="2026-12-01 10:00:00.000000")
    assert note.lag(datetime(2026, 12, 1, 10, 0, 2, 500000, tzinfo=UTC)) == 2.5
    assert Notification("e", "info", {}, timestamp="2026-12-01T10:00:00Z").emitted_at() == (
        datetime(2026, 12, 1, 10, tzinfo=UTC))
    assert Notification("e", "info", {}, timestamp="yesterday").lag() is None
    assert Notification("e", "info", {}).lag() is None
