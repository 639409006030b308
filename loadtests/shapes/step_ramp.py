"""Load shape: a step ramp to find the knee. ``--step-users`` more users every ``--step-seconds``
up to ``--step-max-users``; at the end of each step the shape records that step's throughput and
p95, and when the ramp ends it prints the table with the knee marked — the step after which added
users stopped adding throughput (or p95 doubled) — and writes it as ``knee.csv`` next to the
``--csv`` files (or the ``--html`` report).

    locust -f loadtests/aggregators.py,loadtests/shapes/step_ramp.py --host http://127.0.0.1:8000 \\
        --headless --step-users 2 --step-seconds 20 --step-max-users 20 --csv runs/knee/stats
"""

from __future__ import annotations

import logging
import os
from typing import Any

from locust import LoadTestShape, events

from loadtests import hooks
from loadtests.shapes.curves import StepResult, counts_between, find_knee, knee_table, percentile, step_users

log = logging.getLogger("loadtests")


class StepRampShape(LoadTestShape):
    """More users step by step, measuring each step, until the system stops keeping up."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[StepResult] = []
        self.reported = False
        self._mark: tuple[int, float, int, int, dict[int, int]] | None = None
        events.quitting.add_listener(self._on_quitting)

    def tick(self) -> tuple[int, float] | None:
        assert self.runner is not None
        env = self.runner.environment
        step = int(hooks.option(env, "step_users", 10))
        step_s = float(hooks.option(env, "step_seconds", 30.0))
        now = self.get_run_time()
        users = step_users(now, step, step_s, int(hooks.option(env, "step_max_users", 100)))
        if self._mark is None or users != self._mark[0]:
            self._close_step(now)
            if users is not None:
                total = self.runner.stats.total
                self._mark = (users, now, total.num_requests, total.num_failures, dict(total.response_times))
        if users is None:
            self.report()
            return None
        return users, float(step)

    def _close_step(self, now: float) -> None:
        if self._mark is None or self.runner is None:
            return
        users, started, requests, failures, times = self._mark
        total = self.runner.stats.total
        histogram = counts_between(total.response_times, times)
        self.steps.append(
            StepResult(
                users=users,
                seconds=now - started,
                requests=total.num_requests - requests,
                failures=total.num_failures - failures,
                p95_ms=percentile(histogram, 0.95),
            )
        )
        self._mark = None

    def report(self) -> None:
        if self.reported or not self.steps:
            return
        self.reported = True
        knee = find_knee(self.steps)
        log.info("step ramp:\n%s", knee_table(self.steps, knee))
        target = self._knee_file()
        if target:
            with open(target, "w", encoding="utf-8") as out:
                out.write("users,seconds,requests,failures,rps,p95_ms,past_knee\n")
                for i, s in enumerate(self.steps):
                    row = f"{s.users},{s.seconds:.2f},{s.requests},{s.failures},{s.rps:.2f},{s.p95_ms:g}"
                    out.write(f"{row},{int(i == knee)}\n")
            log.info("step ramp table written to %s", target)

    def _knee_file(self) -> str | None:
        if self.runner is None:
            return None
        env = self.runner.environment
        prefix = hooks.option(env, "csv_prefix", None)
        html = hooks.option(env, "html_file", None)
        anchor = prefix or html
        if not anchor:
            return None
        folder = os.path.dirname(str(anchor)) or "."
        os.makedirs(folder, exist_ok=True)
        return os.path.join(folder, "knee.csv")

    def _on_quitting(self, **_: Any) -> None:
        # An interrupted ramp (Ctrl-C, --run-time) still reports the steps it completed.
        if self.runner is not None:
            self._close_step(self.get_run_time())
        self.report()
