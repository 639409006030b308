"""Load shape: Cyber Monday. Ordinary load (``--spike-base-users``) for ``--spike-warmup-s``, then
at once ``--spike-multiplier`` times as many users for ``--spike-hold-s``, then ordinary load again
for ``--spike-cooldown-s`` — does the system hold the peak, and does it recover after?

    locust -f loadtests/shoppers.py,loadtests/aggregators.py,loadtests/shapes/spike.py \\
        --host http://127.0.0.1:8000 --headless --spike-base-users 10 --spike-multiplier 5
"""

from __future__ import annotations

from locust import LoadTestShape

from loadtests import hooks
from loadtests.shapes.curves import spike_users


class CyberMondayShape(LoadTestShape):
    """Ordinary traffic, a sudden multiple of it, ordinary again."""

    def tick(self) -> tuple[int, float] | None:
        assert self.runner is not None
        env = self.runner.environment
        base = int(hooks.option(env, "spike_base_users", 10))
        users = spike_users(
            self.get_run_time(),
            base,
            float(hooks.option(env, "spike_multiplier", 5.0)),
            float(hooks.option(env, "spike_warmup_s", 60.0)),
            float(hooks.option(env, "spike_hold_s", 120.0)),
            float(hooks.option(env, "spike_cooldown_s", 60.0)),
        )
        if users is None:
            return None
        # Spawn the whole surge within about a second: a spike is not a ramp.
        return users, float(max(1, users))
