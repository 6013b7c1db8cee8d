"""Unit tests: argument parsing, message splitting, watch logic, the plugin's make_client."""

from __future__ import annotations

import argparse
import contextlib
import json
from typing import Any

import pytest
from osc_lib import exceptions

from zaqarclient.errors import ZaqarError
from zaqarclient.filters import Filter
from zaqarclient.osc import common, plugin
from zaqarclient.osc.entry_points import ENTRY_POINTS
from zaqarclient.osc.v2 import messages, watch
from zaqarclient.transport.errors import ResourceNotFound


def test_split_batches_respects_the_limit_and_order() -> None:
    items = [{"body": "x" * n} for n in (10, 200, 30, 500, 5)]
    for limit in (600, 700, 1000, 10_000):
        batches = messages.split_batches(items, limit)
        assert [m for batch in batches for m in batch] == items
        for batch in batches:
            body = json.dumps({"messages": batch}, separators=(",", ":"))
            assert len(body.encode()) <= limit
    assert len(messages.split_batches(items, 10_000)) == 1
    with pytest.raises(ValueError, match="message 3"):
        messages.split_batches(items, 300)


def test_parse_messages_forms() -> None:
    assert messages.parse_messages('[{"body": 1}]') == [{"body": 1}]
    assert messages.parse_messages('{"body": 1, "ttl": 60}') == [{"body": 1, "ttl": 60}]
    assert messages.parse_messages('{"messages": [{"body": 2}]}') == [{"body": 2}]
    assert messages.parse_messages('{"body": 1}\n\n{"body": 2}\n') == [{"body": 1}, {"body": 2}]
    for bad in ("", "[]", "[1]", '[{"ttl": 1}]', "{nope"):
        with pytest.raises(exceptions.CommandError):
            messages.parse_messages(bad)


def test_hidden_aliases_share_dest_and_stay_out_of_help() -> None:
    parser = argparse.ArgumentParser()
    common.add_option(parser, "--pool-list", "--pool_list", type=common.comma_list)
    assert parser.parse_args(["--pool_list", "a, b"]).pool_list == ["a", "b"]
    assert parser.parse_args(["--pool-list", "c"]).pool_list == ["c"]
    assert parser.parse_args([]).pool_list is None
    assert "--pool_list" not in parser.format_help()
    with pytest.raises(ValueError):
        common.add_option(parser, "--x-y", "--x_y", required=True)


def test_describe_error_is_one_line_with_request_id() -> None:
    error = ResourceNotFound(
        "Not found",
        "Queue q does not exist",
        method="GET",
        url="http://h/v2/queues/q?signature=secret",
        request_id="req-1",
    )
    text = common.describe_error(error)
    assert text == "404 Not found: Queue q does not exist (GET /v2/queues/q) [request req-1]"
    assert "secret" not in text


def test_entry_points_resolve() -> None:
    import importlib

    for lines in ENTRY_POINTS.values():
        for line in lines:
            _name, target = (part.strip() for part in line.split("="))
            module, _, attr = target.partition(":")
            loaded = importlib.import_module(module)
            assert not attr or hasattr(loaded, attr), line
    v2 = {line.split(" = ")[0] for line in ENTRY_POINTS["openstack.messaging.v2"]}
    assert {"queue_create", "queue_signed_url", "messaging_message_watch"} <= v2
    # Topics: v2 only, always under ``messaging``.
    topics = {name for name in v2 if "topic" in name}
    assert len(topics) == 12 and all(name.startswith("messaging_topic_") for name in topics)
    v1 = {line.split(" = ")[0] for line in ENTRY_POINTS["openstack.messaging.v1"]}
    assert not any("topic" in name for name in v1)


# -- watch ------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeQueue:
    name = "q"

    class message_module:
        @staticmethod
        def create_object(queue: Any) -> Any:
            return lambda data: data["id"]


