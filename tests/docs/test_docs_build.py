"""The Sphinx site builds offline with warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.runnable import DOCS

pytest.importorskip("sphinx", reason="the docs need the 'docs' extra (Sphinx)")
pytest.importorskip("cliff.sphinxext", reason="the CLI reference needs the 'cli' extra (cliff)")


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",  # every warning is an error; report them all
            "-q",
            "-E",  # quiet, and no cached environment
            "-d",
            str(tmp_path / "doctrees"),
            "-b",
            "html",
            str(DOCS),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stdout}\n{result.stderr}"
    assert not result.stderr.strip(), f"sphinx-build warned:\n{result.stderr}"
    for page in (
        "index",
        "quickstart",
        "cli",
        "server",
        "migrating",
        "user/errors",
        "reference/client",
    ):
        assert (out / f"{page}.html").is_file(), page
    cli = (out / "cli.html").read_text(encoding="utf-8")
    for command in (
        "messaging queue create",
        "messaging message post",
        "messaging claim create",
        "messaging subscription create",
        "messaging topic create",
        "messaging topic message post",
        "messaging topic subscription create",
        "messaging pool create",
        "messaging flavor create",
        "messaging ping",
    ):
        assert command in cli, f"the CLI reference lacks {command!r}"
    reference = (out / "reference" / "resources.html").read_text(encoding="utf-8")
    assert "zaqarclient.queues.v2.queues.Queue" in reference
