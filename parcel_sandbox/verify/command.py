"""``parcel-sandbox verify``: its options and what it does with them. Exit 0 when every threshold
is met, 1 when one is not (a CI gate), 2 for a mistake in the options or a sandbox out of reach."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import httpx
from rich.console import Console

from parcel_sandbox.args import CONTROL_TOKEN_ENV
from parcel_sandbox.client import SandboxError
from parcel_sandbox.verify import jsonpath
from parcel_sandbox.verify.settings import CANONICAL, Thresholds, VerifySettings
from sim.errors import UsageError
from sim.fields import parse_duration


def _duration(flag: str, text: str, minimum: float = 0.0) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"{flag} {text[:40]!r}: {exc}") from None
    if seconds < minimum:
        raise UsageError(f"{flag} {text[:40]!r}: must be at least {minimum:g} s")
    return seconds


def _share(flag: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{flag} {value:g}: a share from 0 to 1")
    return value


def _mapping(pairs: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pair in pairs:
        word, sep, canonical = pair.partition("=")
        if not sep or not word:
            raise UsageError(f"--map {pair[:60]!r}: expected WORD=CANONICAL (or WORD= for 'no status yet')")
        if canonical and canonical not in CANONICAL:
            raise UsageError(f"--map {pair[:60]!r}: {canonical!r} is not one of {', '.join(CANONICAL)}")
        out[word] = canonical or None
    return out


def add_verify_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("verify", help="score a tracking system against the sandbox's truth (docs/verify.md)")
    p.add_argument("--sandbox", required=True, help="the served sandbox, e.g. http://127.0.0.1:8000")
    p.add_argument(
        "--tracker",
        default=None,
        help="the tracker's URL template with {carrier} and {tracking_number}",
    )
    p.add_argument("--adapter", default=None, help="module:function reading the tracker instead")
    p.add_argument("--register", default=None, help="URL template POSTed {carrier, tracking_number} first")
    p.add_argument("--token", default=None, help=f"the control token (default ${CONTROL_TOKEN_ENV})")
    p.add_argument("--status-path", default="$.status", help="JSON path of the status word ($.status)")
    p.add_argument("--eta-path", default="$.eta", help="JSON path of the ETA date ($.eta; '' for none)")
    p.add_argument("--events-path", default="$.events", help="JSON path of the event list ('' for none)")
    p.add_argument("--map", action="append", default=[], metavar="WORD=CANONICAL", help="map a status word")
    p.add_argument("--step", default="6h", help="sandbox time per clock move (6h)")
    p.add_argument("--grace", default="1s", help="wall time the tracker gets after each move (1s)")
    p.add_argument("--duration", default="10d", help="sandbox time to drive for (10d)")
    p.add_argument("--per-carrier", type=int, default=15, help="parcels sampled per carrier (15)")
    p.add_argument("--exceptions", type=int, default=40, help="parcels sampled for a carrier exception (40)")
    p.add_argument("--carriers", default=None, help="only these carriers, comma-separated")
    p.add_argument("--lost-after", default="3d", help="silence after which a tracker should say lost (3d)")
    p.add_argument("--reset", action="store_true", help="start the sandbox's world over first")
    p.add_argument("--min-accuracy", type=float, default=0.90, help="fail below this status accuracy")
    p.add_argument("--max-lag", default="24h", help="fail when the p90 update lag is longer (24h)")
    p.add_argument("--min-caught", type=float, default=0.80, help="fail below this share per exception kind")
    p.add_argument("--max-eta-error", type=float, default=None, help="fail above this mean ETA error (days)")
    p.add_argument("--json", default=None, metavar="FILE", help="write the result as JSON")
    p.add_argument("--html", default=None, metavar="FILE", help="write a self-contained HTML report")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_verify)


def settings_from(args: argparse.Namespace) -> VerifySettings:
    if bool(args.tracker) == bool(args.adapter):
        raise UsageError("give --tracker URL_TEMPLATE or --adapter module:function (one of them)")
    for flag, path in (
        ("--status-path", args.status_path),
        ("--eta-path", args.eta_path),
        ("--events-path", args.events_path),
    ):
        if path:
            try:
                jsonpath.compile_path(path)
            except jsonpath.PathError as exc:
                raise UsageError(f"{flag}: {exc}") from None
    if args.tracker and not all(k in args.tracker for k in ("{carrier}", "{tracking_number}")):
        raise UsageError(
            f"--tracker {args.tracker[:80]!r}: the template needs {{carrier}} and {{tracking_number}}"
        )
    for flag, n in (("--per-carrier", args.per_carrier), ("--exceptions", args.exceptions)):
        if not 0 <= n <= 10_000:
            raise UsageError(f"{flag} {n}: from 0 to 10,000")
    return VerifySettings(
        sandbox=args.sandbox,
        tracker=args.tracker or "",
        token=args.token or os.environ.get(CONTROL_TOKEN_ENV) or None,
        status_path=args.status_path,
        eta_path=args.eta_path or None,
        events_path=args.events_path or None,
        adapter=args.adapter,
        register=args.register,
        status_map=_mapping(args.map),
        step_s=_duration("--step", args.step, 60.0),
        grace_s=_duration("--grace", args.grace),
        duration_s=_duration("--duration", args.duration, 60.0),
        per_carrier=args.per_carrier,
        exceptions=args.exceptions,
        carriers=tuple(c.strip() for c in args.carriers.split(",") if c.strip()) if args.carriers else None,
        lost_after_s=_duration("--lost-after", args.lost_after),
        reset=args.reset,
        thresholds=Thresholds(
            min_accuracy=_share("--min-accuracy", args.min_accuracy),
            max_lag_p90_hours=_duration("--max-lag", args.max_lag) / 3600.0,
            min_caught=_share("--min-caught", args.min_caught),
            max_eta_error_days=args.max_eta_error,
        ),
    )


def cmd_verify(args: argparse.Namespace) -> int:
    from parcel_sandbox.verify.report import print_table, write_html, write_json
    from parcel_sandbox.verify.run import verify

    settings = settings_from(args)
    console = Console(stderr=True, highlight=False)
    progress = None if args.quiet else (lambda msg: console.print(f"  {msg}", style="dim"))
    try:
        result = verify(settings, progress)
    except ValueError as exc:  # an adapter that cannot be loaded
        raise UsageError(str(exc)) from None
    except SandboxError as exc:
        raise UsageError(f"the sandbox refused: {exc}") from None
    except httpx.HTTPError as exc:
        raise UsageError(
            f"--sandbox {settings.sandbox}: cannot reach it ({type(exc).__name__}: {exc})"
        ) from None
    print_table(result, Console(file=sys.stdout, highlight=False))
    if args.json:
        write_json(result, Path(args.json))
    if args.html:
        write_html(result, Path(args.html))
    return 0 if result["passed"] else 1
