"""``parcel-sandbox``: run, validate, list and serve scenarios.

Exit codes: 0 ok; 2 a user mistake — a bad scenario (one line per problem, naming
file:line:col and field), a bad argument, an unusable ``--out``, a corrupt run directory, a port
in use — always one line each and never a traceback; 1 only for a bug in parcel-sandbox itself
(set ``PARCEL_SANDBOX_DEBUG=1`` for its traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from parcel_sandbox.args import CONTROL_TOKEN_ENV, Parser, add_serve_options, seed_arg
from parcel_sandbox.report import REPORT_FILE
from parcel_sandbox.report.summary_rows import summary_rows
from parcel_sandbox.schema import load_scenario, scenario_schema
from sim.errors import UsageError, one_line
from sim.scenario import ScenarioError, read_text, shipped_scenarios, world_error

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
    from sim.collector import fewer_collections
    from sim.engine import Engine
    from sim.sinks import JsonlSink
    from sim.summary import summarize

    scenario, path = load_scenario(args.scenario)
    try:
        engine = Engine(scenario, seed=args.seed)
    except ValueError as exc:
        raise world_error(path, exc) from None
    out_dir = prepare_out(Path(args.out or f"runs/{scenario.name}"))
    # an earlier run's report describes logs this run replaces; it goes with them
    with write_errors_are_usage(out_dir):
        (out_dir / REPORT_FILE).unlink(missing_ok=True)
    started = time.perf_counter()
    show = sys.stderr.isatty() and not args.quiet
    with (
        write_errors_are_usage(out_dir),
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
        # no collections around the writing as well as the world's steps: at the default threshold
        # the loop between steps pays a fifth of a big run in collections (sim.collector)
        fewer_collections(batch=True),
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
    with write_errors_are_usage(out_dir):
        (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        # the scenario travels with its logs, so `parcel-sandbox replay DIR` can serve them as they were
        (out_dir / "scenario.yaml").write_text(read_text(path), encoding="utf-8")
    print_summary(summary, out_dir, elapsed)
    if args.report:
        from parcel_sandbox.report.run_report import write_report

        out.print(f"report: {write_report(out_dir)}", soft_wrap=True)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from parcel_sandbox.report.run_report import write_report

    out.print(f"report: {write_report(args.run_dir, args.out)}", soft_wrap=True)
    return 0


def prepare_out(out_dir: Path) -> Path:
    """The ``--out`` directory, created if need be: new, empty, or an earlier run's (whose files
    are replaced) — never a folder holding anything else, so a run cannot overwrite a user's files."""
    from sim.replay import RUN_FILES

    ours = (*RUN_FILES, REPORT_FILE)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: exists and is not a directory")
    if out_dir.is_dir():
        try:
            foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in ours)
        except OSError as exc:
            raise UsageError(f"--out {out_dir}: cannot list it: {exc.strerror or exc}") from None
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            raise UsageError(
                f"--out {out_dir}: holds {foreign[0]!r}{more}, not a run's files; "
                "choose a new or empty directory (a run replaces only its own files)"
            )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out_dir}: cannot create it: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out_dir}: not writable")
    return out_dir


