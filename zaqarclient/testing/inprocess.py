"""A zero-socket `requests` transport adapter that calls the reference server core directly."""

from __future__ import annotations

import http
import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from zaqarclient.server.app import App
from zaqarclient.server.protocol import ServerRequest


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


class InProcessAdapter(BaseAdapter):
    """Answers every request with `app.handle()`; mount it with `session.mount(prefix, it)`."""

    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = request.url or "/"
        parts = urlsplit(url)
        body = _body_bytes(request.body)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if body and "content-length" not in headers:
            headers["content-length"] = str(len(body))
        served = self.app.handle(
            ServerRequest(request.method or "GET", parts.path or "/", parts.query, headers, body)
        )
        response = requests.Response()
        response.status_code = served.status
        try:
            response.reason = http.HTTPStatus(served.status).phrase
        except ValueError:
            response.reason = ""
        merged: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for key, value in served.headers:
            merged[key] = value
        if "content-length" not in merged:
            merged["content-length"] = str(len(served.body))
        response.headers = merged
        response._content = served.body
        response.raw = io.BytesIO(served.body)
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        response.connection = self  # type: ignore[assignment]
        return response

    def send_raw(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Serve one request without any HTTP library: the SDK's zero-socket fast path."""
        parts = urlsplit(url)
        lowered = {k.lower(): v for k, v in headers.items()}
        data = body or b""
        if data and "content-length" not in lowered:
            lowered["content-length"] = str(len(data))
        served = self.app.handle(
            ServerRequest(method, parts.path or "/", parts.query, lowered, data)
        )
        return served.status, served.headers, served.body

    def close(self) -> None:
        pass