class FakeClient:
    """A queue holding ``old``; ``n1`` and ``n2`` arrive once the clock has moved."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[str] = []

    def follow(self, href: str) -> Any:
        self.calls.append(href)
        arrived = self.clock.now > 0
        if "marker" not in href:
            return self._page(["old"], "m1")
        if "marker=m1" in href and arrived:
            return self._page(["n1", "n2"], "m3")
        return {"messages": [], "links": []}

    @staticmethod
    def _page(ids: list[str], marker: str) -> Any:
        next_href = f"/v2/queues/q/messages?marker={marker}&limit=20"
        return {"messages": [{"id": i} for i in ids], "links": [{"rel": "next", "href": next_href}]}


def test_watch_skips_existing_then_follows_the_marker() -> None:
    clock = FakeClock()
    client = FakeClient(clock)
    options = watch.WatchOptions(interval=1, count=2)
    seen = list(watch.watch(client, FakeQueue(), options, sleep=clock.sleep, clock=clock))
    assert seen == ["n1", "n2"]
    assert clock.now == 1  # one idle wait before the new messages showed up
    started = FakeClock()
    from_start = watch.WatchOptions(interval=1, count=1, from_start=True)
    seen = list(
        watch.watch(
            FakeClient(started), FakeQueue(), from_start, sleep=started.sleep, clock=started
        )
    )
    assert seen == ["old"]


class EmptyClient:
    def follow(self, href: str) -> Any:
        return {"messages": [], "links": []}


def test_watch_timeout_stops_an_idle_watch() -> None:
    clock = FakeClock()
    options = watch.WatchOptions(interval=0.5, timeout=3)
    seen = list(watch.watch(EmptyClient(), FakeQueue(), options, sleep=clock.sleep, clock=clock))
    assert seen == [] and clock.now == pytest.approx(3)


def test_watch_filter_term_and_consume_conflict() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--filter", action="append", type=watch.filter_term, default=[])
    parsed = parser.parse_args(["--filter", "state=active", "--filter", "n!=1|2"])
    assert [str(term) for term in parsed.filter] == ["state=active", "n!=1|2"]
    with pytest.raises(argparse.ArgumentTypeError, match="has no '='"):
        watch.filter_term("state")
    both = watch.WatchOptions(consume=True, filter=Filter(parsed.filter))
    with pytest.raises(ZaqarError, match="cannot be combined with --consume"):
        next(watch.watch(EmptyClient(), FakeQueue(), both))


# -- make_client ------------------------------------------------------------


class FakeCloud:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config


class FakeInstance:
    def __init__(self, auth_type: str, **config: Any) -> None:
        self._cli_options = FakeCloud({"auth_type": auth_type, **config})
        self._api_version = {"messaging": "2"}
        self.region_name = "RegionTwo"
        self.interface = "internal"
        self.verify = True
        self.cert = None
        self.session = object()
        self.lookups: list[tuple[Any, ...]] = []

    def get_endpoint_for_service_type(self, service_type: str, **kwargs: Any) -> str:
        self.lookups.append((service_type, kwargs["region_name"], kwargs["interface"]))
        return "http://zaqar.example:8888/"


def test_make_client_noauth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OS_MESSAGE_PROJECT_ID", raising=False)
    instance = FakeInstance("none", message_project_id="p1", message_roles="admin")
    client = plugin.make_client(instance)
    assert client.api_url == "http://zaqar.example:8888"
    assert client.session is None
    headers = client._auth.headers()
    assert headers == {"X-Project-ID": "p1", "X-Roles": "admin"}


def test_make_client_keystone_passes_the_session_and_no_cache() -> None:
    instance = FakeInstance("password")
    client = plugin.make_client(instance)
    assert client.session is instance.session
    assert instance.lookups == [("messaging", "RegionTwo", "internal")]
    plugin.make_client(instance)
    assert len(instance.lookups) == 2  # looked up again: no module-level cache
    ws = FakeInstance("password", message_transport="websocket")
    with contextlib.suppress(ZaqarError):  # no websocket transport installed
        assert plugin.make_client(ws).api_url == "ws://zaqar.example:8888"
    assert ws.lookups[0][0] == "messaging-websocket"


def test_make_client_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OS_MESSAGE_RETRIES", raising=False)
    assert plugin.make_client(FakeInstance("none")).retry_policy.max_retries == 3
    client = plugin.make_client(FakeInstance("none", message_retries="0"))
    assert client.retry_policy.max_retries == 0
    monkeypatch.setenv("OS_MESSAGE_RETRIES", "5")
    assert plugin.make_client(FakeInstance("none")).retry_policy.max_retries == 5
    for bad in ("-1", "often"):
        with pytest.raises(exceptions.CommandError, match="--os-message-retries"):
            plugin.make_client(FakeInstance("none", message_retries=bad))


def test_check_api_version() -> None:
    assert plugin.check_api_version("2") and plugin.check_api_version("1.1")
    with pytest.raises(exceptions.CommandError):
        plugin.check_api_version("3")