@contextlib.contextmanager
def write_errors_are_usage(out_dir: Path) -> Iterator[None]:
    """A failure to write the run's files (a full disk, a read-only filesystem) is a one-line
    UsageError naming the file, not an internal error."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or out_dir
        raise UsageError(f"--out {out_dir}: cannot write {where}: {exc.strerror or exc}") from None


def print_summary(s: dict, out_dir: Path, elapsed: float) -> None:
    table = Table(title=f"{s['scenario']} (seed {s['seed']})", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for row in summary_rows(s):
        table.add_row(*row)
    out.print(table)
    out.print(f"wrote {out_dir}/events.jsonl, truth.jsonl, summary.json in {elapsed:.1f} s")


def cmd_serve(args: argparse.Namespace) -> int:
    from mock_carriers.serve import serve
    from sim.engine import Engine

    scenario, path = load_scenario(args.scenario)
    try:
        # a world that cannot be built (a service that reaches nowhere, a case off its route) is
        # refused here, located, before anything listens — not later in the engine worker
        Engine(scenario, seed=getattr(args, "seed", None))
    except ValueError as exc:
        raise world_error(path, exc) from None
    serve_checks(args)
    return serve(scenario, args)


def cmd_replay(args: argparse.Namespace) -> int:
    from mock_carriers.serve import serve
    from sim.replay import RecordedWorld, load_run

    scenario, seed, run = load_run(args.run_dir)
    # Reading the logs checks them: a corrupt run directory fails here, before anything listens.
    RecordedWorld(run, scenario).close()
    serve_checks(args)
    args.seed = seed
    # A picklable factory: the engine worker (its own process by default) opens the run itself.
    return serve(scenario, args, world_source=functools.partial(RecordedWorld, run, scenario))


def serve_checks(args: argparse.Namespace) -> None:
    """What ``serve`` and ``replay`` check before starting: the control token, and that the
    address is free (uvicorn would otherwise start, fail to bind and exit with a traceback)."""
    args.control_token = control_token(args.control_token)
    if getattr(args, "role", "all") != "engine":  # an engine-only process listens on nothing
        check_port_free(args.host, args.port)


def control_token(given: str | None) -> str | None:
    """``--control-token``, else ``$PARCEL_SANDBOX_CONTROL_TOKEN``, else none (an empty variable is none)."""
    source, token = "--control-token", given
    if token is None:
        source, token = f"${CONTROL_TOKEN_ENV}", os.environ.get(CONTROL_TOKEN_ENV) or None
        if token is None:
            return None
    if not token or len(token) > 1024 or not all("!" <= c <= "~" for c in token):
        raise UsageError(f"{source}: a token is 1 to 1,024 visible ASCII characters, no spaces")
    return token


def check_port_free(host: str, port: int) -> None:
    """Bind and release the address as uvicorn will (SO_REUSEADDR), so a port in use or a host
    that is not ours is one clear line before the server starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host}: not an address of this machine ({exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"--port {port}: already in use on {host}; choose another port") from None
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


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
    print(json.dumps(scenario_schema(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from parcel_sandbox.verify.command import add_verify_parser

    parser = Parser(prog="parcel-sandbox", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    p = sub.add_parser("run", help="simulate a scenario and write events.jsonl, truth.jsonl, summary.json")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario (e.g. baseline)")
    p.add_argument("--seed", type=seed_arg, default=None, help="override the scenario's seed")
    p.add_argument("--out", default=None, help="output directory (default runs/<scenario>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--report",
        action="store_true",
        help="also write report.html: the run's plots, self-contained (offline)",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "report", help="write report.html for a run directory: plots and summary, one self-contained file"
    )
    p.add_argument("run_dir", help="a `run --out` directory (events.jsonl, truth.jsonl, summary.json)")
    p.add_argument("--out", default=None, help="where to write it (default RUN_DIR/report.html)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("validate", help="check a scenario file")
    p.add_argument("scenario")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("serve", help="serve the mock carrier APIs on a sandbox clock")
    p.add_argument("scenario")
    p.add_argument("--seed", type=seed_arg, default=None)
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
    p.add_argument("--seed", type=seed_arg, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser("schema", help="print the scenario file's JSON Schema (for editor completion)")
    p.set_defaults(func=cmd_schema)

    add_verify_parser(sub)
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
        print(f"parcel-sandbox: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `parcel-sandbox scenarios | head`: the reader left, nothing is wrong
        # Python flushes stdout once more at exit; pointed at /dev/null that flush cannot fail again
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("PARCEL_SANDBOX_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[:1]
        print(
            f"parcel-sandbox: internal error (a bug, please report it): {type(exc).__name__}: "
            f"{one_line(first[0]) if first else ''} (set PARCEL_SANDBOX_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
