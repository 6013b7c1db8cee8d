"""Find the docs' runnable code blocks: ``.. code-block:: python`` with ``:name: runnable-...``.

Blocks of one page run in order in one namespace (later blocks use names
the earlier ones defined), against one fresh reference server whose URL
replaces ``http://127.0.0.1:8888`` in the code; a live redis-server's URI
replaces ``redis://127.0.0.1:6379`` (pools need a store that answers).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "doc" / "source"
DEFAULT_URL = "http://127.0.0.1:8888"
DEFAULT_POOL_URI = "redis://127.0.0.1:6379"
# Pages whose examples need another server profile than the default (devstack).
PAGE_PROFILES = {"user/v1_1.rst": "zaqar-21"}

_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. code-block:: python\s*$")
_OPTION = re.compile(r"^[ \t]+:(?P<key>[\w-]+):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Block:
    """One runnable block: where it is, its name and its code."""

    path: Path
    line: int
    name: str
    code: str


def blocks_in(path: Path) -> list[Block]:
    """The runnable blocks of one ``.rst`` file, in document order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        i += 1
        if not match:
            continue
        start = i
        options: dict[str, str] = {}
        while i < len(lines) and (option := _OPTION.match(lines[i])):
            options[option["key"]] = option["value"].strip()
            i += 1
        body: list[str] = []
        base = len(match["indent"])
        while i < len(lines) and (
            not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > base
        ):
            body.append(lines[i])
            i += 1
        name = options.get("name", "")
        if name.startswith("runnable-"):
            code = textwrap.dedent("\n".join(body)).strip("\n") + "\n"
            found.append(Block(path, start, name, code))
    return found


def pages() -> dict[str, list[Block]]:
    """Every page with runnable blocks, keyed by its path under doc/source."""
    result: dict[str, list[Block]] = {}
    for path in sorted(DOCS.rglob("*.rst")):
        blocks = blocks_in(path)
        if blocks:
            result[str(path.relative_to(DOCS))] = blocks
    return result
