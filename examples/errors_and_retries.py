"""Typed errors, request ids, timeouts and retries.

Usage: python examples/errors_and_retries.py [URL]   (default http://127.0.0.1:8888)
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import requests
import requests.adapters

from zaqarclient import errors
from zaqarclient.queues.client import Client
from zaqarclient.queues.v2.client import Client as V2Client  # the type Client() returns
from zaqarclient.transport import errors as http_errors
from zaqarclient.transport.retry import RetryPolicy

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8888"
CONF = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": "demo"}}}


def invalid_name(client: V2Client) -> None:
    """Names are checked before anything is sent; the error is also a ValueError."""
    try:
        client.queue("no spaces allowed")
    except ValueError as exc:
        assert isinstance(exc, errors.InvalidNameError)
        print(f"InvalidNameError: {exc}")


def missing_message(client: V2Client) -> None:
    """A 404 is a ResourceNotFound carrying the server's request id."""
    queue = client.queue("errors-demo", force_create=True)
    try:
        queue.message("0123456789abcdef01234567")
    except http_errors.ResourceNotFound as exc:
        print(f"ResourceNotFound: status={exc.status} request_id={exc.request_id}")
        print(f"  str(): {exc}")
    finally:
        queue.delete()


def missing_project(url: str) -> None:
    """Without a project id a no-auth Zaqar answers 400; catch it as a ClientError."""
    with Client(url) as anonymous:
        try:
            anonymous.queue("errors-demo").post({"body": 1})
        except errors.ClientError as exc:
            print(f"{type(exc).__name__}: {exc.title!r} ({exc.method} {exc.url})")


class FlakyProxy(requests.adapters.HTTPAdapter):
    """Answers the first ``failures`` requests with 503, as an overloaded proxy might."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if self.failures > 0:
            self.failures -= 1
            response = requests.Response()
            response.status_code = 503
            response.headers["Retry-After"] = "0"
            response._content = b'{"title": "Service Unavailable", "description": "busy"}'
            response.request = request
            response.url = request.url or ""
            return response
        return super().send(request, *args, **kwargs)


def retries(url: str) -> None:
    """Idempotent requests are retried on 429/502/503/504 and connection errors."""
    waits: list[float] = []
    policy = RetryPolicy(max_retries=3, backoff=0.1, sleep=waits.append)
    with Client(url, conf={**CONF, "retries": policy}) as client:
        client.mount(url, FlakyProxy(failures=2))
        stats = client.queue("errors-demo").stats  # a GET: safe to resend
        print(f"stats after {len(waits)} retries: {stats['messages']['total']} messages")
    with Client(url, conf={**CONF, "retries": 0}) as client:
        client.mount(url, FlakyProxy(failures=1))
        try:
            print(client.queue("errors-demo").stats)
        except http_errors.ServiceUnavailableError as exc:
            kind = "a ServerError" if isinstance(exc, errors.ServerError) else "unexpected"
            print(f"no retries: ServiceUnavailableError ({exc.status}) is {kind}")


def unreachable() -> None:
    """Nothing listening: a ConnectionError (also the builtin ConnectionError)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        client = Client(f"http://127.0.0.1:{port}", conf={**CONF, "timeout": 2, "retries": 0})
        try:
            print(client.queue("errors-demo").stats)
        except errors.ConnectionError as exc:
            assert isinstance(exc, ConnectionError)
            print(f"ConnectionError: {exc.method} {exc.url}")
        print(f"ping() on an unreachable server: {client.ping()}")
        client.close()


def main() -> int:
    # The SDK logs retries as warnings (and every request at DEBUG) on the
    # "zaqarclient" logger, with tokens and signatures redacted.
    logging.basicConfig(stream=sys.stdout, format="log: %(name)s %(levelname)s %(message)s")
    with Client(URL, conf=CONF) as client:
        invalid_name(client)
        missing_message(client)
    missing_project(URL)
    retries(URL)
    unreachable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
