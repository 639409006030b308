"""The sandbox (scenario ``baseline``, fast lane on) as an ASGI factory for granian, so
``bench.http_wrk`` can measure granian against uvicorn under the same conditions:
``granian --interface asgi --factory bench.granian_app:app``. Measurement only: ``serve`` runs uvicorn."""

from __future__ import annotations

from typing import Any


def app() -> Any:
    from mock_carriers.app import create_app
    from sim.scenario import load_scenario

    scenario, _ = load_scenario("baseline")
    return create_app(scenario)
