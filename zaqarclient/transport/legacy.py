"""python-zaqarclient's low-level transport API: ``get_transport_for(url, options=conf)``.

Code that never used the resource API talks to Zaqar like this::

    with transport.get_transport_for(endpoint, options=conf) as ws:
        ws.send(request.Request(endpoint, "queue_create",
                                content=json.dumps({"queue_name": "q"})))
        notification = ws.recv()          # the next frame Zaqar pushes

(os-collect-config's websocket collector, python-zaqarclient's own docs). The
transports here keep that contract on top of this package's transports:

* ``send(request)`` returns a response whose ``content`` is the JSON text of
  the reply body, or raises the error class of an error status (every error
  status, not only the seven python-zaqarclient mapped);
* websocket ``recv()`` returns the next pushed frame (a notification) as a
  dict. Replies never get mixed up with notifications: each reply is matched
  to its request, so a notification arriving during a ``send`` waits for
  ``recv`` instead of being taken for the reply;
* ``options`` is the client ``conf``; websocket connections authenticate
  with its keystone token (or session) and send its project, and need no
  token at all against a no-auth Zaqar;
* HTTP ``send`` sends the request's own headers (python-zaqarclient applied
  auth to the request before sending, see :func:`prepare_request`).
"""

from __future__ import annotations

import json
import queue as queue_mod
import threading
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zaqarclient import auth as auth_backends
from zaqarclient.auth.base import NoAuth
from zaqarclient.errors import ConnectionError, DriverLoadFailure, TimeoutError
from zaqarclient.queues.versions import api_for
from zaqarclient.transport import request as request_module
from zaqarclient.transport.base import Transport as BaseTransport
from zaqarclient.transport.error_mapper import error_from_result
from zaqarclient.transport.http import HttpTransport
from zaqarclient.transport.pipeline import Pipeline
from zaqarclient.transport.request import NO_BODY, Api, LegacyRequest, Request, Response
from zaqarclient.transport.retry import WEBSOCKET_DEFAULT, RetryPolicy

if TYPE_CHECKING:
    from zaqarclient.transport.ws import WebsocketTransport

__all__ = ["LegacyHttpTransport", "LegacyWebsocketTransport", "Transport", "api_for",
           "get_transport", "get_transport_for", "prepare_request"]

_CLOSED = object()


def _as_legacy(request: Request) -> LegacyRequest:
    if isinstance(request, LegacyRequest):
        return request
    legacy = LegacyRequest(operation=request.operation, params=dict(request.params))
    legacy.path_params = dict(request.path_params)
    legacy.headers = dict(request.headers or {})
    legacy.ref = request.ref
    if request.body is not NO_BODY:
        legacy.body = request.body
    return legacy


def _split_params(api: Api, request: LegacyRequest) -> tuple[dict[str, str], dict[str, Any]]:
    """Path fields and query parameters: fields named in the route leave ``params``."""
    template = request.ref or api.route(request.operation).path
    path = dict(request.path_params)
    query: dict[str, Any] = {}
    for name, value in request.params.items():
        if "{" + name + "}" in template:
            path[name] = ",".join(value) if isinstance(value, (list, tuple, set)) else str(value)
        else:
            query[name] = value
    return path, query


class LegacyHttpTransport(BaseTransport):
    """python-zaqarclient's ``HttpTransport(options)``: sends requests as they are."""

    def __init__(self, options: Mapping[str, Any] | None = None, version: Any = 2) -> None:
        super().__init__(options)
        self.version = version
        self._pipelines: dict[tuple[str, str, Any], Pipeline] = {}
        self._lock = threading.Lock()

    def _pipeline(self, endpoint: str, api: Api, request: LegacyRequest) -> Pipeline:
        verify: Any = (request.cert or True) if request.verify else False
        key = (endpoint.rstrip("/"), api.label, verify)
        with self._lock:
            pipeline = self._pipelines.get(key)
            if pipeline is None:
                tls: dict[str, Any] = {"insecure": True} if verify is False else {}
                if isinstance(verify, str):
                    tls["cacert"] = verify
                # The request carries its own auth headers (prepare_request): no backend's.
                auth = NoAuth(tls)
                client_id = (request.headers or {}).get("Client-ID") or str(uuid.uuid4())
                pipeline = Pipeline(
                    HttpTransport(endpoint, api, tls=auth.tls), api, auth,
                    client_id=client_id, retry=RetryPolicy(),
                )
                self._pipelines[key] = pipeline
        return pipeline

    def send(self, request: Request) -> Response:
        """Send ``request``; the response, or the error of an error status."""
        legacy = _as_legacy(request)
        if not legacy.endpoint:
            raise DriverLoadFailure("http", "the request names no endpoint")
        api = legacy.api or (api_for(self.version) if legacy.operation else None)
        if api is None:
            api = api_for(self.version)
            routed = Request("versions", ref=legacy.endpoint, headers=legacy.headers)
        else:
            path, query = _split_params(api, legacy)
            routed = Request(
                legacy.operation, path, query, legacy.body, headers=legacy.headers,
                ref=legacy.ref,
            )
        result = self._pipeline(_root(legacy.endpoint, api), api, legacy).call(routed)
        text = result.content.decode("utf-8")
        return Response(legacy, text, result.headers, result.status)

    def cleanup(self) -> None:
        """Close pooled connections."""
        with self._lock:
            pipelines, self._pipelines = list(self._pipelines.values()), {}
        for pipeline in pipelines:
            pipeline.transport.close()


