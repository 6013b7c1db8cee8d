"""One websocket connection: decode a frame, check it, run the action, encode the envelope.

`WsSession` is transport-free and synchronous: `handle(data, binary)` returns
the frame to send back (or None when Zaqar sends nothing), and pushed
notifications go to the `push` callable given at construction, from a
notifier worker thread. The ASGI adapter (and any in-process driver) owns
the socket.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import msgpack

from zaqarclient.server import documents, signing
from zaqarclient.server.domain.errors import DomainError
from zaqarclient.server.domain.target import Target
from zaqarclient.server.protocol import storage_unavailable
from zaqarclient.server.services import Services
from zaqarclient.server.storage.base import StorageUnavailable
from zaqarclient.server.ws.actions import HANDLERS, Call, Failure, Reply, failure_of
from zaqarclient.server.ws.schema import ACTIONS, valid

Frame = bytes | str
Push = Callable[[Frame, bool], None]

# Actions a signed URL can authorise before authentication, with the method they count as.
_SIGNED_METHODS = {
    "message_list": "GET", "message_get": "GET", "message_get_many": "GET",
    "message_post": "POST", "message_delete": "DELETE", "message_delete_many": "DELETE",
}
_dumps = json.JSONEncoder().encode  # Zaqar's jsonutils: default separators, ASCII


def encode(doc: Any, binary: bool) -> Frame:
    """A frame in the request's format: MessagePack bytes or JSON text."""
    if binary:
        packed: bytes = msgpack.packb(doc, use_bin_type=True)
        return packed
    return _dumps(doc)


def _envelope(request: dict[str, Any], status: int, body: Any) -> dict[str, Any]:
    return {"request": request, "body": body, "headers": {"status": status}}


def _bare_request(action: Any = None) -> dict[str, Any]:
    return {"action": action, "body": {}, "headers": {}, "api": "v2"}


