"""The ``parcel-sandbox`` command's argument types (one line per mistake, exit 2) and the options
``serve`` and ``replay`` share."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any, NoReturn

from sim.scenario import MAX_SEED

#: Fastest realtime clock: sandbox seconds per wall second (a year's horizon in about 3 s).
MAX_SPEED = 10_000_000.0
#: Environment variable holding the control-plane token when ``--control-token`` is not given.
CONTROL_TOKEN_ENV = "PARCEL_SANDBOX_CONTROL_TOKEN"


def _number_arg(kind: str, convert: Callable[[str], Any], check: Callable[[Any], bool], rule: str) -> Any:
    def parse(text: str) -> Any:
        try:
            value = convert(text) if len(text) <= 40 else None
        except (ValueError, OverflowError):
            value = None
        if value is None or not check(value):
            raise argparse.ArgumentTypeError(f"{text[:40]!r}{'…' if len(text) > 40 else ''}: {kind} {rule}")
        return value

    parse.__name__ = kind  # argparse names the type in its own messages
    return parse


seed_arg = _number_arg("seed", int, lambda v: 0 <= v <= MAX_SEED, f"must be an integer from 0 to {MAX_SEED}")
port_arg = _number_arg("port", int, lambda v: 1 <= v <= 65535, "must be an integer from 1 to 65535")
speed_arg = _number_arg(
    "speed",
    float,
    lambda v: math.isfinite(v) and 0 < v <= MAX_SPEED,
    f"must be a number above 0 and at most {MAX_SPEED:,.0f} (sandbox seconds per wall second)",
)


workers_arg = _number_arg("workers", int, lambda v: 1 <= v <= 64, "must be an integer from 1 to 64")
lookahead_arg = _number_arg(
    "lookahead", float, lambda v: math.isfinite(v) and 0 <= v <= 7 * 86400, "must be 0 to 604800 seconds"
)


def add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")
    p.add_argument("--port", type=port_arg, default=8000, help="1-65535 (default 8000); must be free")
    p.add_argument("--clock", choices=("manual", "realtime", "instant"), default="manual")
    p.add_argument(
        "--speed",
        type=speed_arg,
        default=1.0,
        help=f"sandbox seconds per wall second (realtime), above 0 and at most {MAX_SPEED:,.0f}",
    )
    p.add_argument(
        "--db",
        default=None,
        help="SQLite file that makes the world durable: killed and restarted with the same file, the "
        "sandbox resumes its clock, parcels and webhook outbox",
    )
    p.add_argument(
        "--state-dir",
        default=None,
        metavar="DIR",
        help="where finished parcels wait on disk for their carrier's retention without --db "
        "(default: a new folder under the temp dir, removed on exit)",
    )
    p.add_argument(
        "--engine",
        choices=("process", "thread"),
        default="process",
        help="run the simulation in its own process (default) or a thread of the server",
    )
    p.add_argument(
        "--lookahead",
        type=lookahead_arg,
        default=86400.0,
        metavar="SECONDS",
        help="how far (sandbox seconds) the engine may run ahead of the clock; 0-604800 (default a day)",
    )
    p.add_argument(
        "--store",
        default=None,
        metavar="redis://HOST:PORT/DB",
        help="share the world through this Redis: several API workers (--workers) and hosts "
        "(--role api) serve one world, durable across restarts (docs/serving.md)",
    )
    p.add_argument(
        "--workers",
        type=workers_arg,
        default=1,
        help="API worker processes on the port (with --store; default 1)",
    )
    p.add_argument(
        "--role",
        choices=("all", "api", "engine"),
        default="all",
        help="with --store: all (default: serve, and lead the engine when no one else does), api "
        "(serve only, e.g. a second host), engine (lead the engine only, no HTTP)",
    )
    p.add_argument(
        "--webhook-allow",
        action="append",
        default=[],
        metavar="HOST",
        help="allow webhook targets on this host (default: loopback only); repeatable",
    )
    p.add_argument(
        "--control-token",
        default=None,
        metavar="TOKEN",
        help=f"require this token on /_sandbox (default: ${CONTROL_TOKEN_ENV}, else none)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also accept this Host name on /_sandbox (default: loopback names and --host); repeatable",
    )
    p.add_argument(
        "--deterministic-tokens",
        action="store_true",
        help="derive carrier access tokens from the seed, for tests that compare runs "
        "(default: from a secret made anew by each process)",
    )


class Parser(argparse.ArgumentParser):
    """argparse with its usage mistakes on one line (exit 2), like every other user mistake."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")
