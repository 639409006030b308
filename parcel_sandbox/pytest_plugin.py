"""pytest plugin (entry point ``pytest11``): a ``sandbox`` fixture that serves a scenario and hands
the test a ``parcel_sandbox.client.Sandbox`` on it.

    @pytest.mark.sandbox(scenario="misdelivery", seed=7, mode="replay")
    def test_wrong_door(sandbox):
        sandbox.clock.advance("4d")
        ...

Each (scenario, seed, mode) is served once per test session by a ``parcel-sandbox serve`` (or
``replay``) subprocess — or, with ``process="thread"``, by the same app in a thread of the test
process — on a free loopback port, with a fresh control token; every test starts
with the world reset (clock at the start, no parcels, no tokens), so tests do not see each other's
clock moves and no server restarts between them. ``mode="replay"`` first records the scenario with
``parcel-sandbox run`` (once per session) and serves the recording. Every server the session's
tests ask for is started when the first of them needs one, together in the background (a replay's
recording overlaps a live world's start). The servers stop when the session ends.
docs/pytest-plugin.md has the details and the timing.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from parcel_sandbox.client import Sandbox

MODES = ("serve", "replay")
#: Seconds a server may take to answer its first health check.
START_TIMEOUT_S = 120.0
#: Servers (and replays' recordings) started at the same time at the start of a session.
STARTS_AT_ONCE = 2


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("parcel-sandbox")
    group.addoption(
        "--sandbox-mode",
        choices=MODES,
        default=None,
        help="serve every `sandbox` fixture this way, whatever its marker says (run a QA file "
        "against a replay as well as a live world)",
    )
    parser.addini("sandbox_scenario", "scenario for `sandbox` fixtures without a marker", default="baseline")
    parser.addini("sandbox_mode", "serve or replay, for `sandbox` fixtures without a marker", default="serve")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sandbox(scenario='baseline', seed=None, mode='serve', endless=False, process='subprocess'): "
        "the world the `sandbox` fixture serves (a shipped scenario's name or a file, relative to "
        "the test file); mode serve|replay; endless: demand goes on past the scenario's duration "
        "(serve only); process subprocess|thread",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``mode=["serve", "replay"]`` on the marker runs the test once against each."""
    marker = metafunc.definition.get_closest_marker("sandbox")
    modes = marker.kwargs.get("mode") if marker else None
    if "sandbox" in metafunc.fixturenames and isinstance(modes, list | tuple):
        metafunc.parametrize("sandbox", list(modes), indirect=True, ids=[str(m) for m in modes])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SandboxServer:
    """One ``parcel-sandbox serve|replay`` subprocess on 127.0.0.1 with its own control token."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "PARCEL_SANDBOX_CONTROL_TOKEN": self.token}
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "parcel_sandbox.cli", *command, "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        headers = {"X-Sandbox-Token": self.token}
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the sandbox exited ({self.proc.returncode}):\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/_sandbox/health", headers=headers, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not answer in {START_TIMEOUT_S:g} s:\n{self.output()}")
            time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


class ThreadServer:
    """The same sandbox in this process: uvicorn on 127.0.0.1 in a daemon thread (no interpreter
    to start; the world shares this process's CPU with the tests)."""

    def __init__(self, scenario: str, seed: int | None, mode: str, endless: bool, run: Path | None) -> None:
        import threading

        import uvicorn

        from mock_carriers.app import create_app
        from mock_carriers.http.server import server_config
        from mock_carriers.world.sandbox import Sandbox as World
        from sim.replay import RecordedWorld, load_run
        from sim.scenario import load_scenario

        if mode == "replay":
            assert run is not None
            recorded, seed, run_dir = load_run(run)
            world = World(
                recorded, seed=seed, endless=False, engine_factory=lambda: RecordedWorld(run_dir, recorded)
            )
        else:
            world = World(load_scenario(scenario)[0], seed=seed, endless=endless)
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(sandbox=world, control_token=self.token)
        self.server = uvicorn.Server(server_config(app, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, name="parcel-sandbox", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the in-process sandbox did not start on {self.url}")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


Key = tuple[str, int | None, str, bool, str]


class SandboxPool:
    """The session's servers, one per (scenario, seed, mode, endless, process). ``prepare`` starts
    every server the session's tests will ask for at once, in the background (a replay's recording
    and a live world's start overlap); ``get`` waits for the one a test needs."""

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self.tmp = tmp
        self.servers: dict[Key, SandboxServer | ThreadServer] = {}
        self._starting: dict[Key, Future[SandboxServer | ThreadServer]] = {}
        self._starter = ThreadPoolExecutor(max_workers=STARTS_AT_ONCE, thread_name_prefix="sandbox-start")

    def prepare(self, keys: Iterable[Key]) -> None:
        for key in keys:
            if key not in self.servers and key not in self._starting:
                self._starting[key] = self._starter.submit(self._start, *key)

    def get(
        self, scenario: str, seed: int | None, mode: str, endless: bool = False, process: str = "subprocess"
    ) -> SandboxServer | ThreadServer:
        key = (scenario, seed, mode, endless, process)
        if key not in self.servers:
            self.prepare([key])
            try:
                self.servers[key] = self._starting[key].result()
            finally:
                del self._starting[key]
        return self.servers[key]

    def _start(
        self, scenario: str, seed: int | None, mode: str, endless: bool, process: str
    ) -> SandboxServer | ThreadServer:
        seeded = ["--seed", str(seed)] if seed is not None else []
        root = self.tmp.mktemp("sandbox")
        run = root / "run" if mode == "replay" else None
        if run is not None:
            record = ["run", scenario, "--out", str(run), "--quiet", *seeded]
            done = subprocess.run(
                [sys.executable, "-m", "parcel_sandbox.cli", *record],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"recording {scenario} failed:\n{done.stderr[-4000:]}")
            command = ["replay", str(run)]
        else:
            # Demand stops at the scenario's duration, as in a recording, unless endless.
            command = ["serve", scenario, *seeded, *([] if endless else ["--stop-demand"])]
        if process == "thread":
            return ThreadServer(scenario, seed, mode, endless, run)
        # The world in a thread of the server: every test's reset starts a new world, and a
        # worker process would cost an interpreter start each time.
        return SandboxServer([*command, "--engine", "thread"], root / "server.log")

    def close(self) -> None:
        for key, starting in list(self._starting.items()):
            try:
                self.servers[key] = starting.result()
            except Exception:  # it failed to start: nothing to stop
                pass
        self._starting.clear()
        self._starter.shutdown(wait=True)
        for server in self.servers.values():
            server.stop()
        self.servers.clear()


@pytest.fixture(scope="session")
def sandbox_pool(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxPool]:
    pool = SandboxPool(tmp_path_factory)
    try:
        pool.prepare(_session_keys(request.session))
        yield pool
    finally:
        pool.close()


def _session_keys(session: pytest.Session) -> list[Key]:
    """The servers the session's tests will ask for, in the order they first do."""
    keys: list[Key] = []
    for item in session.items:
        if "sandbox" not in getattr(item, "fixturenames", ()):
            continue
        callspec = getattr(item, "callspec", None)
        param = callspec.params.get("sandbox") if callspec is not None else None
        try:
            key = settings_of(item, param)
        except pytest.UsageError:
            continue  # the test itself reports it
        if key not in keys:
            keys.append(key)
    return keys


def _scenario(name: str, test_file: Path) -> str:
    """A shipped scenario's name as it is; a file path relative to the test file made absolute."""
    if name.endswith((".yaml", ".yml")) or os.sep in name or "/" in name:
        path = Path(name)
        if not path.is_absolute():
            path = (test_file.parent / path).resolve()
        return str(path)
    return name


def sandbox_settings(request: pytest.FixtureRequest) -> Key:
    """(scenario, seed, mode, endless, process) for this test: the marker, then an indirect
    parameter (a mode), then ``--sandbox-mode``, then the ini defaults."""
    return settings_of(request.node, getattr(request, "param", None))


def settings_of(node: pytest.Item, param: object) -> Key:
    marker = node.get_closest_marker("sandbox")
    config = node.config
    opts: dict[str, Any] = dict(marker.kwargs) if marker else {}
    if marker and marker.args:
        opts.setdefault("scenario", marker.args[0])
    unknown = set(opts) - {"scenario", "seed", "mode", "endless", "process"}
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.sandbox: unknown argument(s) {', '.join(sorted(unknown))}")
    scenario = str(opts.get("scenario") or config.getini("sandbox_scenario"))
    mode = opts.get("mode") or config.getini("sandbox_mode")
    mode = mode if isinstance(mode, str) else ""  # a list of modes parametrizes (param below)
    if param is not None:
        mode = str(param)
    mode = config.getoption("--sandbox-mode") or mode
    if mode not in MODES:
        raise pytest.UsageError(f"@pytest.mark.sandbox: mode must be serve or replay, not {mode!r}")
    seed = opts.get("seed")
    if seed is not None and (type(seed) is not int or seed < 0):
        raise pytest.UsageError(f"@pytest.mark.sandbox: seed must be a non-negative integer, not {seed!r}")
    endless = opts.get("endless", False)
    if not isinstance(endless, bool) or (endless and mode == "replay"):
        raise pytest.UsageError("@pytest.mark.sandbox: endless is true or false, and a replay always ends")
    process = opts.get("process", "subprocess")
    if process not in ("subprocess", "thread"):
        raise pytest.UsageError(f"@pytest.mark.sandbox: process is subprocess or thread, not {process!r}")
    return _scenario(scenario, Path(str(node.fspath))), seed, mode, endless, process


@pytest.fixture
def sandbox(request: pytest.FixtureRequest, sandbox_pool: SandboxPool) -> Iterator[Sandbox]:
    """A client on a served sandbox for the test's scenario, its world reset before the test."""
    from parcel_sandbox.client import Sandbox

    scenario, seed, mode, endless, process = sandbox_settings(request)
    server = sandbox_pool.get(scenario, seed, mode, endless, process)
    client = Sandbox(server.url, token=server.token)
    try:
        client.reset()
        yield client
    finally:
        client.close()
