"""Subscriptions, notifications and the confirmation flow (zaqar-api.md 4.7, 8)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from email.mime.text import MIMEText
from typing import Any

import pytest
import requests

from tests.server.conftest import Api
from zaqarclient.server.config import Config
from zaqarclient.server.notify import backoff
from zaqarclient.testing import ReferenceServer


class Hook:
    """A real webhook listener on loopback that records POSTs."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.got = threading.Event()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts.append((dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                hook.got.set()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    listener = Hook()
    yield listener
    listener.close()


def test_create_get_list_delete(api: Api) -> None:
    resp = api.post("/v2/queues/q/subscriptions",
                    {"subscriber": "http://h.test/1", "ttl": 600, "options": {"a": 1}})
    assert resp.status_code == 201
    assert resp.headers["location"] == "/v2/queues/q/subscriptions"
    sid = resp.json()["subscription_id"]
    api.clock.advance(3)
    got = api.get(f"/v2/queues/q/subscriptions/{sid}").json()
    assert got == {"id": sid, "source": "q", "subscriber": "http://h.test/1", "ttl": 600,
                   "age": 3, "options": {"a": 1}, "confirmed": False}
    assert api.get(f"/v2/queues/other/subscriptions/{sid}").json() == {
        "title": "Not found", "description": f"Subscription {sid} does not exist"}
    sids = [sid] + [api.post("/v2/queues/q/subscriptions", {"subscriber": f"http://h.test/{i}"}
                             ).json()["subscription_id"] for i in range(2, 4)]
    page = api.get("/v2/queues/q/subscriptions?limit=2").json()
    assert [s["id"] for s in page["subscriptions"]] == sids[:2]
    assert page["links"][0]["href"] == f"/v2/queues/q/subscriptions?limit=2&marker={sids[1]}"
    assert api.get(page["links"][0]["href"]).json()["subscriptions"][0]["id"] == sids[2]
    assert api.delete(f"/v2/queues/q/subscriptions/{sid}").status_code == 204
    assert api.delete(f"/v2/queues/q/subscriptions/{sid}").status_code == 204
    assert api.get("/v2/queues/q/subscriptions?limit=21").status_code == 400


def test_duplicates_and_expiry(api: Api) -> None:
    body = {"subscriber": "http://h.test/1", "ttl": 60}
    sid = api.post("/v2/queues/q/subscriptions", body).json()["subscription_id"]
    again = api.post("/v2/queues/q/subscriptions", {**body, "ttl": 999})
    assert (again.status_code, again.json()) == (201, {"subscription_id": sid})
    assert api.get(f"/v2/queues/q/subscriptions/{sid}").json()["ttl"] == 60
    api.put(f"/v2/queues/q/subscriptions/{sid}/confirm", {"confirmed": True})
    dup = api.post("/v2/queues/q/subscriptions", body)
    assert dup.status_code == 409
    assert dup.headers["location"] == "/v2/queues/q/subscriptions"
    assert dup.json()["description"] == (
        "Such subscription already exists.Subscriptions are unique by project + queue + "
        "subscriber URI.")
    api.clock.advance(60)
    assert api.get(f"/v2/queues/q/subscriptions/{sid}").status_code == 404


def test_heats_never_expiring_ttl_is_accepted(fast_api: Api) -> None:
    # OS::Zaqar::Subscription's default: "seconds until the year 9000".
    resp = fast_api.post("/v2/queues/forever/subscriptions",
                         {"subscriber": "http://h.test/1", "ttl": 220367260800})
    assert resp.status_code == 201, resp.text


@pytest.mark.parametrize(("body", "text"), [
    ({}, "Missing parameter subscriber in body."),
    ({"subscriber": "ftp://x"}, "The subscriber type of subscription must be supported in the "
     "list ['http', 'https', 'mailto', 'trust+http', 'trust+https']."),
    ({"subscriber": "http://x", "options": [1]}, "Options must be a dict."),
    ({"subscriber": "http://x", "ttl": "1"}, "TTL must be an integer."),
    ({"subscriber": "http://x", "ttl": 59},
     "The TTL for a subscription must be at least 60 seconds long."),
    ({"subscriber": "http://x", "ttl": 3 * 10**11},  # past year 9999
     "The TTL seconds for a subscription plus current time must be less than "
     "9999-12-31 23:59:59.999999."),
    ({"subscriber": "http://x", "options": {"_retry_policy": {"minimum_delay": "a"}}},
     "Retry policy: minimum_delay must be a integer."),
    ({"subscriber": "http://x", "options": {"_retry_policy": {"retry_backoff_function": "x"}}},
     "invalid retry_backoff_function."),
])
def test_create_validation_creates_queue(fast_api: Api, body: object, text: str) -> None:
    resp = fast_api.post("/v2/queues/lazy/subscriptions", body)
    assert resp.json() == {"title": "Invalid API request", "description": text}
    assert fast_api.get("/v2/queues").json()["queues"][0]["name"] == "lazy"


