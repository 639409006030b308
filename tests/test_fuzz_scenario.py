"""Fuzzing the scenario loader: mutated shipped scenarios, random YAML and hostile YAML (aliases,
deep nesting, huge numbers, wrong types, duplicate keys) each end as a Scenario or a ScenarioError
whose every line is ``file:line:col: field: message`` — never another exception, never a hang.

Short and derandomized in ``make test``; ``make fuzz`` (PARCEL_SANDBOX_FUZZ=long) runs ~30x as many
examples from a fresh random seed each time.
"""

from __future__ import annotations

import copy
import math
import os
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import Engine
from sim.scenario import Scenario, ScenarioError, parse_scenario, shipped_scenarios

pytestmark = pytest.mark.fuzz

LONG = os.environ.get("PARCEL_SANDBOX_FUZZ") == "long"
#: A hang, not a speed bar (speed is measured in bench/loader_bench.py): a 1 MB file takes < 1 s.
HANG_S = 10.0
LOCATED = re.compile(r"^f\.yaml:[1-9]\d*:[1-9]\d*: \S+: \S.*$")

FUZZ = settings(
    max_examples=1500 if LONG else 50,
    deadline=None,  # timing is asserted as a hang bound below, on the loader alone
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

SHIPPED = {name: path.read_text(encoding="utf-8") for name, path in sorted(shipped_scenarios().items())}
SHIPPED_DATA = {name: yaml.safe_load(text) for name, text in SHIPPED.items()}


def load(text: str) -> Scenario | None:
    """Parse; a problem must be a ScenarioError of located lines. Returns the scenario or None."""
    started = time.perf_counter()
    try:
        scenario: Scenario | None = parse_scenario(text, "f.yaml")
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError names at least one problem"
        for line in exc.problems:
            assert LOCATED.match(line), line
            assert "\n" not in line
        scenario = None
    assert time.perf_counter() - started < HANG_S
    return scenario


# --- values that break things ---------------------------------------------------------------

HOSTILE_SCALARS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e-300, 5e-324, 1e308, 2**63, 2**64, -(2**63) - 1, 0.5, 1.0, 24, 366, 1e6]),
    st.booleans(),
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "7d",
            "0s",
            "-1h",
            "PT",
            "P99999999999D",
            "9" * 63 + "d",
            "1e400",
            "250ms",
            "infms",
            "nanms",
            "9999-12-31T23:59:59+14:00",
            "0001-01-01T00:00:00-12:00",
            "2026-11-02",
            "2026-11-02T00:00:00",
            "2099-12-31T23:00:00-05:00",
            "ups",
            "usps",
            "nowhere",
            "ground",
            "*",
            "CHI",
            "ups-hub-SDF",
            "",
            " ",
            "\x00",
            "🚚",
            "x" * 20_000,
        ]
    ),
    st.datetimes(timezones=st.just(UTC)),
)
HOSTILE_VALUES = st.recursive(
    HOSTILE_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> str:
    """A shipped scenario with one to four fields replaced, removed or added."""
    data = copy.deepcopy(SHIPPED_DATA[draw(st.sampled_from(sorted(SHIPPED_DATA)))])
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)[1:]
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(HOSTILE_VALUES)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(HOSTILE_VALUES)
        else:
            parent.append(draw(HOSTILE_VALUES))
        if not isinstance(data, dict):
            break
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)


@given(mutated_scenarios())
@FUZZ
def test_mutated_shipped_scenarios(text: str) -> None:
    load(text)


# --- random YAML ------------------------------------------------------------------------------

# fmt: off
TOKENS = [
    "a", "seed", "name", "demand", "carriers", "ups", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "[", "]",
    "{", "}", ", ", "&x ", "*x", "&y ", "*y", "!!int ", "!!float ", "!!str ", "!!binary ", "!!set ",
    "!!timestamp ", "!!python/object:os.system ", "!custom ", "'", '"', "\\", "# c", "? ", "|\n", ">\n",
    "1", "-1", "0x1F", "0o17", "1_000", "1:30", "1.5e+308", "1.0e+400", ".inf", "-.inf", ".nan",
    "2026-11-02", "2026-11-02T00:00:00-05:00", "9999-99-99", "<<: ", "---\n", "...\n", "\t",
    "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "null", "~", "yes", "off", "\x85", "\u2028", "\ufeff",
    "\x00", "\x1b", "é", "🚚",
]
# fmt: on


@given(st.one_of(st.lists(st.sampled_from(TOKENS), max_size=80).map("".join), st.text(max_size=300)))
@FUZZ
def test_random_yaml(text: str) -> None:
    load(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join), st.sampled_from(sorted(SHIPPED)))
@FUZZ
def test_random_yaml_spliced_into_a_shipped_scenario(fragment: str, name: str) -> None:
    lines = SHIPPED[name].splitlines(keepends=True)
    at = len(fragment) % (len(lines) + 1)
    load("".join(lines[:at]) + fragment + "".join(lines[at:]))


