"""The servers consumer runs talk to, and the subprocess runs themselves.

For each kind of Zaqar (``reference`` or ``real`` 23.0.1) an
:class:`Environment` starts two deployments, as consumers meet them:

* no-auth (devstack with ``auth_strategy`` unset): HTTP and websocket;
* behind Keystone (devstack's default): HTTP and websocket validating tokens
  with a :class:`~tests.support.fake_keystone.FakeKeystone` (real Zaqar through
  keystonemiddleware, the reference server through its token table, fed with
  every token the fake Keystone issues).

:func:`run_clients` then runs every consumer module once with this package
and once with python-zaqarclient 4.7.0, each in its own interpreter.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.consumers.harness import Deployment
from tests.support import peer_client
from tests.support.fake_keystone import FakeKeystone
from tests.support.loopback import LoopbackServer, Reply
from tests.support.real_zaqar import TEST_SIGNED_URL_KEY, V2_VERSION, RealZaqar, free_port

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 300

ZAQAR_SERVICE_USER = ("zaqar", "zaqar-service-pw")


class SharedStoreZaqar(RealZaqar):
    """A real Zaqar that can use another instance's redis and catalogue.

    Devstack's HTTP and websocket Zaqar share one store, so a message posted
    over HTTP is popped or notified over the websocket; two RealZaqar
    instances would each have their own redis. Its notification listener
    binds 127.0.0.1 (oslo.config reads ``notification_bind``).
    """

    def __init__(self, *, store_of: RealZaqar | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store_of = store_of

    def config_text(self) -> str:
        text = super().config_text().replace("notification-bind", "notification_bind")
        if self.store_of is not None:
            text = text.replace(f"uri = {self.redis_uri}", f"uri = {self.store_of.redis_uri}")
            text = text.replace(self._sqlite_uri(), self.store_of._sqlite_uri())
        return text


class KeystoneRealZaqar(SharedStoreZaqar):
    """A real Zaqar behind keystonemiddleware (devstack's ``auth_strategy = keystone``)."""

    def __init__(self, keystone_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keystone_url = keystone_url

    def config_text(self) -> str:
        user, password = ZAQAR_SERVICE_USER
        service = [
            f"auth_url = {self.keystone_url}",
            "auth_type = password",
            f"username = {user}",
            f"password = {password}",
            "user_domain_id = default",
            "project_name = service",
            "project_domain_id = default",
        ]
        text = super().config_text().replace("[DEFAULT]\n", "[DEFAULT]\nauth_strategy = keystone\n")
        return text + "\n".join([
            "", "[keystone_authtoken]", f"www_authenticate_uri = {self.keystone_url}",
            *service, "interface = public", "",
            "[trustee]", *service[:-2], "",
        ])


@dataclass
class Environment:
    """Everything a consumer run needs, ready to be written as ``ENV.json``."""

    server: str
    noauth: Deployment
    keystone: Deployment
    keystone_url: str
    dead_keystone_url: str
    users: dict[str, dict[str, str]]
    tokens: dict[str, str]
    mistral_url: str

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))


def _accounts(keystone: FakeKeystone) -> dict[str, dict[str, str]]:
    """Projects and users: a tenant, Heat's stack domain user, the services."""
    demo = keystone.add_project("demo")
    stack = keystone.add_project("heat-stack-user-project")
    service = keystone.add_project("service")
    users = {
        "demo": keystone.add_user("demo", "demo-pw", demo, "member", "reader"),
        "stack_user": keystone.add_user("stack-user", "stack-pw", stack, "member"),
        "aodh": keystone.add_user("aodh", "aodh-pw", service, "service", "admin"),
        "zaqar": keystone.add_user(*ZAQAR_SERVICE_USER, service, "service", "admin"),
    }
    projects = {p.id: p.name for p in (demo, stack, service)}
    return {
        name: {"id": u.id, "name": u.name, "password": u.password,
               "project_id": u.project_id, "project_name": projects[u.project_id]}
        for name, u in users.items()
    }


@contextlib.contextmanager
def environment(kind: str, real_noauth: str | None = None) -> Iterator[Environment]:
    """Start the servers of ``kind`` ("reference" or "real"); yield their description.

    ``real_noauth`` reuses an already running no-auth real Zaqar (its HTTP
    URL) instead of starting one.
    """
    with contextlib.ExitStack() as stack:
        tokens: dict[str, Any] = {}
        keystone = stack.enter_context(FakeKeystone(on_token=_token_sink(tokens)))
        users = _accounts(keystone)
        mistral = stack.enter_context(LoopbackServer([Reply(201, {"id": "execution-1"})]))
        if kind == "reference":
            noauth, secured = _reference(stack, tokens)
        elif kind == "real":
            noauth, secured = _real(stack, keystone.url, real_noauth)
        else:
            raise ValueError(f"unknown server kind {kind!r}")
        keystone.catalog["messaging"] = secured.http
        keystone.catalog["messaging-websocket"] = secured.ws
        issued = {
            name: keystone.issue(keystone.users[user["id"]])
            for name, user in users.items()
        }
        yield Environment(
            server=kind, noauth=noauth, keystone=secured, keystone_url=keystone.url,
            dead_keystone_url=f"http://127.0.0.1:{free_port()}/v3", users=users,
            tokens=issued, mistral_url=mistral.url,
        )


