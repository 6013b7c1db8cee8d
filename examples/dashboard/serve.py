"""Serve the dashboard page and print the address to open.

Usage:
    python examples/dashboard/serve.py --ws ws://127.0.0.1:9000 --project PROJECT
    python examples/dashboard/serve.py --ws ws://zaqar:9000 --share http://zaqar:8888 \\
        --project PROJECT          # a read-only signed URL instead of a token

The page itself talks to Zaqar from the browser; this command only serves
its three files (on 127.0.0.1 unless --host says otherwise). Against the
reference server, ``zaqar-reference-server --static examples/dashboard``
serves them on the API's own port instead (then open /static/index.html).
A keystone token can be added to the printed address as ``&token=...``.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
PAGE_FILES = {"index.html", "dashboard.js", "dashboard.css"}


class PageHandler(SimpleHTTPRequestHandler):
    """The page's files only, never a directory listing or this script."""

    def do_GET(self) -> None:
        name = self.path.split("?", 1)[0].lstrip("/") or "index.html"
        if name not in PAGE_FILES:
            self.send_error(404)
            return
        self.path = "/" + name
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def signed_fragment(zaqar_url: str, project: str, queue: str, ttl: int) -> str:
    """A read-only signed URL for ``queue``, packed for the page's ``#signed=``."""
    sys.path.insert(0, str(HERE.parents[1]))
    from zaqarclient.queues.client import Client

    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}
    with Client(zaqar_url, conf=conf) as client:
        shared = client.queue(queue, auto_create=False).signed_url(
            paths=["messages"], methods=["GET"], ttl_seconds=ttl
        )
    packed = base64.urlsafe_b64encode(json.dumps(shared).encode()).decode().rstrip("=")
    return packed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--ws", required=True, help="Zaqar's websocket URL")
    parser.add_argument("--project", required=True)
    parser.add_argument("--queue", default="notifications")
    parser.add_argument("--share", metavar="ZAQAR_HTTP_URL",
                        help="sign a read-only URL for the queue with this Zaqar (no-auth)")
    parser.add_argument("--ttl", type=int, default=86400, help="signed URL lifetime, seconds")
    args = parser.parse_args(argv)

    handler = functools.partial(PageHandler, directory=str(HERE))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    fragment = {"ws": args.ws, "project": args.project, "queue": args.queue}
    if args.share:
        fragment["signed"] = signed_fragment(args.share, args.project, args.queue, args.ttl)
        fragment["http"] = args.share
    host, port = server.server_address[:2]
    print(f"open http://{host}:{port}/index.html#{urlencode(fragment)}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
