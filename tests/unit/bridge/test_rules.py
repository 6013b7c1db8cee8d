"""Rules files: compiling (with clear errors) and routing nova's notifications."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.nova import unversioned_instance_update, versioned_instance_update
from zaqarclient.bridge.notification import Notification
from zaqarclient.bridge.rules import (
    DeadLetter,
    Delivery,
    Discarded,
    RulesError,
    compile_rules,
    load_rules,
)

RULES = {"routes": [
    {"name": "instances", "match": {"event_type": "compute.instance.*", "priority": ["INFO"]},
     "project": "payload.tenant_id", "queue": "notifications",
     "fields": ["event_type", "timestamp", "payload.instance_id", "payload.state"], "ttl": 3600},
    {"name": "versioned", "match": ["event_type=instance.*"], "project": "payload.tenant_id",
     "queue": "{event_type}", "fields": ["event_type", {"instance_id": "payload.uuid"},
                                         "payload.state", "payload.state_update.old_state",
                                         "payload.flavor"]},
    {"name": "metrics", "match": {"event_type": "compute.metrics.update"}, "discard": True},
]}


def note(event_type: str, payload: Any, priority: str = "info", **extra: Any) -> Notification:
    return Notification(event_type=event_type, priority=priority, payload=payload,
                        publisher_id="compute.compute-1", message_id="m-1",
                        timestamp="2026-12-01 10:00:05.000001", **extra)


def test_unversioned_update_posts_only_the_allowed_fields() -> None:
    rules = compile_rules(RULES)
    payload = unversioned_instance_update("proj-a", "inst-1", "active", "building")
    outcome = rules.route(note("compute.instance.update", payload))
    assert outcome == Delivery("instances", "proj-a", "notifications", {
        "event_type": "compute.instance.update", "timestamp": "2026-12-01 10:00:05.000001",
        "instance_id": "inst-1", "state": "active"}, 3600)
    assert outcome.message == {"body": outcome.body, "ttl": 3600}
    text = repr(outcome)
    assert "compute-1" not in text and "10.0.0.5" not in text  # hosts and addresses stay home


def test_versioned_update_is_addressed_through_its_envelopes() -> None:
    rules = compile_rules(RULES)
    payload = versioned_instance_update("proj-b", "inst-2", "error", "active")
    outcome = rules.route(note("instance.update", payload))
    assert isinstance(outcome, Delivery)
    assert (outcome.project, outcome.queue, outcome.ttl) == ("proj-b", "instance.update", None)
    assert outcome.message == {"body": outcome.body}
    assert outcome.body["instance_id"] == "inst-2" and outcome.body["state"] == "error"
    assert outcome.body["old_state"] == "active"
    assert outcome.body["flavor"]["name"] == "m1.small"
    assert "nova_object.data" not in repr(outcome.body)


def test_priority_matches_case_insensitively_and_first_route_wins() -> None:
    rules = compile_rules(RULES)
    payload = unversioned_instance_update("p", "i", "active", "building")
    assert isinstance(rules.route(note("compute.instance.update", payload, "INFO")), Delivery)
    assert rules.route(note("compute.instance.update", payload, "error")) == DeadLetter(
        "no route matches")
    assert rules.route(note("compute.metrics.update", {})) == Discarded("metrics")
    assert rules.priorities == ["audit", "debug", "info", "warn", "error", "critical", "sample"]
    only_info = compile_rules({"routes": RULES["routes"][:1]})
    assert only_info.priorities == ["info"]
    warn = compile_rules({"routes": [{**RULES["routes"][0], "match": {"priority": "WARNING"}}]})
    assert warn.priorities == ["warn"]
    globbed = compile_rules({"routes": [{**RULES["routes"][0], "match": {"priority": "*i*"}}]})
    assert globbed.priorities == ["audit", "info", "critical"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"instance_id": "i"}, "no project at payload.tenant_id"),
        ({"tenant_id": ""}, "no project at payload.tenant_id"),
        ({"tenant_id": None}, "no project at payload.tenant_id"),
        ({"tenant_id": 42}, "is not a string"),
    ],
)
def test_no_project_is_a_dead_letter_with_the_reason(payload: Any, reason: str) -> None:
    outcome = compile_rules(RULES).route(note("compute.instance.update", payload))
    assert isinstance(outcome, DeadLetter) and outcome.route == "instances"
    assert reason in outcome.reason


def test_queue_templates_and_invalid_names() -> None:
    rules = compile_rules({"routes": [{
        "match": {}, "project": "payload.tenant_id", "queue": "{project}-{priority}.{event_type}",
        "fields": ["event_type"]}]})
    outcome = rules.route(note("a.b", {"tenant_id": "p1"}))
    assert isinstance(outcome, Delivery) and outcome.queue == "p1-info.a.b"
    bad = rules.route(note("a b", {"tenant_id": "p1"}))
    assert isinstance(bad, DeadLetter) and "queue name 'p1-info.a b' is not valid" in bad.reason
    publisher = compile_rules({"routes": [{
        "match": {}, "project": "payload.tenant_id", "queue": "{publisher_id}",
        "fields": ["event_type"]}]}).route(note("x", {"tenant_id": "p"}))
    assert isinstance(publisher, Delivery) and publisher.queue == "compute.compute-1"


def test_missing_fields_are_left_out_and_context_is_addressable() -> None:
    rules = compile_rules({"routes": [{
        "match": {}, "project": "context.project_id", "queue": "q",
        "fields": ["payload.gone", {"who": "context.user_id"}, "message_id"]}]})
    outcome = rules.route(note("x", {}, context={"project_id": "p9", "user_id": "u9"}))
    assert isinstance(outcome, Delivery)
    assert outcome.project == "p9" and outcome.body == {"who": "u9", "message_id": "m-1"}


BASE = {"project": "payload.tenant_id", "queue": "q", "fields": ["event_type"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping with a 'routes' list"),
        ({"routes": []}, "'routes' is empty"),
        ({"routes": [], "extra": 1}, "unknown top-level key"),
        ({"routes": ["x"]}, "route 1 is not a mapping"),
        ({"routes": [{**BASE, "colour": "red"}]}, "unknown key(s) ['colour']"),
        ({"routes": [{"queue": "q", "fields": ["a"]}]}, "'project' is required"),
        ({"routes": [{**BASE, "fields": []}]}, "'fields' must be a non-empty list"),
        ({"routes": [{**BASE, "fields": "event_type"}]}, "'fields' must be a non-empty list"),
        ({"routes": [{**BASE, "fields": [{"a": "x", "b": "y"}]}]}, "one-entry mapping"),
        ({"routes": [{**BASE, "fields": ["payload.state", "payload.state_update.state"]}]},
         "more than one field would be called 'state'"),
        ({"routes": [{**BASE, "fields": ["context.auth_token"]}]}, "names a credential"),
        ({"routes": [{**BASE, "fields": [{"t": "payload.admin_password"}]}]},
         "names a credential"),
        ({"routes": [{**BASE, "ttl": 30}]}, "'ttl' must be a whole number of seconds"),
        ({"routes": [{**BASE, "ttl": True}]}, "'ttl' must be a whole number"),
        ({"routes": [{**BASE, "queue": "bad name"}]}, "'queue': Queue name 'bad name'"),
        ({"routes": [{**BASE, "queue": "{tenant}"}]}, "uses {tenant}; it may use"),
        ({"routes": [{**BASE, "queue": "{event_type"}]}, "is not a template"),
        ({"routes": [{**BASE, "match": "event_type=x"}]}, "'match' must be a mapping"),
        ({"routes": [{**BASE, "match": {"priority": "loud"}}]}, "priority 'loud' is none"),
        ({"routes": [{**BASE, "match": ["event_type"]}]}, "has no '='"),
        ({"routes": [{**BASE, "discard": True}]}, "a discard route takes only 'match'"),
        ({"routes": [{**BASE, "discard": "yes"}]}, "'discard' must be true or false"),
        ({"routes": [{**BASE, "name": "a"}, {**BASE, "name": "a"}]}, "used more than once"),
        ({"routes": [{**BASE, "project": ["x"]}]}, "must be a field path"),
    ],
)
def test_bad_rules_say_which_route_and_what(data: Any, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        compile_rules(data, source="rules.yaml")
    assert message in str(caught.value) and str(caught.value).startswith("rules.yaml")


def test_load_rules_reads_yaml_and_reports_file_problems(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "routes:\n"
        "  - match: {event_type: 'compute.instance.*', priority: [info]}\n"
        "    project: payload.tenant_id\n"
        "    queue: notifications\n"
        "    fields: [event_type, payload.state]\n"
    )
    assert [route.name for route in load_rules(path).routes] == ["route-1"]
    with pytest.raises(RulesError, match="cannot read rules file"):
        load_rules(tmp_path / "missing.yaml")
    path.write_text("routes: [unclosed\n")
    with pytest.raises(RulesError, match="is not valid YAML"):
        load_rules(path)
