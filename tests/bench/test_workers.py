"""Worker loops against a scripted server on loopback: failures are counted, never fatal."""

from __future__ import annotations

import threading

from tests.support.loopback import LoopbackServer, Reply
from zaqarclient.bench import workers
from zaqarclient.bench.settings import Settings

CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "p"}}}



def test_a_producer_counts_failures_of_every_kind_and_keeps_going() -> None:
    replies = [Reply(503, {"title": "Service Unavailable", "description": "busy"}),
               Reply(201, "not json at all")]
    with LoopbackServer(lambda r: replies[len(server.requests) % 2]) as server:
        settings = Settings(url=server.url, workers={"producer": 1}, conf=CONF)
        rec = workers.Recorder()
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        workers.produce(settings, rec, stop, None)
    assert set(rec.errors) == {"ServiceUnavailableError (503)", "InvalidResponseBody (201)"}
    assert rec.requests == sum(rec.errors.values()) == len(server.requests) >= 4
    assert rec.messages == 0 and "post" not in rec.operations


def test_an_observer_pages_through_a_queue_and_starts_over_at_its_end() -> None:
    pages = {
        None: {"messages": [{"id": "1", "body": 1, "ttl": 60, "age": 0}],
               "links": [{"rel": "next", "href": "/v2/queues/q-0/messages?marker=7&limit=5"}]},
        "7": {"messages": [], "links": []},
    }

    def answer(recorded: object) -> Reply:
        path = getattr(recorded, "path", "")
        marker = "7" if "marker=7" in path else None
        return Reply(200, pages[marker])

    with LoopbackServer(answer) as server:
        settings = Settings(url=server.url, workers={"observer": 1}, queues=1, conf=CONF)
        rec = workers.Recorder()
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        workers.observe(settings, rec, stop)
    paths = [r.path for r in server.requests]
    assert "include_claimed=true" in paths[0] and "marker" not in paths[0]
    assert "marker=7" in paths[1]
    assert "marker" not in paths[2]  # the end of the queue: from its head again
    assert rec.operations["list"].summary().count == len(paths)
    assert rec.errors == {}
