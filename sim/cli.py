"""``parcel-sandbox``: run, validate, list and serve scenarios.

Exit codes (docs/architecture.md §7): 0 ok, 2 bad input (one line naming file:line:col and field),
1 internal error. No traceback reaches a user unless ``PARCEL_SANDBOX_DEBUG`` is set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.errors import UsageError
from sim.scenario import ScenarioError, load_scenario, shipped_scenarios, world_error

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def cmd_validate(args: argparse.Namespace) -> int:
    scenario, path = load_scenario(args.scenario)
    out.print(
        f"{path}: ok — scenario [bold]{scenario.name}[/], seed {scenario.seed}, "
        f"{len(scenario.carriers)} carriers, {len(scenario.cases)} pinned cases"
    )
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    table = Table(title="Shipped scenarios")
    table.add_column("name")
    table.add_column("description")
    for name, path in shipped_scenarios().items():
        try:
            sc, _ = load_scenario(path)
            table.add_row(name, sc.description.strip().splitlines()[0] if sc.description else "")
        except ScenarioError as exc:
            table.add_row(name, f"[red]invalid: {exc.problems[0]}[/]")
    out.print(table)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.engine import Engine
    from sim.sinks import JsonlSink
    from sim.summary import summarize

    scenario, path = load_scenario(args.scenario)
    try:
        engine = Engine(scenario, seed=args.seed)
    except ValueError as exc:
        raise world_error(path, exc) from None
    out_dir = Path(args.out or f"runs/{scenario.name}")
    started = time.perf_counter()
    show = sys.stderr.isatty() and not args.quiet
    with (
        JsonlSink(out_dir / "events.jsonl") as events,
        JsonlSink(out_dir / "truth.jsonl") as truths,
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[parcels]} parcels"),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task(f"simulating {scenario.name}", total=1.0, parcels=0)
        for evs, done in engine.run(
            lambda f: progress.update(task, completed=f, parcels=engine.parcels_created)
        ):
            events.write(evs)
            truths.write(done)
    elapsed = time.perf_counter() - started
    summary = {
        "scenario": scenario.name,
        "seed": engine.seed,
        "unroutable_demand": engine.world.unroutable,
        **summarize(out_dir / "events.jsonl", out_dir / "truth.jsonl"),
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    # the scenario travels with its logs, so `parcel-sandbox replay DIR` can serve them as they were
    (out_dir / "scenario.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    print_summary(summary, out_dir, elapsed)
    return 0


def print_summary(s: dict, out_dir: Path, elapsed: float) -> None:
    table = Table(title=f"{s['scenario']} (seed {s['seed']})", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.2f} %"

    rows = [
        ("parcels", f"{s['parcels']:,}"),
        ("tracking numbers", f"{s['tracking_numbers']:,}"),
        ("scan events", f"{s['events']:,}"),
        ("events per simple domestic parcel", str(s["events_per_simple_domestic_parcel"]["mean"])),
        ("on-time rate", pct(s["on_time_rate"])),
        ("first-attempt success", pct(s["first_attempt_rate"])),
        ("lost rate", pct(s["lost_rate"])),
    ]
    rows += [(f"fate: {k}", f"{v:,}") for k, v in s["fates"].items()]
    rows += [(f"delay hours: {k}", f"{v / 60:,.0f}") for k, v in s["delay_minutes_by_cause"].items()]
    rows += [(f"transit hours {k}", str(v)) for k, v in s["transit_hours"].items()]
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(f"wrote {out_dir}/events.jsonl, truth.jsonl, summary.json in {elapsed:.1f} s")


def cmd_serve(args: argparse.Namespace) -> int:
    from mock_carriers.serve import serve

    scenario, _ = load_scenario(args.scenario)
    return serve(scenario, args)


def cmd_replay(args: argparse.Namespace) -> int:
    from mock_carriers.serve import serve
    from sim.replay import RecordedWorld, load_run

    scenario, seed, run = load_run(args.run_dir)
    args.seed = seed
    return serve(scenario, args, world_source=lambda: RecordedWorld(run, scenario))


def cmd_cases(args: argparse.Namespace) -> int:
    from sim.engine import Engine

    scenario, path = load_scenario(args.scenario)
    try:
        engine = Engine(scenario, seed=args.seed)
    except ValueError as exc:
        raise world_error(path, exc) from None
    cases = engine.cases()
    if args.json:
        print(json.dumps(cases, indent=2))
        return 0
    table = Table(title=f"pinned cases in {scenario.name}")
    for col in ("name", "tracking_number", "carrier", "story"):
        table.add_column(col)
    for c in cases:
        table.add_row(c["name"], c["tracking_number"], c["carrier"], c["story"])
    out.print(table)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--clock", choices=("manual", "realtime", "instant"), default="manual")
    p.add_argument("--speed", type=float, default=1.0, help="sandbox seconds per wall second (realtime)")
    p.add_argument("--db", default=None, help="SQLite file keeping delivered parcels queryable")
    p.add_argument(
        "--webhook-allow",
        action="append",
        default=[],
        metavar="HOST",
        help="allow webhook targets on this host (default: loopback only); repeatable",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parcel-sandbox", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="simulate a scenario and write events.jsonl, truth.jsonl, summary.json")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario (e.g. baseline)")
    p.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    p.add_argument("--out", default=None, help="output directory (default runs/<scenario>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check a scenario file")
    p.add_argument("scenario")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("serve", help="serve the mock carrier APIs on a sandbox clock")
    p.add_argument("scenario")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument(
        "--stop-demand",
        action="store_true",
        help="no new parcels after the scenario's duration (as `run`); default: endless",
    )
    add_serve_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("replay", help="serve a recorded run (a `run --out` directory) without re-simulating")
    p.add_argument("run_dir")
    add_serve_options(p)
    p.set_defaults(func=cmd_replay, stop_demand=True)

    p = sub.add_parser("cases", help="list a scenario's pinned QA cases and their tracking numbers")
    p.add_argument("scenario")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser("schema", help="print the scenario file's JSON Schema (for editor completion)")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        for line in exc.problems:  # plain print: rich would wrap a long path over two lines
            print(line, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"parcel-sandbox: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("PARCEL_SANDBOX_DEBUG"):
            raise
        err.print(
            f"parcel-sandbox: internal error: {type(exc).__name__}: {exc} "
            "(set PARCEL_SANDBOX_DEBUG=1 for a traceback)",
            markup=False,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