# --- hostile YAML -----------------------------------------------------------------------------


@st.composite
def alias_bombs(draw: st.DrawFn) -> str:
    width, depth = draw(st.integers(2, 30)), draw(st.integers(1, 14))
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, depth + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    if draw(st.booleans()):  # inside a real scenario, where a field reads it
        lines.append(f"description: *a{depth}")
        return SHIPPED["baseline"] + "\n".join(f"x_{line}" for line in lines) + "\n"
    return "\n".join(lines) + "\n"


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 3000))
    style = draw(st.sampled_from(["flow-list", "flow-map", "block-list", "block-map"]))
    if style == "flow-list":
        inner = "[" * depth + "]" * depth
    elif style == "flow-map":
        inner = "{a: " * depth + "1" + "}" * depth
    elif style == "block-list":
        depth = min(depth, 400)
        return SHIPPED["germany"] + "x:\n" + "".join("  " * (i + 1) + "-\n" for i in range(depth))
    else:
        depth = min(depth, 400)
        return SHIPPED["germany"] + "x:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(depth))
    return SHIPPED["germany"] + f"description: {inner}\n"


@st.composite
def huge_numbers(draw: st.DrawFn) -> str:
    digits = draw(st.integers(1, 10_000))
    field = draw(st.sampled_from(["seed", "duration", "drain"]))
    number = draw(
        st.sampled_from(["9" * digits, "-" + "9" * digits, "0x" + "f" * digits, "1." + "0" * digits + "e+9"])
    )
    quoted = draw(st.booleans())
    text = re.sub(
        rf"(?m)^{field}: .*$", f"{field}: " + (f"'{number}'" if quoted else number), SHIPPED["returns"]
    )
    return text


@st.composite
def duplicate_keys(draw: st.DrawFn) -> str:
    lines = SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))].splitlines(keepends=True)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+:", line)]
    i = draw(st.sampled_from(keyed))
    j = draw(st.integers(i + 1, len(lines)))
    return "".join(lines[:j]) + lines[i] + "".join(lines[j:])


@given(st.one_of(alias_bombs(), deep_nesting(), huge_numbers(), duplicate_keys()))
@FUZZ
def test_hostile_yaml(text: str) -> None:
    load(text)


def test_a_duplicated_key_line_is_always_refused() -> None:
    # the property above only says "no crash"; a duplicated top-level line must also be an error
    text = SHIPPED["baseline"] + "seed: 42\n"
    with pytest.raises(ScenarioError, match="duplicate key"):
        parse_scenario(text, "f.yaml")


@st.composite
def big_files(draw: st.DrawFn) -> str:
    """Files near the 1 MiB limit, shaped the way that costs the loader most."""
    size = draw(st.integers(500_000, 1_100_000))
    shape = draw(st.sampled_from(["list", "map", "string", "comment", "anchors"]))
    if shape == "list":
        body = "x: [" + ", ".join(["1"] * (size // 3)) + "]\n"
    elif shape == "map":
        body = "x:\n" + "".join(f"  k{i}: {i}\n" for i in range(size // 14))
    elif shape == "string":
        body = "description: " + "x" * size + "\n"
    elif shape == "comment":
        body = "#" * size + "\n"
    else:
        body = "".join(f"k{i}: &a{i} [1]\n" for i in range(size // 18))
    return SHIPPED["baseline"] + body


@given(big_files())
@settings(FUZZ, max_examples=60 if LONG else 6)
def test_files_up_to_the_size_limit(text: str) -> None:
    load(text)


# --- whatever loads builds a world ------------------------------------------------------------

NUMERIC_TWEAKS = st.sampled_from([0.0, 1e-9, 0.001, 0.5, 1.0, 2.0, 100.0, 1e6])


@st.composite
def numerically_mutated(draw: st.DrawFn) -> str:
    """A shipped scenario with numbers changed: most such files load, and then must build a world."""
    data = copy.deepcopy(SHIPPED_DATA[draw(st.sampled_from(["germany", "returns", "same_day_two_day"]))])
    numeric = [p for p in _paths(data) if p and isinstance(_get(data, p), int | float) and p[0] != "seed"]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(numeric))
        _get(data, path[:-1])[path[-1]] = draw(NUMERIC_TWEAKS)
    return yaml.safe_dump(data, sort_keys=False)


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


@given(numerically_mutated())
@settings(FUZZ, max_examples=200 if LONG else 8)
def test_whatever_loads_builds_a_world(text: str) -> None:
    scenario = load(text)
    if scenario is None:
        return
    try:
        engine = Engine(scenario)
    except ValueError as exc:  # a world error: `run` reports it located (sim.scenario.world_error)
        assert str(exc)
        return
    engine.advance(min(scenario.duration, 86400.0))
    assert math.isfinite(engine.env.now)
    assert engine.now <= datetime(2102, 1, 1, tzinfo=UTC)
