"""The package's import graph: no runtime circle, and no unexplained import inside a function.

The graph is read from the source (AST), not from ``sys.modules``: an edge is
an ``import`` that runs when the module is imported (module level, class
bodies, ``try``/``if`` blocks), not one under ``if TYPE_CHECKING:`` and not
one inside a function. Importing ``a.b.c`` also runs ``a/__init__`` and
``a/b/__init__``, but Python creates a package before running its
``__init__``, so that implicit edge cannot deadlock and is not drawn.

An import inside a function is fine for an optional extra or a costly
library, as long as a comment (same line, or the comment lines right
above it) says why; one that dodges a circle is not, and the circle test
would catch it once the import moved to the top.

``PENDING`` lists the parts of the package that have not been brought to
these rules yet; it is empty, and should stay so (the reference server's
half of issue 13 ended the ``App`` circle that ``server/app.py`` and
``server/notify.py`` used to dodge).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "zaqarclient"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE

#: Module prefixes not yet held to these rules (see the module docstring).
PENDING: tuple[str, ...] = ()


@dataclass(frozen=True)
class LocalImport:
    """An import statement inside a function."""

    module: str
    line: int
    explained: bool


def module_name(path: Path, root: Path = ROOT) -> str:
    """``zaqarclient/transport/http.py`` -> ``zaqarclient.transport.http``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool,
             known: set[str]) -> Iterator[str]:
    """The package modules an import statement loads."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                yield alias.name
        return
    base = node.module or ""
    if node.level:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    if not (base == PACKAGE or base.startswith(PACKAGE + ".")):
        return
    submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
    yield from submodules
    if len(submodules) < len(node.names):
        yield base


def _comment_explains(lines: list[str], line: int) -> bool:
    """A comment on the import's own line or in the comment lines right above it."""
    if "#" in lines[line - 1]:
        return True
    above = line - 2
    return above >= 0 and lines[above].strip().startswith("#")


@dataclass
class _Module:
    """What :func:`_visit` collects about one module."""

    name: str
    is_package: bool
    lines: list[str]
    known: set[str]
    edges: set[str]
    local: list[LocalImport]


def _visit(nodes: Iterable[ast.stmt], in_function: bool, module: _Module) -> None:
    block_explained = False  # consecutive imports share the comment above the first
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if in_function:
                explained = block_explained or _comment_explains(module.lines, node.lineno)
                module.local.append(LocalImport(module.name, node.lineno, explained))
                block_explained = explained
            else:
                module.edges.update(_targets(node, module.name, module.is_package, module.known))
            continue
        block_explained = False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _visit(node.body, True, module)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            _visit(node.orelse, in_function, module)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    statements = [c for c in children if isinstance(c, ast.stmt)]
                    for handler in children:
                        if isinstance(handler, ast.excepthandler):
                            statements.extend(handler.body)
                    _visit(statements, in_function, module)


def scan(root: Path = ROOT) -> tuple[dict[str, set[str]], list[LocalImport]]:
    """The runtime import graph of the package under ``root``, and its function-level imports."""
    paths = sorted(root.rglob("*.py"))
    known = {module_name(p, root) for p in paths}
    graph: dict[str, set[str]] = {}
    local: list[LocalImport] = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        module = _Module(module_name(path, root), path.name == "__init__.py",
                         source.splitlines(), known, set(), local)
        _visit(ast.parse(source, str(path)).body, False, module)
        module.edges.discard(module.name)
        graph[module.name] = module.edges
    return graph, local


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def _pending(module: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in PENDING)


def test_the_package_has_no_runtime_import_circle() -> None:
    graph, _ = scan()
    circles = [c for c in cycles(graph) if not all(_pending(m) for m in c)]
    assert not circles, f"runtime import circles: {circles}"


def test_every_import_inside_a_function_says_why() -> None:
    _, local = scan()
    unexplained = [
        f"{i.module}:{i.line}" for i in local if not i.explained and not _pending(i.module)
    ]
    assert not unexplained, (
        "imports inside functions without a comment saying why (optional extra, import "
        f"cost...): {unexplained}"
    )


def test_pending_parts_exist() -> None:
    """An allow-list entry naming nothing would hide nothing and should be removed."""
    graph, _ = scan()
    for prefix in PENDING:
        assert any(m == prefix or m.startswith(prefix + ".") for m in graph), prefix


# -- the checker itself ------------------------------------------------------------


def _write(root: Path, files: Mapping[str, str]) -> Path:
    package = root / PACKAGE
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_a_circle_is_found_and_type_checking_imports_are_not_edges(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "__init__.py": "",
        "a.py": "from zaqarclient import b\n",
        "b.py": "import zaqarclient.c\n",
        "c.py": "from . import a\n",
        "d.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from zaqarclient import e\n"
        ),
        "e.py": "from zaqarclient.d import x\n",
    })
    graph, _ = scan(package)
    assert graph["zaqarclient.b"] == {"zaqarclient.c"}
    assert graph["zaqarclient.d"] == set()
    assert cycles(graph) == [["zaqarclient.a", "zaqarclient.b", "zaqarclient.c"]]


def test_function_imports_need_a_comment(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "__init__.py": "",
        "m.py": (
            "def f():\n"
            "    import json\n"
            "def g():\n"
            "    # msgpack is an optional extra\n"
            "    import msgpack\n"
            "def h():\n"
            "    import yaml  # optional extra\n"
            "def i():\n"
            "    # both optional\n"
            "    import a\n"
            "    import b\n"
            "    x = 1\n"
            "    import c\n"
        ),
    })
    _, local = scan(package)
    assert [(i.line, i.explained) for i in local] == [
        (2, False), (5, True), (7, True), (10, True), (11, True), (13, False)
    ]


@pytest.mark.parametrize("text", ["try:\n    import zaqarclient.b\nexcept ImportError:\n    pass\n",
                                  "class K:\n    from zaqarclient import b\n"])
def test_imports_in_try_blocks_and_class_bodies_are_edges(tmp_path: Path, text: str) -> None:
    package = _write(tmp_path, {"__init__.py": "", "a.py": text, "b.py": ""})
    graph, _ = scan(package)
    assert graph["zaqarclient.a"] == {"zaqarclient.b"}
