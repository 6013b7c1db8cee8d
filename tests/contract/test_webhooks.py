"""Webhook subscribers, end to end, against the reference server and real Zaqar 23.0.1.

A real HTTP listener on 127.0.0.1 records every POST a server makes to it. The
same test function runs against both backends and checks what arrives against
one expected shape, so the two servers cannot drift apart unnoticed.

What Zaqar sends (``zaqar/notification/notifier.py`` and
``tasks/webhook.py``, confirmed against the real server):

* one ``requests.post`` per message and subscription, the messages of one
  ``POST .../messages`` sent in order by one worker;
* the body is ``json.dumps`` of the sanitized message plus ``Message_Type``
  and ``queue_name``: no id, no href, ``delay`` only on queues with a default delay;
* ``post_headers`` are added to the request headers as given, and
  ``post_data`` replaces its ``"$zaqar_message$"`` (quotes included) with that JSON;
* a POST that answers an error status is not retried; one that raises
  (connection dropped) is retried at once, and the rest of that batch is dropped.

No sleeps: every wait is a bounded ``queue.Queue.get``. Checks that something
is *not* delivered post a later message that must arrive first (deliveries of
one subscription leave in posting order), so they never wait for a timeout.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import BACKENDS, Backend
from tests.support.real_zaqar import (
    TEST_SIGNED_URL_KEY,
    V2_VERSION,
    RealZaqar,
    missing_install_reason,
)
from zaqarclient.auth.signed_url import EXPIRES_FORMAT, signature
from zaqarclient.queues.v2.client import Client
from zaqarclient.queues.v2.subscription import Subscription

WAIT = 10.0  # seconds a delivery may take on a loaded 2-core CI machine

# Keys of a message notification, in the order they are serialized.
NOTIFICATION_KEYS = ["ttl", "body", "Message_Type", "queue_name"]
# The same on a queue with `_default_message_delay`.
DELAYED_NOTIFICATION_KEYS = ["ttl", "body", "delay", "Message_Type", "queue_name"]
# Keys of a (un)subscribe confirmation request, in order (no Keystone catalog here,
# so no WSGISubscribeURL / WebSocketSubscribeURL).
CONFIRMATION_KEYS = [
    "Message_Type",
    "Message",
    "URL-Signature",
    "URL-Methods",
    "URL-Paths",
    "X-Project-ID",
    "URL-Expires",
    "SubscribeBody",
    "UnsubscribeBody",
    "queue_name",
]
# Header names of a webhook POST without post_headers, spelt as on the wire
# (Zaqar posts with `requests`).
WEBHOOK_HEADERS = {
    "Host",
    "User-Agent",
    "Accept-Encoding",
    "Accept",
    "Connection",
    "Content-Type",
    "Content-Length",
}


# --------------------------------------------------------------------------- listener


@dataclass(frozen=True)
class Delivery:
    """One POST as the listener received it."""

    method: str
    path: str
    headers: list[tuple[str, str]]  # as on the wire: order and spelling kept
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def header_names(self) -> set[str]:
        return {key for key, _ in self.headers}


class Webhook:
    """A webhook subscriber on 127.0.0.1; ``url`` ends without a slash.

    ``script`` lists the answers to the first requests, in arrival order: an HTTP
    status, or ``"drop"`` to close the connection without answering. Later
    requests get ``200``.
    """

    def __init__(self, script: list[int | str] | None = None) -> None:
        self.inbox: queue.Queue[Delivery] = queue.Queue()
        self._script = list(script or [])
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with outer._lock:
                    answer = outer._script.pop(0) if outer._script else 200
                outer.inbox.put(Delivery(self.command, self.path, list(self.headers.items()), raw))
                if answer == "drop":
                    self.close_connection = True
                    return
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = _record

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def next(self, what: str = "a webhook POST") -> Delivery:
        """The next delivery, waiting at most ``WAIT`` seconds."""
        try:
            return self.inbox.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"no {what} arrived within {WAIT:.0f} s")

    def take(self, count: int) -> list[Delivery]:
        return [self.next(f"webhook POST {n + 1} of {count}") for n in range(count)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    listener = Webhook()
    yield listener
    listener.close()


def subscribe(client: Client, queue_name: str, url: str, **options: Any) -> Subscription:
    return client.subscription(queue_name, subscriber=url, ttl=3600, options=options)


def queue_name() -> str:
    return "hook-" + uuid.uuid4().hex[:8]


def assert_webhook_post(delivery: Delivery, path: str) -> None:
    """The request line and headers every webhook POST has (no post_headers)."""
    assert (delivery.method, delivery.path) == ("POST", path)
    assert delivery.header("Content-Type") == "application/json"
    assert delivery.header("Content-Length") == str(len(delivery.raw))
    assert (delivery.header("User-Agent") or "").startswith("python-requests/")
    assert delivery.header("Accept") == "*/*"
    assert delivery.header("Connection") == "keep-alive"


# --------------------------------------------------------------------------- notifications


def test_notification_payload_shape(client: Client, webhook: Webhook) -> None:
    name = queue_name()
    sub = subscribe(client, name, webhook.url + "/hook")
    assert (sub.source, sub.subscriber, sub.ttl, sub.options) == (
        name, webhook.url + "/hook", 3600, {},
    )
    body = {"event": "created", "id": 7, "tags": ["a", "ü"], "nested": {"n": None}}
    client.queue(name).post({"body": body, "ttl": 300})

    got = webhook.next()
    assert_webhook_post(got, "/hook")
    assert got.header_names == WEBHOOK_HEADERS
    doc = got.json()
    assert list(doc) == NOTIFICATION_KEYS
    assert doc == {"ttl": 300, "body": body, "Message_Type": "Notification", "queue_name": name}
    assert isinstance(doc["ttl"], int)
    # Byte for byte what json.dumps gives: ", " and ": " separators, non-ASCII escaped.
    assert got.raw == json.dumps(doc).encode("ascii")


def test_default_ttl_and_queue_delay(client: Client, webhook: Webhook) -> None:
    plain, delayed = queue_name(), queue_name()
    client.queue(delayed).create({"_default_message_delay": 30})
    subscribe(client, plain, webhook.url + "/plain")
    client.queue(plain).post({"body": "no ttl given"})
    first = webhook.next().json()
    assert list(first) == NOTIFICATION_KEYS
    assert first["ttl"] == 3600  # the server's default message ttl

    subscribe(client, delayed, webhook.url + "/delayed")
    client.queue(delayed).post([{"body": 1}, {"body": 2, "delay": 0}])
    got = webhook.take(2)
    assert [d.path for d in got] == ["/delayed", "/delayed"]
    # Sent at once, before the delay is over; `delay` appears only on such queues.
    assert [list(d.json()) for d in got] == [DELAYED_NOTIFICATION_KEYS] * 2
    assert [d.json()["delay"] for d in got] == [30, 0]


def test_one_post_per_message_and_subscription(client: Client, webhook: Webhook) -> None:
    name = queue_name()
    subscribe(client, name, webhook.url + "/a")
    subscribe(client, name, webhook.url + "/b")
    bodies = [{"n": n} for n in range(3)]
    client.queue(name).post([{"body": b, "ttl": 120 + n} for n, b in enumerate(bodies)])

    got = webhook.take(6)
    by_path: dict[str, list[Any]] = {}
    for delivery in got:
        assert_webhook_post(delivery, delivery.path)
        by_path.setdefault(delivery.path, []).append(delivery.json())
    # Each POST carries one message (an object, not a list), in posting order per subscriber.
    expected = [
        {"ttl": 120 + n, "body": b, "Message_Type": "Notification", "queue_name": name}
        for n, b in enumerate(bodies)
    ]
    assert by_path == {"/a": expected, "/b": expected}


def test_post_headers_and_post_data(client: Client, webhook: Webhook) -> None:
    name = queue_name()
    subscribe(
        client, name, webhook.url + "/wrapped",
        post_headers={"X-Hook-Token": "s3cret", "x-lower-case": "kept"},
        post_data='{"event": "$zaqar_message$", "source": "zaqar", "note": "é"}',
    )
    subscribe(
        client, name, webhook.url + "/typed",
        post_headers={"Content-Type": "application/cloudevents+json"},
    )
    client.queue(name).post({"body": {"k": "v"}, "ttl": 600})

    got = {d.path: d for d in webhook.take(2)}
    message = {"ttl": 600, "body": {"k": "v"}, "Message_Type": "Notification", "queue_name": name}
    wrapped = got["/wrapped"]
    # Header names arrive spelt exactly as given, after the standard ones.
    assert wrapped.header_names == WEBHOOK_HEADERS | {"X-Hook-Token", "x-lower-case"}
    assert (wrapped.header("X-Hook-Token"), wrapped.header("x-lower-case")) == ("s3cret", "kept")
    assert wrapped.header("Content-Type") == "application/json"
    assert wrapped.json() == {"event": message, "source": "zaqar", "note": "é"}
    # The template's own text is sent as UTF-8; the message inside stays json.dumps output.
    assert wrapped.raw == (
        '{"event": ' + json.dumps(message) + ', "source": "zaqar", "note": "é"}'
    ).encode("utf-8")

    typed = got["/typed"]
    assert typed.header_names == WEBHOOK_HEADERS
    assert typed.header("Content-Type") == "application/cloudevents+json"
    assert typed.json() == message


def test_other_queue_and_other_project_are_not_notified(
    backend: Backend, client: Client, webhook: Webhook
) -> None:
    watched, other = queue_name(), queue_name()
    subscribe(client, watched, webhook.url + "/hook")
    client.queue(other).post({"body": "other queue"})
    with backend.client() as stranger:  # same queue name, another project
        stranger.queue(watched).post({"body": "other project"})
    client.queue(watched).post({"body": "watched"})

    got = webhook.next().json()
    assert (got["queue_name"], got["body"]) == (watched, "watched")


def test_error_status_is_not_retried(client: Client) -> None:
    listener = Webhook(script=[500, 404])
    try:
        name = queue_name()
        subscribe(client, name, listener.url + "/hook")
        client.queue(name).post([{"body": n} for n in range(3)])
        # A retry of message 0 would come before message 1 (same worker, in order).
        assert [d.json()["body"] for d in listener.take(3)] == [0, 1, 2]
    finally:
        listener.close()


def test_dropped_connection_is_retried_and_ends_the_batch(client: Client) -> None:
    listener = Webhook(script=["drop"])
    try:
        name = queue_name()
        subscribe(client, name, listener.url + "/hook")
        client.queue(name).post([{"body": n} for n in range(3)])
        # The POST that raised is sent again at once (retries_with_no_delay)...
        assert [d.json()["body"] for d in listener.take(2)] == [0, 0]
        # ...and Zaqar's webhook task gives up the rest of that batch: the next
        # message to arrive is the one of a later post.
        client.queue(name).post({"body": "later"})
        assert listener.next().json()["body"] == "later"
    finally:
        listener.close()


# --------------------------------------------------------------------------- confirmation


@pytest.fixture(scope="module", params=BACKENDS)
def confirming_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """A Zaqar with ``[notification] require_confirmation = True`` (and a signed-URL key)."""
    if request.param == "reference":
        from zaqarclient.server.config import Config
        from zaqarclient.testing import ReferenceServer

        config = Config(
            strict_policy=True, secret_key=TEST_SIGNED_URL_KEY, require_confirmation=True
        )
        with ReferenceServer(config=config) as server:
            yield Backend("reference", server.url, clock=server.clock)
        return
    reason = missing_install_reason(V2_VERSION)
    if reason is not None:
        pytest.skip(reason)
    with RealZaqar(notifier=True, require_confirmation=True) as real:
        yield Backend("real", real.url)


def assert_confirmation(
    delivery: Delivery, *, kind: str, name: str, sub: Subscription, project: str
) -> dict[str, Any]:
    """Check a (un)subscribe confirmation request; returns its body."""
    assert_webhook_post(delivery, "/hook")
    doc: dict[str, Any] = delivery.json()
    assert list(doc) == CONFIRMATION_KEYS
    if kind == "SubscriptionConfirmation":
        text = f"You have chosen to subscribe to the queue: {name}"
    else:
        text = (
            f"You have unsubscribed successfully to the queue: {name}, "
            "you can resubscribe it by using confirmed=True."
        )
    path = f"/v2/queues/{name}/subscriptions/{sub.id}/confirm"
    assert {k: v for k, v in doc.items() if k not in ("URL-Signature", "URL-Expires")} == {
        "Message_Type": kind,
        "Message": text,
        "URL-Methods": "PUT",
        "URL-Paths": path,
        "X-Project-ID": project,
        "SubscribeBody": {"confirmed": True},
        "UnsubscribeBody": {"confirmed": False},
        "queue_name": name,
    }
    # Signed for PUT on the confirm path only, until about now + ttl (3600 s).
    expires = datetime.strptime(doc["URL-Expires"], EXPIRES_FORMAT).replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(seconds=3600))) < timedelta(minutes=5)
    assert doc["URL-Signature"] == signature(
        TEST_SIGNED_URL_KEY, [path], ["PUT"], project, doc["URL-Expires"]
    )
    return doc


def test_confirmation_request_shape(
    confirming_backend: Backend, project: str, webhook: Webhook
) -> None:
    name = queue_name()
    with confirming_backend.client(project) as client:
        sub = subscribe(client, name, webhook.url + "/hook", post_headers={"X-Hook-Token": "t"})
        assert sub.confirmed is False
        got = webhook.next("confirmation request")
        assert got.header_names == WEBHOOK_HEADERS | {"X-Hook-Token"}  # post_headers apply
        assert_confirmation(
            got, kind="SubscriptionConfirmation", name=name, sub=sub, project=project
        )
        # Subscribing again while unconfirmed answers the same id and asks again.
        again = subscribe(client, name, webhook.url + "/hook")
        assert again.id == sub.id
        assert_confirmation(
            webhook.next("second confirmation request"),
            kind="SubscriptionConfirmation", name=name, sub=sub, project=project,
        )


def test_sdk_confirm_enables_delivery(
    confirming_backend: Backend, project: str, webhook: Webhook
) -> None:
    name = queue_name()
    with confirming_backend.client(project) as client:
        sub = subscribe(client, name, webhook.url + "/hook")
        webhook.next("confirmation request")
        queue_ = client.queue(name)
        queue_.post({"body": "while unconfirmed"})

        sub.confirm()
        sub.reload()
        assert sub.confirmed is True
        queue_.post({"body": "confirmed"})
        got = webhook.next()  # the unconfirmed post never comes
        assert_webhook_post(got, "/hook")
        assert got.json() == {
            "ttl": 3600, "body": "confirmed", "Message_Type": "Notification", "queue_name": name,
        }

        sub.confirm(False)
        assert_confirmation(
            webhook.next("unsubscribe confirmation"),
            kind="UnsubscribeConfirmation", name=name, sub=sub, project=project,
        )
        queue_.post({"body": "unsubscribed"})
        sub.confirm()
        queue_.post({"body": "resubscribed"})
        assert webhook.next().json()["body"] == "resubscribed"


def test_subscriber_confirms_with_the_signed_url(
    confirming_backend: Backend, project: str, webhook: Webhook
) -> None:
    """The subscriber needs nothing but the confirmation request to confirm."""
    name = queue_name()
    with confirming_backend.client(project) as owner:
        sub = subscribe(owner, name, webhook.url + "/hook")
        doc = webhook.next("confirmation request").json()
        signed = {
            "signature": doc["URL-Signature"],
            "expires": doc["URL-Expires"],
            "methods": doc["URL-Methods"],
            "paths": doc["URL-Paths"],
            "project": doc["X-Project-ID"],
        }
        conf = {"auth_opts": {"backend": "signed-url", "options": signed}}
        sub_id = doc["URL-Paths"].split("/")[-2]
        with Client(confirming_backend.url, conf=conf) as subscriber:
            subscriber.subscription(name, id=sub_id, auto_create=False).confirm()
        sub.reload()
        assert sub.confirmed is True
        owner.queue(name).post({"body": "hello"})
        assert webhook.next().json()["body"] == "hello"
