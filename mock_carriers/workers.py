"""One API worker process of ``serve --store redis://… --workers N``: uvicorn's supervisor spawns
it and calls ``worker_app()``, which builds this process's sandbox on the shared world (a replica
of the Redis feed; never the engine) from what the parent put in ``PARCEL_SANDBOX_WORKER``."""

from __future__ import annotations

import argparse
import json
import os

from mock_carriers.app import SandboxApp
from mock_carriers.serve import WORKER_ENV, make_app, make_sandbox
from sim.scenario import Scenario


def worker_app() -> SandboxApp:
    spec = json.loads(os.environ[WORKER_ENV])
    scenario = Scenario.model_validate(spec["scenario"])
    args = argparse.Namespace(**spec["args"])
    return make_app(make_sandbox(scenario, args), args)
