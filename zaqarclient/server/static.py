"""Static files beside the API: ``zaqar-reference-server --static DIR``.

A page served from the reference server's own port can open its websocket
API without any cross-origin setup (the dashboard in
``examples/dashboard/`` is the reason). Files are served under
``/static/`` (never a Zaqar path), read-only, and only from inside the
directory: ``..`` and symbolic links out of it answer 404. A real Zaqar
has no such option; serve the page with any web server there.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from zaqarclient.server.app import App
from zaqarclient.server.protocol import ServerRequest, ServerResponse
from zaqarclient.server.request import decode_path

PREFIX = "/static/"
_TEXT = "text/plain; charset=utf-8"


class StaticFiles:
    """Answers ``GET``/``HEAD`` under ``prefix`` from the files in ``root``."""

    def __init__(self, root: str | Path, prefix: str = PREFIX) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise ValueError(f"static directory {str(root)!r} does not exist")
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"

    def answer(self, request: ServerRequest) -> ServerResponse | None:
        """The response for a static path, or None when the path is not one."""
        path = decode_path(request.path)
        if path == self.prefix.rstrip("/"):
            return ServerResponse(301, [("location", self.prefix)])
        if not path.startswith(self.prefix):
            return None
        if request.method not in ("GET", "HEAD"):
            return ServerResponse(405, [("allow", "GET, HEAD"), ("content-type", _TEXT)],
                                  b"405 Method Not Allowed")
        relative = path[len(self.prefix):]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root) or not target.is_file() or "\0" in relative:
            return ServerResponse(404, [("content-type", _TEXT)], b"404 Not Found")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        headers = [("content-type", kind), ("cache-control", "no-cache"),
                   ("x-content-type-options", "nosniff")]
        return ServerResponse(200, headers, target.read_bytes())


class StaticApp(App):
    """The reference server core with a :class:`StaticFiles` in front of it."""

    def __init__(self, *args: Any, static: StaticFiles, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.static = static

    def handle(self, req: ServerRequest) -> ServerResponse:
        """A static file when the path is one, else the Zaqar API's answer."""
        return self.static.answer(req) or super().handle(req)
