"""Load shape: one day compressed into ``--day-minutes`` minutes, the number of users following the
scenario's demand curve (``demand.daily_curve``: 24 hourly weights) up to ``--peak-users`` at the
busiest hour.

The curve is ``--daily-curve`` when given; otherwise the curve of the scenario the sandbox serves
(its name comes from ``GET /_sandbox/health``; the file is read as data — ``demand.daily_curve`` —
from the checkout's ``scenarios/`` folder when locust runs from one, never through the simulation,
which a load generator need not have); otherwise the baseline's. To have the sandbox's
clock keep pace with the compressed day, serve it with ``--clock realtime --speed 1440/N``.

    locust -f loadtests/shoppers.py,loadtests/aggregators.py,loadtests/shapes/daily.py \\
        --host http://127.0.0.1:8000 --headless --day-minutes 24 --peak-users 100
"""

from __future__ import annotations

import logging

from locust import LoadTestShape

from loadtests import hooks
from loadtests.shapes.curves import daily_users, parse_curve
from loadtests.shapes.served_curve import scenario_curve

log = logging.getLogger("loadtests")


class DailyCurveShape(LoadTestShape):
    """A day of tracking traffic in N minutes: night trough, evening peak."""

    def __init__(self) -> None:
        super().__init__()
        self.curve: tuple[float, ...] | None = None

    def tick(self) -> tuple[int, float] | None:
        assert self.runner is not None
        env = self.runner.environment
        day_s = 60.0 * float(hooks.option(env, "day_minutes", 24.0))
        peak = int(hooks.option(env, "peak_users", 50))
        if self.curve is None:
            text = str(hooks.option(env, "daily_curve", "") or "")
            self.curve, source = (
                (parse_curve(text), "--daily-curve") if text else scenario_curve(env.host or "")
            )
            log.info("daily shape: 24 h in %g s, peak %d users, curve from %s", day_s, peak, source)
        users = daily_users(self.get_run_time(), day_s, self.curve, peak)
        if users is None:
            return None
        return users, max(1.0, peak / 10)
