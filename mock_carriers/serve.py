"""``parcel-sandbox serve``: the sandbox on uvicorn, bound to loopback unless told otherwise."""

from __future__ import annotations

import argparse

import uvicorn
from rich.console import Console

from mock_carriers.app import create_app
from sim.events import CARRIERS
from sim.scenario import Scenario


def serve(scenario: Scenario, args: argparse.Namespace) -> int:
    app = create_app(scenario, seed=args.seed, clock=args.clock, speed=args.speed, db=args.db)
    base = f"http://{args.host}:{args.port}"
    console = Console(stderr=True, highlight=False)
    console.print(
        f"parcel-sandbox serving scenario [bold]{scenario.name}[/] on {base} "
        f"(clock {args.clock}, speed {args.speed:g})"
    )
    for carrier in CARRIERS:
        console.print(f"  {carrier:<7} {base}/{carrier}")
    console.print(f"  control {base}/_sandbox/clock  (docs: {base}/docs)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
