"""``parcel-sandbox serve``: the sandbox on uvicorn (``mock_carriers.http.server.server_config``),
bound to loopback unless told otherwise."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

import uvicorn
from rich.console import Console

from mock_carriers.app import create_app
from mock_carriers.carriers import registry
from mock_carriers.http.server import server_config
from mock_carriers.world.clock import ClockError
from mock_carriers.world.sandbox import Sandbox, WorldSource
from sim.errors import UsageError
from sim.scenario import Scenario

TOKEN_ENV = "PARCEL_SANDBOX_CONTROL_TOKEN"
ALLOW_HOST_ENV = "PARCEL_SANDBOX_ALLOW_HOSTS"  # comma-separated, like repeated --allow-host


def control_settings(args: argparse.Namespace) -> tuple[str | None, list[str]]:
    """(control token, allowed Host names) from the flags, else the environment."""
    token = getattr(args, "control_token", None) or os.environ.get(TOKEN_ENV) or None
    hosts = list(getattr(args, "allow_host", None) or ())
    hosts += [h.strip() for h in os.environ.get(ALLOW_HOST_ENV, "").split(",") if h.strip()]
    bound = str(args.host).strip("[]")
    if bound not in ("0.0.0.0", "::", ""):
        hosts.append(bound)  # the name the operator bound is one clients will use
    return token, hosts


def serve(
    scenario: Scenario, args: argparse.Namespace, world_source: Callable[[], WorldSource] | None = None
) -> int:
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
        )
    except ClockError as exc:
        raise UsageError(f"--speed/--clock: {exc}") from None
    token, allow_hosts = control_settings(args)
    webhook_allow = list(getattr(args, "webhook_allow", None) or ())
    app = create_app(
        sandbox=sandbox, webhook_allow=webhook_allow, control_token=token, allow_hosts=allow_hosts
    )
    base = f"http://{args.host}:{args.port}"
    console = Console(stderr=True, highlight=False)
    console.print(
        f"parcel-sandbox serving scenario [bold]{scenario.name}[/] on {base} "
        f"(clock {args.clock}, speed {args.speed:g})"
    )
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
    uvicorn.Server(server_config(app, args.host, args.port)).run()
    return 0
