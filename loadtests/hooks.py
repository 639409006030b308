"""What every locustfile here shares: the custom command-line options, the tracking-number pool
fetched from the sandbox when a test starts, and the pass/fail thresholds that become locust's exit
code.

Imported by each locustfile and shape file; Python imports it once per process, so the listeners
and options are registered once however many of our files are passed to ``-f``.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from loadtests import sandbox
from loadtests.policy import CARRIERS, Thresholds, option_problems, resolve_time_scale
from loadtests.sandbox import ParcelPool

log = logging.getLogger("loadtests")


@events.init_command_line_parser.add_listener
def _add_options(parser: Any) -> None:
    # Users
    parser.add_argument(
        "--tracker-url-template",
        default="",
        help="Shoppers open this page instead of the sandbox's, e.g. "
        "'http://127.0.0.1:9000/track/{tracking_number}' (your tracking system under test)",
    )
    parser.add_argument(
        "--truth-tolerance",
        type=float,
        default=7200.0,
        help="With --tracker-url-template: an answer that differs from what the carrier has shown "
        "for longer than this many sandbox seconds is a failure (stale); default 7200",
    )
    parser.add_argument(
        "--status-map",
        default="",
        help="With --tracker-url-template: the tracker's status words onto the sandbox's canonical "
        "ones, 'WORD=canonical,…' (canonical words map to themselves)",
    )
    parser.add_argument(
        "--no-truth-check",
        action="store_true",
        help="With --tracker-url-template: do not check answers against the truth",
    )
    parser.add_argument(
        "--carriers",
        default=",".join(CARRIERS),
        help="Carriers to draw tracking numbers from (comma-separated)",
    )
    parser.add_argument("--pool-size", type=int, default=300, help="Tracking numbers fetched per carrier")
    parser.add_argument("--watchlist", type=int, default=40, help="Parcels per carrier each aggregator polls")
    parser.add_argument(
        "--typo-share",
        type=float,
        default=0.03,
        help="Share of numbers people mistype (answered 'not found')",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=0.0,
        help="Real seconds of cadence per wall second; 0 = the sandbox clock's speed when it runs in "
        "realtime, else 3600",
    )
    parser.add_argument("--loadtest-seed", type=int, default=42, help="Seed of the users' choices")
    # Thresholds → exit code
    parser.add_argument("--max-fail-ratio", type=float, default=None, help="Fail the run above this ratio")
    parser.add_argument("--max-p95-ms", type=float, default=None, help="Fail the run if p95 exceeds this")
    parser.add_argument("--max-p99-ms", type=float, default=None, help="Fail the run if p99 exceeds this")
    # Shapes (read only by the shape in the -f list, if any)
    parser.add_argument("--day-minutes", type=float, default=24.0, help="daily shape: length of the day")
    parser.add_argument("--peak-users", type=int, default=50, help="daily shape: users at the busiest hour")
    parser.add_argument(
        "--daily-curve",
        default="",
        help="daily shape: 24 comma-separated hourly weights; default: the served scenario's curve",
    )
    parser.add_argument("--spike-base-users", type=int, default=10, help="spike shape: ordinary load")
    parser.add_argument("--spike-multiplier", type=float, default=5.0, help="spike shape: peak / ordinary")
    parser.add_argument("--spike-warmup-s", type=float, default=60.0, help="spike shape: ordinary load first")
    parser.add_argument(
        "--spike-hold-s", type=float, default=120.0, help="spike shape: how long the peak lasts"
    )
    parser.add_argument(
        "--spike-cooldown-s", type=float, default=60.0, help="spike shape: ordinary load after"
    )
    parser.add_argument("--step-users", type=int, default=10, help="step ramp: users added per step")
    parser.add_argument("--step-seconds", type=float, default=30.0, help="step ramp: length of a step")
    parser.add_argument("--step-max-users", type=int, default=100, help="step ramp: last step's users")


@events.init.add_listener
def _check_options(environment: Environment, **_: Any) -> None:
    if environment.parsed_options is None:
        return
    problems = option_problems(vars(environment.parsed_options))
    options = environment.parsed_options
    # The web UI asks for the host in its form; a headless run must be given it.
    if not environment.host and getattr(options, "headless", False) and not getattr(options, "worker", False):
        problems.append("give the sandbox's URL with --host (e.g. --host http://127.0.0.1:8000)")
    for problem in problems:
        log.error("%s", problem)
    if problems:
        sys.exit(2)  # locust's own exit code for bad usage


@dataclass
class RunState:
    """Per-process state of a run, filled at test start (never at import)."""

    pool: ParcelPool = field(default_factory=ParcelPool)
    time_scale: float = 3600.0
    scenario: str | None = None


STATE = RunState()


def option(environment: Environment, name: str, default: Any) -> Any:
    """A parsed option, or ``default`` when locust runs as a library without a command line."""
    return getattr(environment.parsed_options, name, default) if environment.parsed_options else default


def carriers_option(environment: Environment) -> tuple[str, ...]:
    chosen = str(option(environment, "carriers", ",".join(CARRIERS)))
    return tuple(c for c in (x.strip() for x in chosen.split(",")) if c in CARRIERS)


def load_state(environment: Environment) -> None:
    """Fetch the tracking-number pool and the clock from the sandbox at ``environment.host``."""
    host = environment.host or ""
    STATE.pool = sandbox.fetch_pool(
        host, carriers_option(environment), int(option(environment, "pool_size", 300))
    )
    STATE.time_scale = resolve_time_scale(float(option(environment, "time_scale", 0.0)), sandbox.clock(host))
    STATE.scenario = sandbox.health(host).get("scenario")
    log.info(
        "sandbox %s (scenario %s): %d tracking numbers over %s; time scale %g",
        host,
        STATE.scenario,
        len(STATE.pool),
        ", ".join(f"{c} {len(STATE.pool.by_carrier[c])}" for c in STATE.pool.carriers()),
        STATE.time_scale,
    )


def _pool_problem(environment: Environment) -> str | None:
    """Load the pool; a sentence saying why there is none, or ``None`` when there is one."""
    if not environment.host:
        return "give the sandbox's URL with --host (e.g. --host http://127.0.0.1:8000)"
    try:
        load_state(environment)
    except OSError as exc:  # URLError, refused, timeout: the sandbox is not there
        return f"cannot read tracking numbers from the sandbox at {environment.host}: {exc}"
    except (ValueError, KeyError, TypeError) as exc:  # an answer, but not the control plane's
        return f"{environment.host} does not answer like a parcel-sandbox (/_sandbox/parcels): {exc!r}"
    if not len(STATE.pool):
        return f"the sandbox at {environment.host} has no parcels yet: advance its clock first"
    return None


def ensure_pool(environment: Environment) -> bool:
    """True when there are tracking numbers to use; fetches them if the test started without
    ``test_start`` (locust used as a library). Users stop quietly when this is False."""
    if len(STATE.pool):
        return True
    problem = _pool_problem(environment)
    if problem:
        log.error("%s", problem)
    return problem is None


@events.test_start.add_listener
def _on_test_start(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, MasterRunner):
        return  # the master runs no users; each worker fetches its own pool
    problem = _pool_problem(environment)
    if problem is None:
        return
    log.error("%s", problem)
    if environment.runner is not None and not isinstance(environment.runner, WorkerRunner):
        environment.process_exit_code = 2  # as for bad usage: nothing was tested
        gevent.spawn(environment.runner.quit)


def thresholds(environment: Environment) -> Thresholds:
    return Thresholds(
        max_fail_ratio=option(environment, "max_fail_ratio", None),
        max_p95_ms=option(environment, "max_p95_ms", None),
        max_p99_ms=option(environment, "max_p99_ms", None),
    )


@events.quitting.add_listener
def _check_thresholds(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner) or environment.process_exit_code is not None:
        return  # workers' stats are partial: the master judges the run
    limits = thresholds(environment)
    total = environment.stats.total
    breaches = limits.breaches(
        total.num_requests,
        total.fail_ratio,
        total.get_response_time_percentile(0.95) or 0.0,
        total.get_response_time_percentile(0.99) or 0.0,
    )
    if breaches:
        log.error("thresholds FAILED: %s", "; ".join(breaches))
        environment.process_exit_code = 1
    elif limits != Thresholds():
        checked = [
            f"{label} ≤ {value:g}{unit}"
            for label, value, unit in (
                ("failure ratio", limits.max_fail_ratio, ""),
                ("p95", limits.max_p95_ms, " ms"),
                ("p99", limits.max_p99_ms, " ms"),
            )
            if value is not None
        ]
        log.info("thresholds passed: %s", ", ".join(checked))
        # Within the allowed failure ratio is a pass, whatever locust's own error rule says;
        # an exception in our own user code still fails the run.
        if not environment.runner or not environment.runner.exceptions:
            environment.process_exit_code = 0
