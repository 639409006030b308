"""The daily curve of the scenario a sandbox serves, free of locust and of the simulation: the name
from ``GET /_sandbox/health``, the file read as data (``demand.daily_curve``) from the checkout's
``scenarios/`` folder when locust runs from one; otherwise the baseline's curve."""

from __future__ import annotations

import re
from pathlib import Path

from loadtests import sandbox
from loadtests.shapes.curves import BASELINE_DAILY_CURVE, parse_curve

#: The shipped scenarios, when locust runs from a checkout of the repository.
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenario_curve(host: str, folder: Path = SCENARIOS) -> tuple[tuple[float, ...], str]:
    """The served scenario's daily curve and where it came from (baseline's when unreadable)."""
    try:
        name = sandbox.health(host).get("scenario")
    except OSError as exc:
        return BASELINE_DAILY_CURVE, f"baseline default (sandbox health unreadable: {exc})"
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", name):
        return BASELINE_DAILY_CURVE, f"baseline default (the sandbox names no scenario: {name!r})"
    path = folder / f"{name}.yaml"
    try:
        import yaml  # optional: a bare load generator may have no PyYAML

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        curve = (data.get("demand") or {}).get("daily_curve") if isinstance(data, dict) else None
        if curve is None:  # the scenario leaves the curve to its default, the baseline's
            return BASELINE_DAILY_CURVE, f"scenario {name!r} ({path}, the default curve)"
        return parse_curve(",".join(str(w) for w in curve)), f"scenario {name!r} ({path})"
    except Exception as exc:  # ImportError, no such file here, or not a scenario's curve
        return BASELINE_DAILY_CURVE, f"baseline default (scenario {name!r} not readable here: {exc})"