class WsSession:
    """The state of one connection: authentication and connection-bound subscriptions."""

    def __init__(
        self, services: Services, push: Push, base_url: str = "http://127.0.0.1:0/"
    ) -> None:
        self.services = services
        self.id = str(uuid.uuid4())
        # Zaqar points connection-bound subscriptions at its internal listener; this
        # server keeps the same URL shape but delivers through an in-process sink.
        self.subscriber = base_url.rstrip("/") + "/" + self.id
        self._push = push
        self.notify_binary: bool | None = None
        self.subscriptions: list[tuple[str, str, str]] = []  # (project, queue, id)
        self.authenticated = False
        self.auth_project: str | None = None
        self.closed = False  # set when Zaqar would drop the connection
        services.notifier.sinks[self.subscriber] = self._deliver

    # ---------------------------------------------------------------- frames

    def handle(self, data: Frame, binary: bool) -> Frame | None:
        """Answer one frame; None when Zaqar would send nothing."""
        kind = "binary (MessagePack)" if binary else "text (JSON)"
        try:
            if binary:
                payload = msgpack.unpackb(data, raw=False)
                documents.check_decoded(payload)
            else:
                payload = json.loads(data)
                documents.check_text(str(data), payload)
        except RecursionError:
            error = f"Can't decode {kind} request. {documents.too_deep()}"
            return encode(_envelope(_bare_request(), 400, {"error": error}), binary)
        except documents.DocumentError as exc:
            error = f"Can't decode {kind} request. {exc}"
            return encode(_envelope(_bare_request(), 400, {"error": error}), binary)
        except Exception as exc:
            error = f"Can't decode {kind} request. {type(exc).__name__}: {exc}"
            return encode(_envelope(_bare_request(), 400, {"error": error}), binary)
        if not isinstance(payload, dict):
            error = "Unexpected body type. Expected dict or dict like."
            return encode(_envelope(_bare_request(), 400, {"error": error}), binary)
        doc = self.respond(payload, binary)
        return None if doc is None else encode(doc, binary)

    def respond(self, payload: dict[str, Any], binary: bool = False) -> dict[str, Any] | None:
        """The response envelope for one decoded request object."""
        action = payload.get("action")
        headers = payload.get("headers")
        request = {"action": action, "body": payload.get("body", {}),
                   "headers": headers or {}, "api": "v2"}
        try:
            spec = ACTIONS.get(action)  # type: ignore[arg-type]
        except TypeError:
            # An unhashable action (a list, an object) crashes Zaqar's schema lookup:
            # no answer, and the connection drops.
            self.closed = True
            return None
        if spec is None:
            return _envelope(request, 400, {"error": f"{action} is not a valid action"})
        if not valid(spec, payload):
            return _envelope(request, 400, {"error": "Schema validation failed."})
        assert isinstance(headers, dict)
        tokens = self.services.config.tokens
        if action == "authenticate":
            return self._authenticate(headers)
        if tokens and not self.authenticated:
            if "URL-Signature" not in headers or not self._signed(
                str(action), headers, payload.get("body")
            ):
                return _envelope(request, 403, {"error": "Not authentified."})
        elif tokens and headers.get("X-Project-ID") != self.auth_project:
            return _envelope(request, 403, {"error": "Not authenticated."})
        if not spec.handled:
            self.closed = True  # Zaqar has no handler: it raises, answers nothing, drops the link
            return None
        body = payload.get("body")
        reply = self._run(str(action), headers, body if isinstance(body, dict) else {})
        if (
            action == "subscription_create" and reply.status == 201
            and not (body or {}).get("subscriber")
        ):
            self.notify_binary = binary
            sid = reply.body["subscription_id"]
            queue = str((body or {}).get("queue_name"))
            self.subscriptions.append((str(headers["X-Project-ID"]), queue, sid))
        return _envelope(request, reply.status, reply.body)

    def _run(self, action: str, headers: dict[str, Any], body: dict[str, Any]) -> Reply:
        if "X-Trace-Info" in headers:
            queue = str(body.get("queue_name", ""))
            self.services.traces.record(headers, "websocket", action, queue)
        call = Call(self.services, headers, body, self.subscriber)
        try:
            return HANDLERS[action](call)
        except Failure as exc:
            return Reply(exc.status, {"exception": exc.exception, "error": exc.error})
        except DomainError as err:
            failure = failure_of(err)
            return Reply(failure.status, {"exception": failure.exception, "error": failure.error})
        except ValueError as exc:  # Zaqar's endpoints map ValueError to 400
            return Reply(400, {"exception": str(exc), "error": None})
        except StorageUnavailable as exc:
            error = storage_unavailable(exc).description
            return Reply(503, {"exception": str(exc), "error": error})
        except Exception as exc:
            return Reply(500, {"exception": str(exc), "error": "Unexpected error."})

    # ---------------------------------------------------------------- auth

    def _authenticate(self, headers: dict[str, Any]) -> dict[str, Any] | None:
        request = _bare_request("authenticate")
        tokens = self.services.config.tokens
        if not tokens:
            # Without an auth strategy Zaqar's handler crashes here: no answer, and
            # the connection drops.
            self.closed = True
            return None
        token = tokens.get(str(headers.get("X-Auth-Token")))
        if token is None:
            return _envelope(request, 401, {"error": "Authentication failed."})
        self.authenticated = True
        self.auth_project = token.project
        return _envelope(request, 200, {"message": "Authentified."})

    def _signed(self, action: str, headers: dict[str, Any], body: Any) -> bool:
        """A valid signed URL for this action and for the queue named in the body.

        Zaqar checks only the signature and the method here; the queue in the
        body is not compared with the signed paths, so a URL signed for one
        queue opens every queue of the project. This server also requires one
        signed path to cover the HTTP path of the action.
        """
        method = _SIGNED_METHODS.get(action)
        methods = headers.get("URL-Methods")
        paths = headers.get("URL-Paths")
        key = self.services.config.secret_key
        if not method or not key or not isinstance(methods, list) or method not in methods:
            return False
        try:
            expected = signing.sign(
                key, paths,  # type: ignore[arg-type]
                project=headers.get("X-Project-ID"),
                methods=methods, expires=headers.get("URL-Expires"), now=self.services.clock.now(),
            )
        except (ValueError, TypeError, OverflowError):
            return False
        if not signing.same_signature(expected["signature"], headers.get("URL-Signature")):
            return False
        fields = body if isinstance(body, dict) else {}
        target = f"/v2/queues/{fields.get('queue_name')}/messages"
        if action in ("message_get", "message_delete"):
            target += f"/{fields.get('message_id')}"
        return signing.authorizes(expected["paths"], target)

    # ---------------------------------------------------------------- notifications

    def _deliver(self, doc: dict[str, Any]) -> None:
        """Called on a notifier worker: one notification, no envelope."""
        binary = bool(self.notify_binary)
        self._push(encode(doc, binary), binary)

    def close(self) -> None:
        """The connection ended: drop its connection-bound subscriptions."""
        self.services.notifier.sinks.pop(self.subscriber, None)
        for project, queue, sid in self.subscriptions:
            self.services.subscriptions.delete(Target(project, queue), sid)
        self.subscriptions.clear()
