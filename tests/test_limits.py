"""Scenario ranges: each reproduction of issue 9 is refused with one located line and exit 2, every
number in the schema is bounded, and worlds at the corners of the ranges run and serve to the end."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from parcel_sandbox.cli import main as cli_main
from sim.engine import Engine
from sim.scenario import MAX_DEMAND_DRAWS, WEEKDAYS, Scenario, parse_scenario
from tests.test_scenario import GOOD

LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): (?P<message>.+)$")


def validate(tmp_path: Path, text: str | bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    f = tmp_path / "s.yaml"
    if isinstance(text, bytes):
        f.write_bytes(text)
    else:
        f.write_text(text, encoding="utf-8")
    code = cli_main(["validate", str(f)])
    err = capsys.readouterr().err
    return code, err.strip().splitlines()


# (what the issue reproduced or what else must be refused, the edit to GOOD, field, words in message)
REFUSED: list[tuple[str, tuple[str, str], str, str]] = [
    ("inf parcels", ("parcels_per_day: 100", "parcels_per_day: .inf"), "demand.parcels_per_day", "finite"),
    ("nan parcels", ("parcels_per_day: 100", "parcels_per_day: .nan"), "demand.parcels_per_day", "finite"),
    ("year 9999", ("start: 2026", "start: 9999"), "start", "2000–2099"),
    ("year 1999", ("start: 2026", "start: 1999"), "start", "2000–2099"),
    (
        "infinite token lifetime",
        ("share: 1.0", "share: 1.0\n    token_lifetime: .inf"),
        "carriers.ups.token_lifetime",
        "finite",
    ),
    (
        "token lifetime of a year",
        ("share: 1.0", "share: 1.0\n    token_lifetime: 365d"),
        "carriers.ups.token_lifetime",
        "at most 30d",
    ),
    (
        "1e9 parcels a day",
        ("parcels_per_day: 100", "parcels_per_day: 1.0e9"),
        "demand.parcels_per_day",
        "1000000",
    ),
    ("3,650-day duration", ("duration: 2d", "duration: 3650d"), "duration", "at most 366d"),
    ("a duration past float range", ("duration: 2d", "duration: 1.0e+400"), "duration", "finite"),
    ("a duration of 1e60 days", ("duration: 2d", "duration: " + "9" * 60 + "d"), "duration", "(got 1e+60d)"),
    ("zero duration", ("duration: 2d", "duration: 0s"), "duration", "more than 0s"),
    (
        "1e9 peak multiplier",
        ("parcels_per_day: 100", "parcels_per_day: 100\n  peak_multiplier: 1.0e9"),
        "demand.peak_multiplier",
        "100",
    ),
    (
        "demand too large in total",
        ("parcels_per_day: 100", "parcels_per_day: 900000\n  peak_multiplier: 90"),
        "demand.parcels_per_day",
        "demand too large",
    ),
    ("5,000-digit seed", ("seed: 1", "seed: " + "9" * 5000), "seed", "number too long"),
    ("5,000-digit quoted seed", ("seed: 1", "seed: '" + "9" * 5000 + "'"), "seed", "integer"),
    ("seed over 63 bits", ("seed: 1", "seed: 9223372036854775808"), "seed", "less than or equal"),
    ("negative seed", ("seed: 1", "seed: -1"), "seed", "greater than or equal"),
    ("duplicate keys", ("seed: 1", "seed: 1\nseed: 2"), "seed", "duplicate key (first at line 2)"),
    (
        "deep nesting",
        ("seed: 1", "seed: 1\ndescription: " + "[" * 200 + "]" * 200),
        "description.0.0*",
        "nest",
    ),
    ("drain of 1000 days", ("duration: 2d", "duration: 2d\ndrain: 1000d"), "drain", "at most 90d"),
    ("a name that is a path", ("name: tiny", "name: ../../etc"), "name", "starting with a letter or digit"),
    ("a long description", ("seed: 1", "seed: 1\ndescription: " + "x" * 10_001), "description", "10000"),
    (
        "all weekdays zero",
        (
            "parcels_per_day: 100",
            "parcels_per_day: 100\n  weekday_weights: {" + ", ".join(f"{d}: 0" for d in WEEKDAYS) + "}",
        ),
        "demand.weekday_weights",
        "cannot all be zero",
    ),
    (
        "a peak that ends before it starts",
        (
            "parcels_per_day: 100",
            "parcels_per_day: 100\n  peaks: [{start: 2026-11-03T00:00:00Z, end: 2026-11-02T00:00:00Z, "
            "multiplier: 2}]",
        ),
        "demand.peaks.0",
        "ends after it starts",
    ),
    (
        "a hub sorting half a parcel an hour",
        ("seed: 1", "seed: 1\nnetwork: {hub_sort_per_hour: 0.5}"),
        "network.hub_sort_per_hour",
        "at least 1",
    ),
    (
        "a case shipped after demand ends",
        (
            "seed: 1",
            "seed: 1\ncases: [{name: late, carrier: ups, origin: EWR, destination: CHI, ship_at: 3d}]",
        ),
        "cases.0.ship_at",
        "before demand ends",
    ),
    (
        "a rate limit of 5e-324 per second",
        ("seed: 1", "seed: 1\nfaults: {rate_limits: {dhl: {per_second: 5.0e-324}}}"),
        "faults.rate_limits.dhl.per_second",
        "greater than or equal to 0.001",
    ),
    (
        "an infinite timeout cap",
        ("seed: 1", "seed: 1\nfaults: {timeout_cap: .inf}"),
        "faults.timeout_cap",
        "finite",
    ),
    (
        "an hour of latency",
        ("seed: 1", "seed: 1\nfaults: {http: {ups: {track: {latency: 1h}}}}"),
        "faults.http.ups.track.latency.value",
        "at most 5m",
    ),
    (
        "a lane leaving every minute",
        (
            "seed: 1",
            "seed: 1\nnetwork:\n  lanes: [{from: ups-hub-SDF, to: ups-hub-SEA, departures: ["
            + ", ".join(f"'{h:02d}:{m:02d}'" for h in range(5) for m in range(60))
            + "]}]",
        ),
        "network.lanes.0.departures",
        "at most 288",
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(("edit", "field", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_with_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], field: str, words: str
) -> None:
    assert edit[0] in GOOD
    code, lines = validate(tmp_path, GOOD.replace(*edit, 1), capsys)
    assert code == 2, lines
    assert len(lines) == 1, lines
    m = LOCATED.match(lines[0])
    assert m, lines[0]
    assert m["file"] == str(tmp_path / "s.yaml"), lines[0]
    assert m["field"] == field or (field.endswith("*") and m["field"].startswith(field[:-1])), lines[0]
    assert words in m["message"], lines[0]
    assert int(m["line"]) > 1 or field in ("(yaml)", "name"), lines[0]  # located, not a default 1:1


@pytest.mark.unit
def test_a_duplicate_key_names_both_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(tmp_path, GOOD + "drain: 3d\nduration: 4d\n", capsys)
    assert code == 2 and lines == [f"{tmp_path / 's.yaml'}:12:1: duration: duplicate key (first at line 4)"]


@pytest.mark.unit
def test_files_over_the_size_limit_are_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = validate(tmp_path, GOOD + "#" * (1024 * 1024) + "\n", capsys)
    assert code == 2 and lines == [
        f"{tmp_path / 's.yaml'}:1:1: (file): file too large: more than 1,048,576 bytes "
        "(a scenario is a few KB)"
    ]


@pytest.mark.unit
def test_a_file_that_is_not_utf8_names_the_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(tmp_path, GOOD.encode() + b"description: caf\xe9\n", capsys)
    assert code == 2 and lines[0].startswith(f"{tmp_path / 's.yaml'}:11:17: (file): not UTF-8")


@pytest.mark.unit
def test_many_problems_are_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(tmp_path, GOOD + "".join(f"x{i}: 1\n" for i in range(300)), capsys)
    assert code == 2 and len(lines) == 51
    assert lines[-1].endswith(": (more): 250 more problems not shown")


def _bounded(schema: dict[str, Any], path: str, out: list[str]) -> None:
    """Every number in the schema has a lower and an upper bound (durations and instants too)."""
    if schema.get("type") in ("number", "integer") or schema.get("format") == "duration":
        low = "minimum" in schema or "exclusiveMinimum" in schema
        high = "maximum" in schema or "exclusiveMaximum" in schema
        if not (low and high):
            out.append(path)
    if schema.get("format") == "date-time" and not {"formatMinimum", "formatExclusiveMaximum"} <= set(schema):
        out.append(path)
    for key in ("anyOf", "oneOf", "prefixItems"):
        for i, sub in enumerate(schema.get(key, [])):
            _bounded(sub, f"{path}[{i}]", out)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _bounded(schema[key], f"{path}.{key}", out)
    for name, sub in schema.get("properties", {}).items():
        _bounded(sub, f"{path}.{name}", out)


@pytest.mark.unit
def test_every_number_in_the_schema_has_a_range() -> None:
    schema = Scenario.model_json_schema()
    unbounded: list[str] = []
    _bounded(schema, "Scenario", unbounded)
    for name, sub in schema["$defs"].items():
        _bounded(sub, name, unbounded)
    assert unbounded == []


@pytest.mark.unit
def test_the_schema_is_valid_and_the_shipped_scenarios_meet_it() -> None:
    """Editors validate against ``parcel-sandbox schema``: it must be a valid JSON Schema whose
    ranges every shipped scenario meets, and which refuses what the loader refuses."""
    import json

    import jsonschema

    from sim.scenario import shipped_scenarios

    schema = Scenario.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name, path in shipped_scenarios().items():
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert list(validator.iter_errors(data)) == [], name
    data = json.loads(json.dumps(yaml.safe_load(GOOD), default=str))
    assert validator.is_valid(data)
    assert not validator.is_valid({**data, "duration": 3650 * 86400})
    assert not validator.is_valid({**data, "seed": 2**63})
    assert not validator.is_valid({**data, "demand": {"parcels_per_day": 1e9}})


# --- the corners run --------------------------------------------------------------------------


def corner(**edits: Any) -> Scenario:
    data = yaml.safe_load(GOOD)
    for dotted, value in edits.items():
        node = data
        *parents, leaf = dotted.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return parse_scenario(yaml.safe_dump(data), "corner.yaml")


CORNERS: dict[str, dict[str, Any]] = {
    "the longest horizon, ending after 2100": {
        "start": "2099-12-31T00:00:00+00:00",
        "duration": "366d",
        "drain": "90d",
        "demand__parcels_per_day": 2,
    },
    "the earliest start": {"start": "2000-01-01T00:00:00+00:00", "duration": "1d", "drain": "0s"},
    "every multiplier at its top": {
        "demand__parcels_per_day": 0.002,
        "demand__peak_multiplier": 100,
        "demand__daily_curve": [1_000_000] + [0] * 23,
        "demand__weekday_weights": {
            "mon": 1_000_000,
            "tue": 0,
            "wed": 0,
            "thu": 0,
            "fri": 0,
            "sat": 0,
            "sun": 0,
        },
        "demand__peaks": [
            {"start": "2026-11-02T00:00:00-05:00", "end": "2026-11-03T00:00:00-05:00", "multiplier": 100}
        ],
        "duration": "7d",
    },
    "the slowest network": {
        "network__hub_sort_per_hour": 1,
        "network__lanes": [
            {
                "from": "ups-hub-SDF",
                "to": "ups-hub-ATL",
                "duration": "14d",
                "departures": [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 1440, 5)],
            }
        ],
        "disruptions": [
            {
                "kind": "weather",
                "region": {"countries": ["US"]},
                "start": "2026-11-02T00:00:00-05:00",
                "duration": "366d",
            }
        ],
        "incidents": {
            "loss": 0.3,
            "failed_attempt": 1,
            "missed_connection": 1,
            "breakdown": 1,
            "max_attempts": 5,
            "after_failed_attempt": {"retry": 1, "pickup_point": 0, "return_to_sender": 0},
        },
        "cases": [
            {
                "name": "last-minute",
                "carrier": "ups",
                "origin": "EWR",
                "destination": "CHI",
                "ship_at": "47h59m",
                "story": "weather_delay",
                "delay": "30d",
            }
        ],
        "drain": "90d",
    },
    "the least capacity": {"network__capacity_headroom": 0.1, "demand__parcels_per_day": 300},
    "the longest token": {"carriers__ups__token_lifetime": "30d"},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORNERS))
def test_a_corner_of_the_ranges_runs_to_the_end(name: str) -> None:
    scenario = corner(**CORNERS[name])
    engine = Engine(scenario)
    events = finished = 0
    for evs, done in engine.run():
        events += len(evs)
        finished += len(done)
    assert engine.now == engine.end
    assert finished > 0 and events > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["the longest horizon, ending after 2100", "the longest token"])
def test_a_corner_of_the_ranges_serves(name: str) -> None:
    from fastapi.testclient import TestClient

    from mock_carriers.app import create_app
    from mock_carriers.world.sandbox import Sandbox

    scenario = corner(**CORNERS[name])
    sandbox = Sandbox(scenario, endless=True)
    with TestClient(create_app(sandbox=sandbox)) as client:
        token = client.post(
            "/ups/security/v1/oauth/token", auth=("id", "secret"), data={"grant_type": "client_credentials"}
        )
        assert token.status_code == 200, token.text
        lifetime = scenario.carriers["ups"].token_lifetime
        if lifetime is not None:
            assert int(token.json()["expires_in"]) == lifetime
        horizon = scenario.duration + scenario.drain
        sandbox.clock.advance(horizon)
        assert sandbox.sync() == scenario.start + timedelta(seconds=horizon)


@pytest.mark.slow
def test_the_demand_bound_counts_what_demand_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """``demand_draws`` is the demand process's real work: the candidates it draws (one
    ``expovariate`` each) average exactly that many over the run."""
    draws = 0
    expovariate = random.Random.expovariate

    def counting(self: random.Random, lambd: float = 1.0) -> float:
        nonlocal draws
        draws += 1
        return expovariate(self, lambd)

    # on the class, so the count holds wherever the demand process lives and however its stream
    # is made; nothing else in the world draws exponentials
    monkeypatch.setattr(random.Random, "expovariate", counting)
    scenario = corner(
        duration="2d",
        drain="0s",
        demand__parcels_per_day=1500,
        demand__peak_multiplier=1.5,
        demand__daily_curve=[0] * 8 + [3] * 8 + [1] * 8,
        demand__peaks=[
            {"start": "2026-11-02T12:00:00-05:00", "end": "2026-11-02T13:00:00-05:00", "multiplier": 4}
        ],
    )
    expected = scenario.demand_draws()
    assert expected < MAX_DEMAND_DRAWS
    Engine(scenario).advance(scenario.duration)
    # Poisson: within 4 standard deviations
    assert abs(draws - expected) < 4 * expected**0.5, (draws, expected)