def _root(endpoint: str, api: Api) -> str:
    """The endpoint without a trailing version label (python-zaqarclient appended it)."""
    root = endpoint.rstrip("/")
    suffix = "/" + api.label
    return root[: -len(suffix)] if root.endswith(suffix) else root


class LegacyWebsocketTransport(BaseTransport):
    """python-zaqarclient's ``WebsocketTransport(options)``: one connection, send and recv.

    The connection opens on the first ``send``, to that request's endpoint.
    """

    def __init__(self, options: Mapping[str, Any] | None = None, version: Any = 2) -> None:
        super().__init__(options)
        self.version = version
        self._ws: WebsocketTransport | None = None
        self._pipeline: Pipeline | None = None
        self._pushed: queue_mod.Queue[Any] = queue_mod.Queue()
        self._lock = threading.Lock()

    def _connection(self, endpoint: str) -> tuple[WebsocketTransport, Pipeline]:
        # websockets is an optional extra; get_transport() checked it is there.
        from zaqarclient.transport.ws import WebsocketTransport

        with self._lock:
            if self._ws is None or self._pipeline is None:
                backend = auth_backends.from_conf(self.options, has_endpoint=True)
                ws = WebsocketTransport(
                    endpoint.rstrip("/"),
                    tls=backend.tls,
                    connection_auth=backend.connection_flow,
                    timeout=self.options.get("timeout"),
                )
                ws.add_push_handler(self._pushed.put)
                ws.add_connection_hooks(lambda: None, lambda: self._pushed.put(_CLOSED))
                self._ws = ws
                self._pipeline = Pipeline(
                    ws, api_for(self.version), backend, client_id=str(uuid.uuid4()),
                    retry=WEBSOCKET_DEFAULT,
                )
            return self._ws, self._pipeline

    def send(self, request: Request) -> Response:
        """Run ``request.operation`` with its body; the reply, or its status's error.

        Query ``params`` have no place in a websocket request, so they join the
        body (python-zaqarclient dropped them with a warning).
        """
        legacy = _as_legacy(request)
        ws, pipeline = self._connection(legacy.endpoint)
        body = legacy.body
        body = dict(body) if isinstance(body, Mapping) else ({} if body is NO_BODY else body)
        if isinstance(body, dict):
            for name, value in {**legacy.path_params, **legacy.params}.items():
                body.setdefault(name, value)
        auth_headers = next(pipeline.auth.auth_flow())
        result = ws.send_action(
            legacy.operation, body, pipeline.headers(auth_headers, legacy.headers)
        )
        if result.status >= 400:
            raise error_from_result(result)
        reply = result.data
        content = json.dumps(reply if reply is not None else "")
        return Response(legacy, content, {"status": result.status}, result.status)

    def recv(self, timeout: float | None = None) -> Any:
        """The next frame Zaqar pushed (a notification), decoded; waits up to ``timeout``."""
        if self._ws is None:
            raise ConnectionError("recv() before any send(): the websocket is not open")
        try:
            frame = self._pushed.get(timeout=timeout)
        except queue_mod.Empty:
            raise TimeoutError(f"nothing was pushed within {timeout}s") from None
        if frame is _CLOSED:
            raise ConnectionError("the websocket closed while waiting for a notification")
        return frame

    def cleanup(self) -> None:
        """Close the connection."""
        with self._lock:
            ws, self._ws = self._ws, None
        if ws is not None:
            ws.close()


Transport = LegacyHttpTransport | LegacyWebsocketTransport

_SCHEMES: dict[str, type[LegacyHttpTransport] | type[LegacyWebsocketTransport]] = {
    "http": LegacyHttpTransport,
    "https": LegacyHttpTransport,
    "ws": LegacyWebsocketTransport,
    "wss": LegacyWebsocketTransport,
}


def get_transport(
    transport: str = "http", version: Any = 2, options: Mapping[str, Any] | None = None
) -> Transport:
    """A transport for scheme ``transport`` (http, https, ws, wss) and API ``version``."""
    name = f"{transport}.v{version}"
    cls = _SCHEMES.get(str(transport).lower())
    if cls is None:
        raise DriverLoadFailure(name, "no transport for this scheme (http, https, ws, wss)")
    api_for(version)  # unknown versions fail here, before any connection
    if cls is LegacyWebsocketTransport:
        if str(version).lstrip("v") not in ("2", "2.0"):
            raise DriverLoadFailure(name, "Zaqar's websocket API exists only for API v2")
        try:
            import websockets  # noqa: F401  # the optional ``websocket`` extra
        except ImportError as exc:
            raise DriverLoadFailure(
                name, "websockets is not installed: pip install 'zaqarclient[websocket]'"
            ) from exc
    return cls(options, version)


def get_transport_for(
    url_or_request: str | Request, version: Any = 2, options: Mapping[str, Any] | None = None
) -> Transport:
    """A transport for the scheme of a URL (or of a request's ``endpoint``)."""
    if isinstance(url_or_request, str):
        url = url_or_request
    else:
        url = getattr(url_or_request, "endpoint", "") or ""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    return get_transport(scheme, version, options)


def prepare_request(
    auth_opts: Mapping[str, Any] | None = None, data: Any = None, **kwargs: Any
) -> LegacyRequest:
    """A :class:`LegacyRequest` with the auth headers of ``auth_opts`` applied."""
    return request_module.prepare_request(
        dict(auth_opts) if auth_opts is not None else None, data, **kwargs
    )
