"""``parcel-sandbox serve``: the sandbox on uvicorn (``mock_carriers.http.server.server_config``),
bound to loopback unless told otherwise.

With ``--store redis://…`` the world is shared through Redis (docs/serving.md): this process
leads the engine whenever it holds the engine lock (``--role all``, the default, or ``engine``),
and serves the APIs in ``--workers N`` processes (``mock_carriers.workers``) or in itself;
``--role api`` serves the same world from another host without ever running the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import uvicorn
from rich.console import Console
from uvicorn.supervisors import Multiprocess

from mock_carriers.app import SandboxApp, create_app
from mock_carriers.carriers import registry
from mock_carriers.http.server import server_config
from mock_carriers.world.clock import ClockError
from mock_carriers.world.sandbox import Sandbox, WorldSource
from sim.errors import UsageError
from sim.scenario import Scenario

TOKEN_ENV = "PARCEL_SANDBOX_CONTROL_TOKEN"
ALLOW_HOST_ENV = "PARCEL_SANDBOX_ALLOW_HOSTS"  # comma-separated, like repeated --allow-host
#: "0" serves the carriers' tracking reads through the plain FastAPI routes (for benchmarks that
#: compare the two; the answers are the same bytes either way).
FAST_LANE_ENV = "PARCEL_SANDBOX_FAST_LANE"
#: ``default`` keeps the interpreter's garbage collector as it is (to compare against
#: ``mock_carriers.world.collector``, which a serving process otherwise settles into).
COLLECTOR_ENV = "PARCEL_SANDBOX_GC"
#: How the parent of ``--workers N`` hands the scenario and flags to its API worker processes.
WORKER_ENV = "PARCEL_SANDBOX_WORKER"
#: Most API worker processes one ``serve`` runs (each holds a replica of the world).
MAX_WORKERS = 64
#: How long an API worker of a shared world waits to catch up with the feed before it serves.
CATCH_UP_S = 600.0


def control_settings(args: argparse.Namespace) -> tuple[str | None, list[str]]:
    """(control token, allowed Host names) from the flags, else the environment."""
    token = getattr(args, "control_token", None) or os.environ.get(TOKEN_ENV) or None
    hosts = list(getattr(args, "allow_host", None) or ())
    hosts += [h.strip() for h in os.environ.get(ALLOW_HOST_ENV, "").split(",") if h.strip()]
    bound = str(args.host).strip("[]")
    if bound not in ("0.0.0.0", "::", ""):
        hosts.append(bound)  # the name the operator bound is one clients will use
    return token, hosts


def check_topology(args: argparse.Namespace) -> tuple[str | None, int, str]:
    """(store, workers, role), or UsageError when they do not go together."""
    store = getattr(args, "store", None)
    workers = int(getattr(args, "workers", 1) or 1)
    role = getattr(args, "role", "all") or "all"
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers {workers}: must be 1 to {MAX_WORKERS}")
    if store is None and (workers > 1 or role != "all"):
        raise UsageError(
            "--workers and --role need a shared world: add --store redis://HOST:PORT/DB "
            "(the embedded sandbox is one process)"
        )
    return store, workers, role


def make_sandbox(
    scenario: Scenario, args: argparse.Namespace, world_source: Callable[[], WorldSource] | None = None
) -> Sandbox:
    try:
        sandbox = Sandbox(
            scenario,
            seed=args.seed,
            clock_mode=args.clock,
            speed=args.speed,
            db=args.db,
            endless=not args.stop_demand,
            engine_factory=world_source,
            deterministic_tokens=bool(getattr(args, "deterministic_tokens", False)),
            runner=getattr(args, "engine", "process"),
            lookahead=timedelta(seconds=float(getattr(args, "lookahead", 86400.0))),
            state_dir=getattr(args, "state_dir", None),
            store=getattr(args, "store", None),
        )
    except ClockError as exc:
        raise UsageError(f"--speed/--clock: {exc}") from None
    serves_here = getattr(args, "role", "all") != "engine" and int(getattr(args, "workers", 1) or 1) == 1
    if sandbox.shared is not None and serves_here:
        # Serve once the replica shows what Redis holds (a restarted worker never goes back in time).
        sandbox.catch_up(CATCH_UP_S)
    return sandbox


def make_app(sandbox: Sandbox, args: argparse.Namespace) -> SandboxApp:
    token, allow_hosts = control_settings(args)
    return create_app(
        sandbox=sandbox,
        webhook_allow=list(getattr(args, "webhook_allow", None) or ()),
        control_token=token,
        allow_hosts=allow_hosts,
        fast_lane=os.environ.get(FAST_LANE_ENV, "1").strip() != "0",
        settle_collector=os.environ.get(COLLECTOR_ENV, "serve").strip() != "default",
    )


def serve(
    scenario: Scenario, args: argparse.Namespace, world_source: Callable[[], WorldSource] | None = None
) -> int:
    store, workers, role = check_topology(args)
    sandbox = make_sandbox(scenario, args, world_source)
    if store is None:  # the engine runs its look-ahead while the app is built and the server starts
        sandbox.start()
    publisher = sandbox.engine_publisher() if store is not None and role != "api" else None
    if publisher is not None:
        publisher.start()
    try:
        if role == "engine":
            _announce_engine(scenario, store)
            _wait_for_signal()
        elif workers > 1:
            _serve_workers(scenario, args, workers)
        else:
            app = make_app(sandbox, args)
            _announce(scenario, args, sandbox, store, workers, role)
            uvicorn.Server(server_config(app, args.host, args.port)).run()
    finally:
        if publisher is not None:
            publisher.stop()
        sandbox.close()
    return 0


def _serve_workers(scenario: Scenario, args: argparse.Namespace, workers: int) -> None:
    """N API worker processes on one listening socket (uvicorn's supervisor restarts one that
    dies); each builds its own sandbox on the shared world (``mock_carriers.workers``)."""
    flags = {k: v for k, v in vars(args).items() if k != "func" and _jsonable(v)}
    flags.update(role="api", workers=1)
    os.environ[WORKER_ENV] = json.dumps({"scenario": scenario.model_dump(mode="json"), "args": flags})
    config = server_config(
        "mock_carriers.workers:worker_app", args.host, args.port, factory=True, workers=workers
    )
    console = Console(stderr=True, highlight=False)
    console.print(
        f"parcel-sandbox serving scenario [bold]{scenario.name}[/] on http://{args.host}:{args.port} "
        f"with {workers} API workers on {args.store} (this process leads the engine when it holds the lock)"
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except TypeError:
        return False
    return True


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass


def _announce_engine(scenario: Scenario, store: str | None) -> None:
    Console(stderr=True, highlight=False).print(
        f"parcel-sandbox engine for scenario [bold]{scenario.name}[/] on {store} "
        "(leads whenever it holds the engine lock; no HTTP)"
    )


def _announce(
    scenario: Scenario, args: argparse.Namespace, sandbox: Sandbox, store: str | None, workers: int, role: str
) -> None:
    token, _ = control_settings(args)
    webhook_allow = list(getattr(args, "webhook_allow", None) or ())
    base = f"http://{args.host}:{args.port}"
    console = Console(stderr=True, highlight=False)
    console.print(
        f"parcel-sandbox serving scenario [bold]{scenario.name}[/] on {base} "
        f"(clock {args.clock}, speed {args.speed:g})"
    )
    if store is not None:
        lead = "never runs the engine" if role == "api" else "leads the engine when it holds the lock"
        console.print(f"  shared world on {store}: this process {lead}")
    for carrier in registry.KEYS:
        console.print(f"  {carrier:<7} {base}/{carrier}")
    console.print(f"  control {base}/_sandbox/clock  (docs: {base}/docs)")
    guard = "token required" if token else "no token: anyone who can reach the port may drive it"
    console.print(f"  control plane: {guard}")
    console.print(
        f"  webhooks {base}/_sandbox/webhooks  (targets: {', '.join(['loopback', *webhook_allow])})"
    )
    if sandbox.tokens.deterministic:
        console.print("  [yellow]carrier tokens are derived from the seed (--deterministic-tokens)[/]")
