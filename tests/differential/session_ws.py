"""A websocket differential session: every action, envelope errors and a pushed notification.

The same frames go over one connection (plus a listener connection for the
push) to two servers; each transcript is normalised on its own and compared
step by step. `KNOWN` lists steps where the reference server follows MongoDB
(or chooses to answer) and the real server's Redis driver differs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websocket import WebSocket, WebSocketConnectionClosedException, create_connection

from tests.differential.normalize import Normalizer, sort_unordered

CLIENT = "3381af92-2b9e-11e3-b191-71861300734c"

# step name -> why the two servers may differ there
KNOWN: dict[str, str] = {
    "stats": "Redis puts the whole message (ttl, body, claim_id, claim_count) in oldest/newest; "
             "MongoDB's stat entry is {id, age, created}.",
    "claim_create empty queue": "Redis answers 204 with a fresh claim id even when nothing was "
                                "claimed; MongoDB's claim id is null.",
}


@dataclass
class Step:
    name: str
    frame: Any  # a dict request, or a raw text frame
    expect_reply: bool = True
    listener: bool = False  # read one pushed frame from the listener after this step
    fresh: bool = False  # send on a connection of its own (for frames that drop it)


# A step's frame may be built from earlier answers: a callable given the raw
# responses so far, by step name (e.g. to reuse a message or claim id).
Replies = dict[str, Any]


@dataclass
class Report:
    agree: list[str] = field(default_factory=list)
    known: list[tuple[str, Any, Any]] = field(default_factory=list)
    differ: list[tuple[str, Any, Any]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=lambda: KNOWN)
    title: str = "websocket session"

    @property
    def ok(self) -> bool:
        return not self.differ

    def render(self) -> str:
        total = len(self.agree) + len(self.known) + len(self.differ)
        lines = [f"{self.title}: {len(self.agree)}/{total} steps agree, "
                 f"{len(self.known)} known differences, {len(self.differ)} unexpected"]
        for name, _a, _b in self.known:
            lines.append(f"  known  {name}: {self.reasons[name]}")
        for name, a, b in self.differ:
            lines.append(f"  DIFFER {name}\n    A: {a}\n    B: {b}")
        return "\n".join(lines)


def steps(project: str) -> list[Step]:
    h = {"Client-ID": CLIENT, "X-Project-ID": project}

    def rq(action: str, body: Any = None, headers: Any = None) -> dict[str, Any]:
        doc: dict[str, Any] = {"action": action, "headers": headers or h}
        if body is not None:
            doc["body"] = body
        return doc

    q = {"queue_name": "wq"}
    return [
        Step("undecodable text", "{nope"),
        Step("not an object", "[1, 2]"),
        Step("unknown action", rq("queue_explode", {})),
        Step("schema: missing body", rq("queue_create")),
        Step("schema: wrong type", rq("queue_create", {"queue_name": 5})),
        Step("schema: missing headers", '{"action": "queue_list"}'),
        Step("queue_list empty", rq("queue_list")),
        Step("queue_create", rq("queue_create", {"queue_name": "wq", "metadata": {"a": 1}})),
        Step("queue_create again", rq("queue_create", q)),
        Step("queue_create bad name", rq("queue_create", {"queue_name": "bad name"})),
        Step("queue_list detailed", rq("queue_list", {"detailed": True})),
        Step("queue_list bad limit", rq("queue_list", {"limit": 99})),
        Step("queue_get", rq("queue_get", q)),
        Step("queue_get missing", rq("queue_get", {"queue_name": "nope"})),
        Step("stats empty", rq("queue_get_stats", q)),
        Step("stats missing", rq("queue_get_stats", {"queue_name": "nope"})),
        Step("message_post", rq("message_post", {"queue_name": "wq", "messages": [
            {"body": {"e": 1}, "ttl": 120}]}), listener=True),
        Step("message_post second", rq("message_post", {"queue_name": "wq", "messages": [
            {"body": "two", "ttl": 300, "delay": 5}]}), listener=True),
        Step("message_post empty", rq("message_post", {"queue_name": "wq", "messages": []})),
        Step("message_post no body", rq("message_post", {"queue_name": "wq",
                                                         "messages": [{"ttl": 60}]})),
        Step("message_post bad ttl", rq("message_post", {"queue_name": "wq",
                                                         "messages": [{"body": 1, "ttl": 1}]})),
        Step("message_post bad client", rq("message_post", {"queue_name": "wq", "messages": [
            {"body": 1}]}, {"Client-ID": "nope", "X-Project-ID": project})),
        Step("message_list echo off", rq("message_list", q)),
        Step("message_list", rq("message_list", {"queue_name": "wq", "echo": True})),
        Step("message_list bad limit", rq("message_list", {"queue_name": "wq", "limit": 0})),
        Step("message_get missing", rq("message_get", {"queue_name": "wq",
                                                        "message_id": "0" * 24})),
        Step("message_get_many none", rq("message_get_many", {"queue_name": "wq",
                                                              "message_ids": ["x"]})),
        Step("stats", rq("queue_get_stats", q)),
        Step("claim_create", rq("claim_create", {"queue_name": "wq", "ttl": 60, "grace": 60,
                                                 "limit": 1})),
        Step("claim_create bad ttl", rq("claim_create", {"queue_name": "wq", "ttl": 1})),
        Step("claim_get missing", rq("claim_get", {"queue_name": "wq",
                                                    "claim_id": "0" * 24})),
        Step("message_delete_many nothing", rq("message_delete_many", q)),
        Step("message_delete_many pop too big", rq("message_delete_many",
                                                   {"queue_name": "wq", "pop": 99})),
        Step("subscription_create hook", rq("subscription_create", {
            "queue_name": "wq", "subscriber": "http://127.0.0.1:9/hook", "ttl": 600})),
        Step("subscription_create dup", rq("subscription_create", {
            "queue_name": "wq", "subscriber": "http://127.0.0.1:9/hook", "ttl": 600})),
        Step("subscription_create bad ttl", rq("subscription_create", {
            "queue_name": "wq", "subscriber": "http://127.0.0.1:9/x", "ttl": 5})),
        Step("subscription_get missing", rq("subscription_get", {
            "queue_name": "wq", "subscription_id": "0" * 24})),
        Step("subscription_delete", rq("subscription_delete", {
            "queue_name": "wq", "subscription_id": "0" * 24})),
        Step("queue_purge", rq("queue_purge", {"queue_name": "wq",
                                               "resource_types": ["messages"]})),
        Step("message_list after purge", rq("message_list", {"queue_name": "wq", "echo": True})),
        Step("claim_delete", rq("claim_delete", {"queue_name": "wq", "claim_id": "0" * 24})),
        Step("queue_delete", rq("queue_delete", q)),
Step("claim_create empty queue", rq("claim_create", {"queue_name": "other"})),
        Step("get_home_doc (no answer)", rq("get_home_doc"), expect_reply=False),
        Step("after unhandled", rq("queue_list", {"limit": 1})),
    ]


def _recv(ws: WebSocket, timeout: float) -> Any:
    ws.settimeout(timeout)
    try:
        data = ws.recv()
    except (WebSocketConnectionClosedException, ConnectionError):
        # A close frame and a TCP reset are the same outcome for a client: the
        # server dropped the connection (which of the two arrives is timing).
        return "<connection closed>"
    except Exception as exc:  # timeout: nothing was sent
        return f"<no frame: {type(exc).__name__}>"
    return json.loads(data) if data else "<connection closed>"  # '' is a close frame


def _frame(step: Step, replies: Replies) -> str:
    frame = step.frame(replies) if callable(step.frame) else step.frame
    return frame if isinstance(frame, str) else json.dumps(frame)


def run(
    url: str, project: str, make_steps: Callable[[str], list[Step]] = steps,
    listen: bool = True,
) -> list[tuple[str, Any]]:
    """Send the session to one server; the transcript as (step, response) pairs."""
    conn = create_connection(url, timeout=10)
    listener = create_connection(url, timeout=10) if listen else None
    out: list[tuple[str, Any]] = []
    replies: Replies = {}
    if listener is not None:
        sub = {"action": "subscription_create", "headers": {"Client-ID": CLIENT,
               "X-Project-ID": project}, "body": {"queue_name": "wq", "ttl": 600}}
        listener.send(json.dumps(sub))
        out.append(("listener subscribe", _recv(listener, 5)))
    try:
        for step in make_steps(project):
            try:
                frame = _frame(step, replies)
            except (KeyError, IndexError, TypeError) as exc:  # an earlier answer lacked the id
                out.append((step.name, f"<no frame to send: {type(exc).__name__}>"))
                continue
            if step.fresh:
                out.append((step.name, _once(url, frame)))
                continue
            try:
                conn.send(frame)
            except (WebSocketConnectionClosedException, ConnectionError):
                out.append((step.name, "<connection closed>"))
                continue
            if step.expect_reply:
                replies[step.name] = _recv(conn, 10)
                out.append((step.name, replies[step.name]))
            if step.listener and listener is not None:
                out.append((step.name + " -> push", _recv(listener, 5)))
    finally:
        conn.close()
        if listener is not None:
            listener.close()
    return out


def _once(url: str, frame: str) -> Any:
    """Send one frame on a connection of its own; its answer (or how the server ended it)."""
    conn = create_connection(url, timeout=10)
    try:
        conn.send(frame)
        return _recv(conn, 5)
    finally:
        conn.close()


def compare(
    url_a: str, url_b: str, make_steps: Callable[[str], list[Step]] = steps,
    known: dict[str, str] | None = None, listen: bool = True,
    title: str = "websocket session", unordered: tuple[str, ...] = (),
) -> Report:
    """Run the session against both servers and compare the normalised transcripts.

    `unordered` names lists whose order is a storage detail (sorted before comparing).
    Inside a known step, ids neither transcript has seen become ``<id:new>`` so an
    extra id on one side does not shift the numbering of later steps.
    """
    known = KNOWN if known is None else known
    project = "wsd-" + uuid.uuid4().hex[:8]
    report = Report(reasons=known, title=title)
    norm_a = Normalizer({"project": project}, keep=(CLIENT,))
    norm_b = Normalizer({"project": project}, keep=(CLIENT,))
    run_a = run(url_a, project, make_steps, listen)
    run_b = run(url_b, project, make_steps, listen)
    for (name, a), (_, b) in zip(run_a, run_b, strict=True):
        norm_a.numbering = norm_b.numbering = name not in known
        na = sort_unordered(norm_a.value(a), unordered)
        nb = sort_unordered(norm_b.value(b), unordered)
        if na == nb:
            report.agree.append(name)
        elif name in known:
            report.known.append((name, na, nb))
        else:
            report.differ.append((name, na, nb))
    return report
