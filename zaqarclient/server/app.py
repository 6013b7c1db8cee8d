"""The synchronous core: `App.handle(ServerRequest) -> ServerResponse`.

The check order follows Zaqar's hooks (zaqar-api.md section 2.1): routing,
keystone-style auth, signed URL, form-encoded body, Accept, Client-ID,
project, queue/topic name, method (405/OPTIONS), policy, handler.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote

from zaqarclient.server import policy, signing, v1_1, v2
from zaqarclient.server.clock import Clock, SystemClock
from zaqarclient.server.config import Config, Token
from zaqarclient.server.context import Ctx
from zaqarclient.server.domain.errors import DomainError, ValidationFailed
from zaqarclient.server.domain.validation import check_client_id, check_queue_identification
from zaqarclient.server.ids import request_id
from zaqarclient.server.negotiation import accepts_json, add_default_type, error_response
from zaqarclient.server.notify import Notifier
from zaqarclient.server.protocol import (
    JSON_CT,
    HTTPError,
    ServerRequest,
    ServerResponse,
    dumps,
    forbidden,
    from_domain,
    invalid_queue_id,
    storage_unavailable,
)
from zaqarclient.server.request import decode_path
from zaqarclient.server.routing import Router
from zaqarclient.server.services import Services, build_services
from zaqarclient.server.state import Runtime
from zaqarclient.server.storage import Storage, open_storage
from zaqarclient.server.storage.base import StorageUnavailable
from zaqarclient.server.traces import TraceLog
from zaqarclient.server.v2.home import versions

LOG = logging.getLogger("zaqarclient.server")

_FORM = "application/x-www-form-urlencoded"
_NOT_ACCEPTABLE = HTTPError(
    406, "406 Not Acceptable",
    'Endpoint only serves `application/json`; specify client-side media type support with '
    'the "Accept" header.',
    extra={"link": {
        "text": "14.1 Accept, Hypertext Transfer Protocol -- HTTP/1.1",
        "href": "http://www.w3.org/Protocols/rfc2616/rfc2616-sec14.html",
        "rel": "help",
    }},
)
# falcon answers a method it does not know (HTTP, WebDAV and QUERY are known) with
# this 400 where a known but unrouted method gets the 405.
_FALCON_METHODS = frozenset((
    "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE",
    "CHECKIN", "CHECKOUT", "COPY", "LOCK", "MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "REPORT",
    "UNCHECKIN", "UNLOCK", "UPDATE", "VERSION-CONTROL", "QUERY", "WEBSOCKET",
))
_BAD_METHOD = HTTPError(400, "Bad request", "Invalid HTTP method")
# What falcon's uri.encode leaves alone in a Location: RFC 3986 reserved characters and %.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"
_UNAUTHORIZED = dumps({"error": {
    "code": 401, "title": "Unauthorized",
    "message": "The request you have made requires authentication.",
}})


class App:
    """One reference server instance: its services and route tables (the HTTP pipeline).

    The handlers see the services through the request context, never the App;
    the attributes below are for the code that builds and runs a server.
    """

    def __init__(
        self,
        config: Config | None = None,
        clock: Clock | None = None,
        storage: Storage | None = None,
        store: str = "memory",
    ) -> None:
        config = config or Config()
        clock = clock or SystemClock()
        self.services: Services = build_services(
            config, clock, storage or open_storage(store, clock)
        )
        self.routers: list[Router] = [v2.build_router(config)]
        if config.enable_v1_1:
            self.routers.append(v1_1.build_router(config))
        #: Whether any request may block (see :meth:`blocks`): only the admin routes of
        #: pooling mode probe stores.
        self.may_block: bool = config.pooling and config.admin_mode

    @property
    def config(self) -> Config:
        return self.services.config

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def storage(self) -> Storage:
        return self.services.storage

    @property
    def notifier(self) -> Notifier:
        return self.services.notifier

    @property
    def traces(self) -> TraceLog:
        return self.services.traces

    @property
    def runtime(self) -> Runtime | None:
        """The serving side's state; set by the server that serves this App."""
        return self.services.runtime

    @runtime.setter
    def runtime(self, runtime: Runtime | None) -> None:
        self.services.runtime = runtime

    def close(self) -> None:
        self.services.close()

    def blocks(self, req: ServerRequest) -> bool:
        """Whether answering ``req`` may block: it probes a pool's store over the network.

        Registering or changing a pool (``PUT``/``PATCH`` of a pool) and the
        pooled health report connect to stores, for up to
        ``pool_connect_timeout`` each. A server on an event loop answers such
        requests on a worker thread so the loop keeps serving.
        """
        if not self.may_block:
            return False
        if req.method in ("PUT", "PATCH"):
            return "/pools/" in req.path
        return req.method == "GET" and req.path.rstrip("/").endswith("/health")

    def reset(self) -> None:
        """Drop every queue, message, claim, subscription, pool and flavor."""
        self.storage.reset()

    def handle(self, req: ServerRequest) -> ServerResponse:
        """Answer one request; never raises."""
        if "x-trace-info" in req.headers:
            self.traces.record(req.headers, "http", req.method, req.path)
        try:
            resp = self._dispatch(req)
        except HTTPError as err:
            resp = error_response(err, req.headers.get("accept"))
        except DomainError as err:
            resp = error_response(from_domain(err), req.headers.get("accept"))
        except StorageUnavailable as exc:
            resp = error_response(storage_unavailable(exc), req.headers.get("accept"))
        except Exception as exc:  # an internal error is a 500, as falcon does
            LOG.exception("unhandled error for %s %s", req.method, req.path)
            resp = ServerResponse(500, [("content-type", JSON_CT)], dumps(
                {"title": "Internal server error", "description": str(exc)}
            ))
        if req.method == "OPTIONS" and not 200 <= resp.status < 300:
            # Zaqar's outermost middleware (oslo CORS) swaps any failed OPTIONS answer
            # for a bare 200: no body, no content type, no request id.
            return ServerResponse(200)
        add_default_type(resp)
        headers = resp.headers
        for index, (name, value) in enumerate(headers):
            if name == "location":
                # falcon percent-encodes Location (a queue name may end in a newline).
                headers[index] = (name, quote(value, safe=_URI_SAFE))
        headers.append(("x-openstack-request-id", request_id()))
        return resp

    def _dispatch(self, req: ServerRequest) -> ServerResponse:
        path = decode_path(req.path)
        if path.startswith("//"):
            # Zaqar's wsgiref server (http.server) reduces leading slashes to one.
            path = "/" + path.lstrip("/")
        if path == "/":
            # falcon maps only GET (and its default OPTIONS); HEAD is a 405 too.
            if req.method == "OPTIONS":
                return ServerResponse(200, [("allow", "GET")])
            if req.method not in _FALCON_METHODS:
                raise _BAD_METHOD
            if req.method != "GET":
                raise HTTPError(405, "405 Method Not Allowed", headers=[("allow", "GET, OPTIONS")])
            return versions(self.services.config)
        headers = req.headers
        signature = headers.get("url-signature")
        token = self._token(headers, path, signature)
        if isinstance(token, ServerResponse):
            return token
        found = None
        for router in self.routers:
            if path.startswith(router.prefix):
                found = router.match(path)
                if found is not None:
                    break
        if found is None:
            raise HTTPError(404, "404 Not Found")
        route, params = found
        services = self.services
        config = services.config
        ctx = Ctx(services, req, path, params, router.prefix)
        # Zaqar 23 verifies a present but empty signature on /v2 (21 skips an empty one).
        signed = bool(signature) or (router.prefix == "/v2" and signature is not None)
        if signed:
            project = token.project if token else headers.get("x-project-id")
            if not signing.verify_request(
                config.secret_key, services.clock.now(), req, path, project
            ):
                raise HTTPError(404, "404 Not Found")
        if ctx.clen is not None and headers.get("content-type", "").lower() == _FORM:
            raise HTTPError(
                400, "Invalid Content-Type",
                "Endpoint does not accept `application/x-www-form-urlencoded` content; currently "
                "supported media type is `application/json`; specify proper client-side media "
                'type with the "Content-Type" header.',
            )
        if not accepts_json(headers.get("accept")):
            raise _NOT_ACCEPTABLE
        self._check_client_id(headers.get("client-id"), router.client_id_header)
        ctx.client_id = headers["client-id"]
        if token is None:
            ctx.project = self._project(headers, router.project_headers)
            if signed and ctx.project != headers.get("x-project-id"):
                # The signature was checked against X-Project-ID; a project taken from
                # X-Tenant-Id instead would let a URL signed for no project (or another
                # one) act on any project. Zaqar has this hole; refuse as a bad signature.
                raise HTTPError(404, "404 Not Found")
        else:
            ctx.project = token.project
        if token is not None:
            ctx.roles = token.roles
        elif not config.tokens:
            # oslo.context reads X-Roles, or X-Role when X-Roles is absent.
            roles = headers.get("x-roles", headers.get("x-role", ""))
            ctx.roles = tuple(r.strip() for r in roles.split(",") if r.strip())
        # else: a signed URL in token mode is anonymous; it gets no roles from headers.
        if route.has_queue or route.has_topic:
            try:
                check_queue_identification(
                    params["queue_name"] if route.has_queue else params["topic_name"],
                    ctx.project, config,
                )
            except ValidationFailed:
                # HTTP words every failure alike (the websocket API gives the rule's text).
                raise invalid_queue_id("queue" if route.has_queue else "topic") from None
        for hook in router.hooks:
            hook(ctx)
        handler = route.handlers.get(req.method)
        if handler is None:
            if req.method == "OPTIONS":
                return ServerResponse(200, [("allow", route.options_allow)], b"")
            if req.method not in _FALCON_METHODS:
                raise _BAD_METHOD
            raise HTTPError(405, "405 Method Not Allowed", headers=[("allow", route.allow)])
        if config.strict_policy and not policy.allows(route.policies[req.method], ctx.roles):
            raise forbidden()
        return handler(ctx)

    def _token(
        self, headers: Mapping[str, str], path: str, signature: str | None
    ) -> Token | ServerResponse | None:
        """The token-auth check, as keystonemiddleware sits in front of Zaqar.

        Only a signed URL stands in for a token, and only on /v2: Zaqar 23
        lets a request carrying ``URL-Signature`` past keystone (the signed-URL
        hook then verifies it), Zaqar 21 sends every /v1* request through
        keystone. Any other header, ``EXTRA-SPEC`` included, changes nothing.
        Returns the caller's token, the 401 answer, or None (no token needed).
        """
        tokens = self.services.config.tokens
        if not tokens or (signature is not None and not path.startswith("/v1")):
            return None
        token = tokens.get(headers.get("x-auth-token", ""))
        if token is None:
            return ServerResponse(401, [
                ("content-type", JSON_CT),
                ("www-authenticate", 'Keystone uri="http://127.0.0.1/identity"'),
            ], _UNAUTHORIZED)
        return token

    def _check_client_id(self, client_id: str | None, header: str) -> None:
        if client_id is None:
            raise HTTPError(400, "Missing header value", f'The "{header}" header is required.')
        try:
            check_client_id(client_id, self.services.config)
        except ValidationFailed:
            # Zaqar's HTTP hook words every malformed Client-ID alike (the websocket
            # API passes on the rule's own text).
            raise HTTPError(400, "Wrong UUID value", "Malformed hexadecimal UUID.") from None

    @staticmethod
    def _project(headers: Mapping[str, str], names: tuple[str, ...]) -> str:
        for name in names:
            value = headers.get(name)
            if value is not None:
                if value == "":
                    raise HTTPError(
                        400, "Empty project header not allowed",
                        "X-PROJECT-ID cannot be an empty string. Specify the right header "
                        "X-PROJECT-ID and retry.",
                    )
                return str(value)
        raise HTTPError(400, "Project-Id Missing", "The header X-PROJECT-ID was missing")

