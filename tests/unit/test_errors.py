"""How an API error reads: request id, status, title, description, where it went."""

from __future__ import annotations

from zaqarclient.transport.errors import ResourceNotFound


def test_an_error_reads_id_status_title_description_and_target() -> None:
    err = ResourceNotFound(status=404, title="Not found", description="Queue q does not exist",
                           request_id="req-1", method="GET", url="http://z/v2/queues/q")
    assert str(err) == "[req-1] 404 Not found: Queue q does not exist (GET http://z/v2/queues/q)"


def test_a_title_that_already_starts_with_the_status_says_it_once() -> None:
    # Falcon's own errors (an unknown route, /v1.1 on a v2-only Zaqar) are titled so.
    err = ResourceNotFound(status=404, title="404 Not Found", request_id="req-2",
                           method="POST", url="http://z/v1.1/queues/q/messages")
    assert str(err) == "[req-2] 404 Not Found (POST http://z/v1.1/queues/q/messages)"


def test_a_title_that_merely_starts_with_digits_is_kept() -> None:
    err = ResourceNotFound(status=404, title="4040 things")
    assert str(err) == "404 4040 things"