def test_update(api: Api) -> None:
    sid = api.post("/v2/queues/q/subscriptions", {"subscriber": "http://h.test/1"}
                   ).json()["subscription_id"]
    api.post("/v2/queues/q/subscriptions", {"subscriber": "http://h.test/2"})
    path = f"/v2/queues/q/subscriptions/{sid}"
    api.clock.advance(10)
    resp = api.patch(path, {"ttl": 120, "options": {"b": 2}, "subscriber": None})
    assert (resp.status_code, resp.headers["location"]) == (204, path)
    got = api.get(path).json()
    assert (got["ttl"], got["options"], got["subscriber"]) == (120, {"b": 2}, "http://h.test/1")
    assert api.patch(path, {}).json()["description"] == "No subscription to create."
    unknown = api.patch(path, {"foo": 1})
    assert unknown.json() == {"title": "Unable to update subscription",
                              "description": f"Subscription {sid} could not be updated."}
    assert api.patch(path, {"subscriber": "http://h.test/2"}).status_code == 409
    assert api.patch("/v2/queues/q/subscriptions/" + "a" * 24, {"ttl": 100}
                     ).status_code == 404
    api.clock.advance(120)
    assert api.get(path).status_code == 404


def test_confirm(api: Api) -> None:
    sid = api.post("/v2/queues/q/subscriptions", {"subscriber": "http://h.test/1"}
                   ).json()["subscription_id"]
    path = f"/v2/queues/other/subscriptions/{sid}/confirm"  # scoped by project only
    resp = api.put(path, {"confirmed": True})
    assert (resp.status_code, resp.headers["location"]) == (204, path)
    assert api.get(f"/v2/queues/q/subscriptions/{sid}").json()["confirmed"] is True
    bad = api.put(path, {"confirmed": "yes"})
    assert bad.json()["description"] == "The 'confirmed' should be boolean."
    assert api.put(f"/v2/queues/q/subscriptions/{'b' * 24}/confirm",
                   {"confirmed": True}).status_code == 404


def test_webhook_notification(api: Api, hook: Hook) -> None:
    api.post("/v2/queues/nq/subscriptions",
             {"subscriber": hook.url, "options": {"post_headers": {"X-Extra": "1"}}})
    api.post_messages("nq", {"e": 1}, ttl=120)
    api.server.app.notifier.drain()
    assert hook.got.wait(5)
    headers, body = hook.posts[0]
    assert body == {"ttl": 120, "body": {"e": 1}, "Message_Type": "Notification",
                    "queue_name": "nq"}
    assert list(body) == ["ttl", "body", "Message_Type", "queue_name"]
    assert headers["X-Extra"] == "1"
    assert headers["Content-Type"] == "application/json"


def test_post_data_template(fast_api: Api) -> None:
    sent: list[tuple[str, bytes]] = []

    class Sender:
        def post(self, url: str, data: bytes, headers: dict[str, str]) -> int:
            sent.append((url, data))
            return 200

        def mail(self, message: MIMEText) -> None:
            raise AssertionError

    fast_api.server.app.notifier.sender = Sender()
    fast_api.post("/v2/queues/q/subscriptions", {
        "subscriber": "trust+http://h.test/x",
        # A trust_id: without one Zaqar asks keystone for a trust (a 503 without auth).
        "options": {"trust_id": "t1", "post_data": '{"wrapped": "$zaqar_message$"}'}})
    fast_api.post_messages("q", 1)
    fast_api.server.app.notifier.drain()
    url, data = sent[0]
    assert url == "http://h.test/x"
    assert json.loads(data)["wrapped"]["body"] == 1


def test_retry_policy_on_connection_errors(fast_api: Api) -> None:
    attempts: list[str] = []
    waits: list[float] = []

    class Flaky:
        def post(self, url: str, data: bytes, headers: dict[str, str]) -> int:
            attempts.append(url)
            if len(attempts) < 6:
                raise ConnectionError("down")
            return 200

        def mail(self, message: MIMEText) -> None:
            pass

    notifier = fast_api.server.app.notifier
    notifier.sender = Flaky()
    notifier.sleep = waits.append
    fast_api.post("/v2/queues/q/subscriptions", {"subscriber": "http://h.test/x"})
    fast_api.post_messages("q", 1)
    notifier.drain()
    assert len(attempts) == 6
    assert waits == [5, 5]  # three immediate retries, then waits at minimum_delay
    assert backoff("linear", 5, 30) == [5, 10, 15, 20, 25]
    assert len(backoff("exponential", 5, 30)) == 5


