"""``--static DIR``: files under /static/, nothing outside DIR, the API untouched."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from zaqarclient.server.static import StaticFiles
from zaqarclient.testing import ReferenceServer


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "app.js").write_text("console.log(1)")
    (root / "sub").mkdir()
    (root / "sub" / "index.html").write_text("sub")
    (root.parent / "secret.txt").write_text("outside")
    os.symlink(root.parent / "secret.txt", root / "link.txt")
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[ReferenceServer]:
    with ReferenceServer(static_dir=str(site)) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "status", "kind", "body"),
    [
        ("/static/", 200, "text/html; charset=utf-8", b"<h1>home</h1>"),
        ("/static/index.html", 200, "text/html; charset=utf-8", b"<h1>home</h1>"),
        ("/static/app.js", 200, "text/javascript; charset=utf-8", b"console.log(1)"),
        ("/static/sub/", 200, "text/html; charset=utf-8", b"sub"),
        ("/static/missing.css", 404, "text/plain; charset=utf-8", b"404 Not Found"),
        ("/static/../secret.txt", 404, None, None),
        ("/static/%2e%2e/secret.txt", 404, None, None),
        ("/static/link.txt", 404, None, None),  # a symbolic link out of the directory
        ("/static/sub", 404, None, None),
    ],
)
def test_files_are_served_from_inside_the_directory_only(
    server: ReferenceServer, path: str, status: int, kind: str | None, body: bytes | None
) -> None:
    # urllib would normalise "..", so send the path as it is.
    session = requests.Session()
    prepared = requests.Request("GET", server.url + "/x").prepare()
    prepared.url = server.url + path
    reply = session.send(prepared)
    assert reply.status_code == status
    if kind is not None:
        assert reply.headers["content-type"] == kind
    if status == 200:
        assert reply.headers["x-content-type-options"] == "nosniff"
    if body is not None:
        assert reply.content == body
    assert b"outside" not in reply.content


def test_methods_redirect_and_the_api_beside_it(server: ReferenceServer) -> None:
    assert requests.head(server.url + "/static/app.js").headers["content-length"] == "14"
    post = requests.post(server.url + "/static/app.js", data=b"x")
    assert post.status_code == 405 and post.headers["allow"] == "GET, HEAD"
    moved = requests.get(server.url + "/static", allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/static/"
    with server.client("static-proj") as client:
        client.queue("q").post({"body": 1})
        assert [m.body for m in client.queue("q").messages(echo=True)] == [1]
    assert requests.get(server.url + "/elsewhere").json() == {"title": "404 Not Found"}


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        StaticFiles(tmp_path / "nope")


def test_command_line_option(site: Path) -> None:
    def command(port: str, static: Path) -> list[str]:
        return [sys.executable, "-m", "zaqarclient.server", "--port", port,
                "--static", str(static)]

    refused = subprocess.run(command("0", site / "nope"), capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode == 2 and "does not exist" in refused.stderr
    with ReferenceServer() as probe:  # a free port
        port = probe.url.rsplit(":", 1)[1]
    served = subprocess.Popen(command(port, site), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/") as reply:
                    assert reply.read() == b"<h1>home</h1>"
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        served.terminate()
        served.wait(10)
