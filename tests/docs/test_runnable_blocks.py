"""The docs' runnable code blocks run, page by page, against a fresh reference server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from tests.docs.runnable import (
    DEFAULT_POOL_URI,
    DEFAULT_URL,
    DOCS,
    PAGE_PROFILES,
    Block,
    blocks_in,
    pages,
)
from tests.support.redis_store import RedisStore
from zaqarclient.testing import ReferenceServer

PAGES = pages()
EXAMPLES = DOCS.parents[1] / "examples"

#: Pages that must keep runnable blocks (a refactor must not silently drop them).
REQUIRED = {
    "quickstart.rst",
    "user/queues.rst",
    "user/messages.rst",
    "user/claims.rst",
    "user/signed-urls.rst",
    "user/topics.rst",
    "user/errors.rst",
    "user/logging.rst",
    "user/v1_1.rst",
    "server.rst",
    "migrating.rst",
}


def run_page(blocks: list[Block], url: str, pool_uri: str = DEFAULT_POOL_URI) -> str:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    out = io.StringIO()
    for block in blocks:
        text = block.code.replace(DEFAULT_URL, url).replace(DEFAULT_POOL_URI, pool_uri)
        code = compile(text, f"{block.path}:{block.line}", "exec")
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    return out.getvalue()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_blocks_run(page: str, pool_store: RedisStore) -> None:
    with ReferenceServer(profile=PAGE_PROFILES.get(page)) as server:
        run_page(PAGES[page], server.url, pool_store.base_uri)


def test_required_pages_have_runnable_blocks() -> None:
    missing = REQUIRED - set(PAGES)
    assert not missing, f"no runnable blocks left in {sorted(missing)}"


def test_runnable_names_are_unique() -> None:
    names = [block.name for blocks in PAGES.values() for block in blocks]
    assert len(names) == len(set(names))


def test_extractor_reads_options_and_body(tmp_path: Path) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        "Intro\n\n.. code-block:: python\n   :name: runnable-x\n   :emphasize-lines: 1\n\n"
        "   a = 1\n\n   b = a + 1\n\nAfter.\n\n.. code-block:: python\n\n   skipped = True\n",
        encoding="utf-8",
    )
    (block,) = blocks_in(page)
    assert block.name == "runnable-x"
    assert block.code == "a = 1\n\nb = a + 1\n"


def test_literalincluded_examples_exist_and_are_tested() -> None:
    from tests.examples.test_examples import EXPECTED

    included = set()
    for path in DOCS.rglob("*.rst"):
        for target in re.findall(r"\.\. literalinclude:: (\S+)", path.read_text("utf-8")):
            resolved = (path.parent / target).resolve()
            assert resolved.is_file(), f"{path}: {target} does not exist"
            if resolved.parent == EXAMPLES:
                included.add(resolved.name)
    assert included, "the docs include no example scripts"
    assert included <= set(EXPECTED), "every included example must be run by tests/examples"