def test_mailto(fast_api: Api) -> None:
    mails: list[MIMEText] = []

    class Sender:
        def post(self, url: str, data: bytes, headers: dict[str, str]) -> int:
            return 200

        def mail(self, message: MIMEText) -> None:
            mails.append(message)

    fast_api.server.app.notifier.sender = Sender()
    fast_api.post("/v2/queues/q/subscriptions", {
        "subscriber": "mailto:ops@example.com?subject=Hi", "options": {"from": "z@x"}})
    fast_api.post_messages("q", {"e": 1})
    fast_api.server.app.notifier.drain()
    assert mails[0]["to"] == "ops@example.com"
    assert mails[0]["subject"] == "Hi"
    assert mails[0]["from"] == "z@x"
    assert json.loads(mails[0].get_payload())["queue_name"] == "q"


def test_confirmation_round_trip(hook: Hook) -> None:
    config = Config(require_confirmation=True, secret_key="k")
    with ReferenceServer(config) as server, requests.Session() as session:
        api = Api(server, session)
        sid = api.post("/v2/queues/cq/subscriptions", {"subscriber": hook.url}
                       ).json()["subscription_id"]
        server.app.notifier.drain()
        assert hook.got.wait(5)
        _, confirm = hook.posts[0]
        assert confirm["Message_Type"] == "SubscriptionConfirmation"
        assert confirm["Message"] == "You have chosen to subscribe to the queue: cq"
        assert confirm["URL-Paths"] == f"/v2/queues/cq/subscriptions/{sid}/confirm"
        assert confirm["URL-Methods"] == "PUT"
        assert confirm["queue_name"] == "cq"
        api.post_messages("cq", "before")  # unconfirmed: not delivered
        server.app.notifier.drain()
        assert len(hook.posts) == 1
        signed = {k: confirm[k] for k in ("URL-Signature", "URL-Methods", "URL-Paths",
                                          "URL-Expires", "X-Project-ID")}
        resp = api.put(confirm["URL-Paths"], confirm["SubscribeBody"], headers=signed)
        assert resp.status_code == 204
        api.post_messages("cq", "after")
        server.app.notifier.drain()
        assert [p[1].get("body") for p in hook.posts[1:]] == ["after"]
        api.put(confirm["URL-Paths"], {"confirmed": False}, headers=signed)
        server.app.notifier.drain()
        assert hook.posts[-1][1]["Message_Type"] == "UnsubscribeConfirmation"


def test_trust_subscriber_behind_token_auth_gets_a_trust_id() -> None:
    # Behind Keystone Zaqar creates a trust for a trust+ subscriber without one
    # (Heat's OS::Zaqar::MistralTrigger); without auth that is a 503.
    from zaqarclient.server import App, ServerRequest, Token

    headers = {"client-id": "3381af92-2b9e-11e3-b191-71861300734c", "x-project-id": "tp",
               "content-type": "application/json"}
    body = json.dumps({"subscriber": "trust+http://mistral.test/executions", "ttl": 3600,
                       "options": {"post_data": "{}"}}).encode()
    plain = App(Config())
    resp = plain.handle(ServerRequest("POST", "/v2/queues/q/subscriptions", "", headers, body))
    assert resp.status == 503
    secured = App(Config(tokens={"tok": Token("tp")}))
    headers["x-auth-token"] = "tok"
    resp = secured.handle(ServerRequest("POST", "/v2/queues/q/subscriptions", "", headers, body))
    assert resp.status == 201
    sid = resp.json()["subscription_id"]
    shown = secured.handle(ServerRequest("GET", f"/v2/queues/q/subscriptions/{sid}", "", headers))
    assert set(shown.json()["options"]) == {"post_data", "trust_id"}


def _notify_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("zaqar-notify")}


@pytest.mark.parametrize("subscriber", ["http://127.0.0.1:1/", "http://trigger.invalid/"])
def test_stop_is_prompt_while_webhooks_retry(subscriber: str) -> None:
    before = _notify_threads()
    server = ReferenceServer()
    server.start()
    headers = {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "stop"}
    url = server.url + "/v2/queues/q"
    assert requests.post(url + "/subscriptions", json={"subscriber": subscriber, "ttl": 3600},
                         headers=headers).status_code == 201
    assert requests.post(url + "/messages", json={"messages": [{"body": 1}]},
                         headers=headers).status_code == 201
    workers = _notify_threads() - before
    assert workers  # the delivery is under way (its first POST fails; retries follow)
    started = time.monotonic()
    server.stop()
    for worker in workers:
        worker.join(timeout=2)
    # Zaqar's default retry schedule waits about 3 minutes in all.
    assert time.monotonic() - started < 0.5
    assert not any(worker.is_alive() for worker in workers)
