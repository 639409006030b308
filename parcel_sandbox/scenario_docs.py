"""Generate docs/scenarios.md — every scenario field, its type, unit and default — from the
pydantic models themselves (the simulation's, with the served sandbox's ``faults:`` section, as
``parcel_sandbox.schema`` composes them), so the reference cannot drift from the code (a test
compares)."""

from __future__ import annotations

import json
import sys
from typing import Any

from parcel_sandbox.schema import scenario_schema
from sim import safe_yaml
from sim.fields import MAX_STRING, format_duration
from sim.scenario import MAX_DEMAND_DRAWS, shipped_scenarios

INTRO = """# Scenario reference

Generated from the models in `sim/scenario/` and `mock_carriers/faults/config.py` by `make docs`
(`python -m parcel_sandbox.scenario_docs`); a test fails when this page and the models disagree.
Editors can complete scenario files from the JSON Schema that `parcel-sandbox schema` prints (e.g.
with the YAML language server: `# yaml-language-server: $schema=scenario.schema.json`).

Units: **durations** are strings like `7d`, `12h`, `90m`, `1d12h`, ISO-8601 `PT2H` / `P1DT6H`,
or plain seconds; **instants** are ISO-8601 with a UTC offset (`2026-11-02T00:00:00-05:00`);
**rates** are probabilities per parcel (or per event named in the field), 0–1; **places** are
keys of the embedded table in `sim/places.py` (e.g. `CHI`, `BER`, `ALA`); **facility ids** are
`fc-<place>`, `<carrier>-hub-<place>`, `<carrier>-ds-<place>` (delivery station) and
`<carrier>-pp-<place>` (pickup point). A mistake is reported as `file:line:col: field.path:
message` and `parcel-sandbox validate` exits with 2.

## Limits

Every number has a range (the **range** column; the JSON Schema's `minimum`/`maximum`), `.inf`
and `.nan` are refused everywhere, and the file itself is bounded, so that whatever `validate`
accepts, `run` and `serve` finish:

- the file: at most {max_bytes:,} bytes, {max_nodes:,} YAML values (an alias counts as everything
  it repeats), {max_aliases:,} aliases, {max_depth} levels of nesting, number literals of at most
  {max_number} characters; a key given twice in one mapping is an error naming both lines;
- strings: at most {max_string:,} characters; instants: the years 2000–2099;
- demand: at most {max_draws:,} parcels drawn over the run (over one day when the run is shorter,
  and per day for `serve`'s endless demand), counted as `parcels_per_day` × `peak_multiplier` ×
  the largest `peaks` multiplier × the daily curve's peak-hour factor (the largest weight × 24 /
  their sum) × the weekday peak factor (the largest weight × 7 / their sum) × days. A
  1,000,000-parcel day with the default curve and weekday mix draws 1.76 M; each parcel in flight
  holds about 5.6 KB;
- a pinned case ships before demand ends (`ship_at` < `duration`).
"""


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if "oneOf" in schema:
        return " or ".join(_type(s) for s in schema["oneOf"])
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if schema.get("format") == "duration":
        return "duration"
    if schema.get("format") == "date-time":
        return "instant"
    t = schema.get("type")
    if t == "array":
        if "prefixItems" in schema:
            return "[" + ", ".join(_type(s) for s in schema["prefixItems"]) + "]"
        return f"list of {_type(schema.get('items', {}))}"
    if t == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            keys = schema.get("propertyNames")
            key = _type(keys) if keys and ({"type", "$ref", "enum"} & set(keys)) else "string"
            return f"map {key} → {_type(extra)}"
        return "object"
    return str(t or "any")


