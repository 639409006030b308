"""``make loadtest``: a short headless locust run against a freshly served sandbox, on loopback.

Serves a scenario (``parcel-sandbox serve baseline`` on a free port of 127.0.0.1), moves its clock
two days so that parcels exist, lets it run at an hour per second so that statuses change under the
users, runs shoppers and aggregators for ~20 s with pass/fail thresholds, prints locust's summary,
requests per carrier and where the reports are, stops the server and exits with locust's exit code.

    python -m loadtests.smoke [--seconds 20] [--users 12] [--out runs/loadtest] [--scenario baseline]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from loadtests.serving import ROOT, locust_command, read_stats, requests_by_carrier, served_sandbox

# Loose on purpose: a smoke run on a laptop or a busy CI box must not fail on latency noise.
THRESHOLDS = ("--max-fail-ratio", "0", "--max-p95-ms", "1000", "--max-p99-ms", "3000")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loadtests.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline", help="shipped scenario name or file")
    parser.add_argument("--seconds", type=int, default=20, help="locust run time")
    parser.add_argument("--users", type=int, default=12, help="simulated users (3 shoppers : 1 aggregator)")
    parser.add_argument("--speed", type=float, default=3600.0, help="sandbox clock speed during the run")
    parser.add_argument("--out", type=Path, default=Path("runs/loadtest"), help="results directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.seconds <= 0 or args.users <= 0 or args.speed <= 0:
        print("loadtests.smoke: --seconds, --users and --speed must be positive", file=sys.stderr)
        return 2
    out = args.out if args.out.is_absolute() else ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    print(f"serving {args.scenario} on 127.0.0.1 (clock +2d, then {args.speed:g}x) …", flush=True)
    try:
        with served_sandbox(args.scenario, realtime_speed=args.speed, log=out / "sandbox.log") as served:
            cmd = locust_command(
                served.base,
                users=args.users,
                spawn_rate=args.users,
                run_time=f"{args.seconds}s",
                results=out,
                extra=THRESHOLDS,
            )
            print(" ".join(cmd), flush=True)
            code = subprocess.run(cmd, cwd=ROOT, timeout=args.seconds + 120).returncode
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"loadtests.smoke: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        per_carrier = requests_by_carrier(read_stats(out))
    except (OSError, KeyError, ValueError):
        per_carrier = {}
    if per_carrier:
        print("requests by API: " + ", ".join(f"{k} {v:,}" for k, v in sorted(per_carrier.items())))
    print(f"report: {_shown(out / 'report.html')}   CSV: {_shown(out)}/stats_*.csv")
    print(f"locust exit code {code} ({'pass' if code == 0 else 'FAIL'})")
    return code


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
