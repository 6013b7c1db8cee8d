"""Runs consumer modules in one interpreter and records which steps passed.

This module and the consumer modules run inside a subprocess, once with this
package's interpreter and once with python-zaqarclient 4.7.0's (its own venv),
so they import nothing but the standard library, ``zaqarclient`` (whichever
is installed there), keystoneauth1, websocket-client and what the consumer
itself imports. ``python -c`` with a working directory holding only a
``tests`` link keeps this checkout's ``zaqarclient`` off ``sys.path``.

    python -c 'from tests.consumers.harness import main; main()' ENV.json OUT.json

``ENV.json`` describes the servers (:class:`Env`); ``OUT.json`` receives
``{"client": path of the zaqarclient used, "results": {consumer: [[step,
passed, detail], ...]}}``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Consumer modules, in table order.
CONSUMERS = ("heat", "os_collect_config", "mistral", "aodh", "tripleo", "guest_agent")
#: How long a step that waits for a pushed notification may take.
WAIT = 10.0


@dataclass
class Deployment:
    """One Zaqar deployment as a consumer sees it."""

    http: str
    ws: str
    keystone: bool  # True: Zaqar validates tokens with the Keystone below


@dataclass
class Env:
    """The servers a consumer run talks to (all on loopback)."""

    server: str  # "reference" or "real"
    noauth: Deployment  # Zaqar without Keystone (devstack's auth_strategy unset)
    keystone: Deployment  # Zaqar behind keystonemiddleware (devstack's default)
    keystone_url: str  # a Keystone v3 that answers
    dead_keystone_url: str  # where no Keystone listens (Keystone unreachable)
    users: dict[str, dict[str, str]]  # name -> id, name, password, project_id, project_name
    tokens: dict[str, str]  # user name -> a valid project-scoped token
    mistral_url: str  # where MistralTrigger subscriptions point
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str) -> Env:
        with open(path) as handle:
            data = json.load(handle)
        data["noauth"] = Deployment(**data["noauth"])
        data["keystone"] = Deployment(**data["keystone"])
        return cls(**data)


@dataclass
class Result:
    name: str
    passed: bool
    detail: str = ""


class Steps:
    """Records one consumer's steps; a failing step never stops the later ones."""

    def __init__(self) -> None:
        self.results: list[Result] = []

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        try:
            yield
        except Exception as exc:  # any failure of the consumer's call is the finding
            detail = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:400]
            self.results.append(Result(name, False, detail))
        else:
            self.results.append(Result(name, True))

    def check(self, name: str, condition: Callable[[], object], why: str = "") -> None:
        """A step that passes when ``condition()`` is truthy."""
        with self.step(name):
            if not condition():
                raise AssertionError(why or "check failed")


def within(seconds: float, work: Callable[[], Any]) -> Any:
    """Run ``work`` on a daemon thread; its result, or TimeoutError after ``seconds``.

    Consumers block on websocket reads forever; a step must not.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no result within {seconds:.0f}s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def run(env: Env, names: tuple[str, ...] = CONSUMERS) -> dict[str, list[list[Any]]]:
    results: dict[str, list[list[Any]]] = {}
    for name in names:
        module = importlib.import_module(f"tests.consumers.{name}")
        for label, scenario in module.scenarios(env):
            steps = Steps()
            try:
                scenario(steps)
            except Exception:  # a harness bug must show, not hide the other consumers
                steps.results.append(Result("(scenario crashed)", False, traceback.format_exc()))
            results[label] = [[r.name, r.passed, r.detail] for r in steps.results]
    return results


def main() -> None:
    env_path, out_path, *names = sys.argv[1:]
    import zaqarclient

    results = run(Env.load(env_path), tuple(names) or CONSUMERS)
    with open(out_path, "w") as handle:
        json.dump({"client": zaqarclient.__file__, "results": results}, handle)


def zaqar(
    method: str,
    url: str,
    body: Any = None,
    *,
    project: str,
    token: str | None = None,
    client_id: str = "5b2f5e0a-7c55-4b8e-9d16-6c6e8c3f0a11",
) -> Any:
    """One raw request for set-up and checks, independent of the client under test."""
    import urllib.error
    import urllib.request

    headers = {"Client-ID": client_id, "X-Project-ID": project, "Accept": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"{method} {url} -> {err.code} {err.read()[:200]!r}") from None
    return json.loads(text) if text else None


def unique(prefix: str) -> str:
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:10]}"