def _default(schema: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" in schema:
        value = schema["default"]
        members = schema.get("anyOf", [schema])
        if isinstance(value, int | float) and any(m.get("format") == "duration" for m in members):
            return f"`{format_duration(value)}`"
        return f"`{json.dumps(value, ensure_ascii=False)}`"
    return "—"


def _number(x: float) -> str:
    if isinstance(x, int) or (x.is_integer() and abs(x) < 1e15):
        return f"{int(x):,}"
    return f"{x:g}"


def _range(schema: dict[str, Any]) -> str:
    """The range of a field's values, in words: ``0–1``, ``> 0s, ≤ 366d``, ``each 0–1``."""
    members = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    if len(members) != 1:
        return ""
    s = members[0]
    if "x-range" in s:
        return str(s["x-range"])
    if s.get("type") in ("number", "integer") and ("minimum" in s or "exclusiveMinimum" in s):
        low = f"{_number(s['minimum'])}" if "minimum" in s else f"> {_number(s['exclusiveMinimum'])}"
        if "maximum" in s:
            return f"{low}–{_number(s['maximum'])}" if "minimum" in s else f"{low}, ≤ {_number(s['maximum'])}"
        return f"≥ {low}" if "minimum" in s else low
    parts = []
    if s.get("type") == "array":
        inner = _range(s.get("items", {}))
        if inner:
            parts.append(f"each {inner}")
        if "maxItems" in s and "prefixItems" not in s:
            parts.append(f"≤ {s['maxItems']:,} items")
    if s.get("type") == "object" and isinstance(s.get("additionalProperties"), dict):
        inner = _range(s["additionalProperties"])
        if inner:
            parts.append(f"each {inner}")
        if "maxProperties" in s:
            parts.append(f"≤ {s['maxProperties']:,} entries")
    if s.get("type") == "string" and s.get("maxLength", MAX_STRING) != MAX_STRING:
        parts.append(f"≤ {s['maxLength']:,} characters")
    return "; ".join(parts)


def _table(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"## {name}", ""]
    if schema.get("description"):
        lines += [" ".join(schema["description"].split()), ""]
    lines += ["| field | type | range | default | meaning |", "|---|---|---|---|---|"]
    required = set(schema.get("required", ()))
    for field, prop in schema.get("properties", {}).items():
        desc = " ".join(prop.get("description", "").split()).replace("|", "\\|")
        default = _default(prop, field in required)
        lines.append(f"| `{field}` | {_type(prop)} | {_range(prop)} | {default} | {desc} |")
    return [*lines, ""]


def render() -> str:
    schema = scenario_schema()
    intro = INTRO.format(
        max_bytes=safe_yaml.MAX_BYTES,
        max_nodes=safe_yaml.MAX_NODES,
        max_aliases=safe_yaml.MAX_ALIASES,
        max_depth=safe_yaml.MAX_DEPTH,
        max_number=safe_yaml.MAX_NUMBER_CHARS,
        max_string=MAX_STRING,
        max_draws=MAX_DEMAND_DRAWS,
    )
    parts = [intro, *_table("Scenario", schema)]
    for name, sub in sorted(schema.get("$defs", {}).items()):
        if "properties" in sub:
            parts += _table(name, sub)
    parts += ["## Shipped scenarios", "", "| name | what it exercises |", "|---|---|"]
    from sim.scenario import load_scenario

    for name in shipped_scenarios():
        sc, _ = load_scenario(name)
        parts.append(f"| `{name}` | {' '.join(sc.description.split())} |")
    return "\n".join([*parts, "", *_standard_stories()]) + "\n"


#: What the truth and the carrier's scans show for each standard story (tests/stories.py checks it).
STORY_TOLD = {
    "lost": "`fate: lost`, `lost_at` inside a hub it arrived at; once its next scan is overdue the "
    "carrier shows it running late (`DELAYED`, no cause, no date), and five days later, in office "
    "hours, its last word is `lost`",
    "misdelivered": "`fate: misdelivered`, `delivered_to` another door in the recipient's city; the "
    "carrier says `delivered`",
    "weather_delay": "a `weather` delay of {delay} at the middle hub of its route, a `DELAYED` scan "
    "giving weather (a new ETA); then delivered",
    "failed_attempts_return": "every attempt the last-mile carrier makes fails — three "
    "`DELIVERY_ATTEMPTED` scans with UPS, FedEx, Amazon, Hermes; two with DPD; one with USPS and DHL "
    "— then, where its policy holds the parcel, `AVAILABLE_FOR_PICKUP` and nobody comes; then "
    "`returning` and `fate: returned`; never delivered",
    "customs_hold": "`CUSTOMS_HOLD` at the first hub across the border, `CUSTOMS_CLEARED` {delay} "
    "later (a `customs_hold` delay); then delivered",
    "damaged": "an `EXCEPTION` scan giving `damaged` at the middle hub, repacked there (a `damaged` "
    "delay of hours); `fate: damaged`",
    "address_return": "an `EXCEPTION` giving `address_issue` at the delivery station, held there for "
    "a correction for the carrier's days (an `EXCEPTION` each morning), never corrected: "
    "`returning`, then `fate: returned`",
}


def _standard_stories() -> list[str]:
    from sim.scenario import STANDARD_STORIES, load_scenario

    lines = [
        "## The standard pinned stories",
        "",
        "A scenario with a `standard_cases:` section ([StandardCases](#standardcases)) carries these "
        "pinned cases, under the same names in every scenario, so one scenario serves a whole QA "
        'file (`sandbox.cases["lost-after-hub"]`). They ride the lane the section names (the '
        "customs story rides `cross_border`; without it there is none), ship in the first hours "
        "and follow the scenario's own `cases:`. Like every pinned case, each has its own number "
        "block and random streams, takes no one's room in a hub or on a truck, and its tracking "
        "number is listed by `GET /_sandbox/cases` before it ships, in `serve` and `replay` alike. "
        "`three-failed-then-returned` fails every attempt its last-mile carrier makes before it "
        "holds or returns a parcel (its failed-delivery policy, docs/realism.md §11, or "
        "`incidents.max_attempts` when a scenario sets it): three only where that carrier tries "
        "three times.",
        "",
        "| case | story | ships after | what the truth and the carrier show |",
        "|---|---|---|---|",
    ]
    for st in STANDARD_STORIES:
        told = STORY_TOLD[st.story].format(delay=format_duration(st.delay))
        lines.append(f"| `{st.name}` | `{st.story}` | {format_duration(st.ship_at)} | {told} |")
    lines += [
        "",
        "Shipped scenarios that carry them, and on which lanes:",
        "",
        "| scenario | carrier, service: lane | customs story |",
        "|---|---|---|",
    ]
    for name in shipped_scenarios():
        std = load_scenario(name)[0].standard_cases
        if std is None:
            continue
        lane = f"{std.carrier}, {std.service.value}: {std.origin} → {std.destination}"
        cb = std.cross_border
        customs = f"{cb.carrier}, {cb.service.value}: {cb.origin} → {cb.destination}" if cb else "none"
        lines.append(f"| `{name}` | {lane} | {customs} |")
    lines += [
        "",
        "No customs story where the world has no customs border: `peak_season`, `same_day_two_day`, "
        "`hub_outage`, `weather_delay` and `returns` are US only, and `germany`'s one border "
        "(Germany → Slovenia) is inside the EU customs union. `lost_parcels`, `misdelivery`, "
        "`failed_attempts` and `address_errors` do not carry them: each raises one incident's rate "
        "to study it and pins that one story under its own name (`lost-at-hub`, …); "
        "`international_customs` carries them with its DHL Leipzig → Almaty hold as the customs story.",
    ]
    return lines


if __name__ == "__main__":
    sys.stdout.write(render())