def _token_sink(tokens: dict[str, Any]) -> Any:
    def record(token: str, project: str, roles: tuple[str, ...]) -> None:
        from zaqarclient.server.config import Token

        tokens[token] = Token(project, roles)

    return record


def _reference(stack: contextlib.ExitStack, tokens: dict[str, Any]) -> tuple[Deployment, ...]:
    from zaqarclient.server.clock import SystemClock
    from zaqarclient.server.config import Config
    from zaqarclient.testing import ReferenceServer

    plain = stack.enter_context(ReferenceServer(
        config=Config(secret_key=TEST_SIGNED_URL_KEY), clock=SystemClock()))  # type: ignore[arg-type]
    secured = stack.enter_context(ReferenceServer(
        config=Config(secret_key=TEST_SIGNED_URL_KEY, tokens=tokens),
        clock=SystemClock()))  # type: ignore[arg-type]
    return tuple(
        Deployment(server.url, "ws" + server.url[len("http"):], keystone=bool(i))
        for i, server in enumerate((plain, secured))
    )


def _real(
    stack: contextlib.ExitStack, keystone_url: str, noauth: str | None
) -> tuple[Deployment, ...]:
    # No consumer uses a no-auth websocket (every websocket client authenticates).
    http: list[RealZaqar] = [KeystoneRealZaqar(keystone_url, version=V2_VERSION, notifier=True)]
    if noauth is None:
        http.append(SharedStoreZaqar(version=V2_VERSION, notifier=True))
    start_together(stack, http)
    ws = KeystoneRealZaqar(keystone_url, version=V2_VERSION, transport="websocket",
                           notifier=True, store_of=http[0])
    start_together(stack, [ws])
    secured = Deployment(http[0].url, ws.url, keystone=True)
    noauth_http = noauth if noauth is not None else http[1].url
    return Deployment(noauth_http, "", keystone=False), secured


def start_together(stack: contextlib.ExitStack, servers: list[RealZaqar]) -> None:
    """Start the servers in parallel, each from a thread that lives as long as it does.

    RealZaqar asks Linux to stop a server when the thread that spawned it ends
    (PR_SET_PDEATHSIG), so a short-lived pool thread would take it down.
    """
    done = threading.Event()
    started: list[concurrent.futures.Future[None]] = []

    def keep(server: RealZaqar, ready: concurrent.futures.Future[None]) -> None:
        try:
            server.start()
        except BaseException as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        done.wait()
        server.stop()

    threads = []
    for server in servers:
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        thread = threading.Thread(target=keep, args=(server, ready), daemon=True)
        thread.start()
        threads.append(thread)
        started.append(ready)

    def stop_all() -> None:
        done.set()
        for thread in threads:
            thread.join(30)

    stack.callback(stop_all)
    for ready in started:
        ready.result()


def run_clients(
    env: Environment, *names: str, ours_path: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Run the consumer modules with both clients (in parallel); their outputs by client.

    ``ours_path`` puts another checkout's ``zaqarclient`` in front (to measure
    an older revision with the same consumers).
    """
    interpreters = {"ours": Path(sys.executable), "peer": peer_client.python()}
    with tempfile.TemporaryDirectory(prefix="consumers-") as tmp:
        work = Path(tmp)
        (work / "tests").symlink_to(REPO / "tests")
        env_path = work / "env.json"
        env.write(env_path)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            futures = {
                label: pool.submit(_run_one, python, work, env_path, work / f"{label}.json",
                                   names, ours_path if label == "ours" else None)
                for label, python in interpreters.items()
            }
            return {label: future.result() for label, future in futures.items()}


def _run_one(
    python: Path,
    work: Path,
    env_path: Path,
    out: Path,
    names: tuple[str, ...],
    front: Path | None,
) -> dict[str, Any]:
    code = "from tests.consumers.harness import main; main()"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "PYTHON"))}
    if front is not None:
        environ["PYTHONPATH"] = str(front)
    result = subprocess.run(
        [str(python), "-c", code, str(env_path), str(out), *names],
        cwd=work, env=environ, capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"{python} exited {result.returncode}:\n{result.stdout[-2000:]}\n"
            f"{result.stderr[-4000:]}"
        )
    data: dict[str, Any] = json.loads(out.read_text())
    return data
