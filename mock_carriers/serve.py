"""``parcel-sandbox serve``: the sandbox on uvicorn, bound to loopback unless told otherwise."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import uvicorn
from rich.console import Console

from mock_carriers.app import create_app
from mock_carriers.sandbox import Sandbox, WorldSource
from sim.events import CARRIERS
from sim.scenario import Scenario


def serve(
    scenario: Scenario, args: argparse.Namespace, world_source: Callable[[], WorldSource] | None = None
) -> int:
    sandbox = Sandbox(
        scenario,
        seed=args.seed,
        clock_mode=args.clock,
        speed=args.speed,
        db=args.db,
        endless=not args.stop_demand,
        engine_factory=world_source,
    )
    allow = list(getattr(args, "webhook_allow", None) or ())
    app = create_app(sandbox=sandbox, webhook_allow=allow)
    base = f"http://{args.host}:{args.port}"
    console = Console(stderr=True, highlight=False)
    console.print(
        f"parcel-sandbox serving scenario [bold]{scenario.name}[/] on {base} "
        f"(clock {args.clock}, speed {args.speed:g})"
    )
    for carrier in CARRIERS:
        console.print(f"  {carrier:<7} {base}/{carrier}")
    console.print(f"  control {base}/_sandbox/clock  (docs: {base}/docs)")
    console.print(f"  webhooks {base}/_sandbox/webhooks  (targets: {', '.join(['loopback', *allow])})")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
