"""Generate docs/scenarios.md — every scenario field, its type, unit and default — from the
pydantic models themselves, so the reference cannot drift from the code (a test compares)."""

from __future__ import annotations

import json
import sys
from typing import Any

from sim.scenario import Scenario, shipped_scenarios

INTRO = """# Scenario reference

Generated from the models in `sim/scenario.py` by `make docs` (`python -m sim.docgen`); a test
fails when this page and the models disagree. Editors can complete scenario files from the JSON
Schema that `parcel-sandbox schema` prints (e.g. with the YAML language server:
`# yaml-language-server: $schema=scenario.schema.json`).

Units: **durations** are strings like `7d`, `12h`, `90m`, `1d12h`, ISO-8601 `PT2H` / `P1DT6H`,
or plain seconds; **instants** are ISO-8601 with a UTC offset (`2026-11-02T00:00:00-05:00`);
**rates** are probabilities per parcel (or per event named in the field), 0–1; **places** are
keys of the embedded table in `sim/places.py` (e.g. `CHI`, `BER`, `ALA`); **facility ids** are
`fc-<place>`, `<carrier>-hub-<place>`, `<carrier>-ds-<place>` (delivery station) and
`<carrier>-pp-<place>` (pickup point). A mistake is reported as `file:line:col: field.path:
message` and `parcel-sandbox validate` exits with 2.
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
            key = _type(keys) if keys else "string"
            return f"map {key} → {_type(extra)}"
        return "object"
    return str(t or "any")


def _default(schema: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" in schema:
        return f"`{json.dumps(schema['default'], ensure_ascii=False)}`"
    return "—"


def _table(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"## {name}", ""]
    if schema.get("description"):
        lines += [" ".join(schema["description"].split()), ""]
    lines += ["| field | type | default | meaning |", "|---|---|---|---|"]
    required = set(schema.get("required", ()))
    for field, prop in schema.get("properties", {}).items():
        desc = " ".join(prop.get("description", "").split()).replace("|", "\\|")
        lines.append(f"| `{field}` | {_type(prop)} | {_default(prop, field in required)} | {desc} |")
    return [*lines, ""]


def render() -> str:
    schema = Scenario.model_json_schema()
    parts = [INTRO, *_table("Scenario", schema)]
    for name, sub in sorted(schema.get("$defs", {}).items()):
        if "properties" in sub:
            parts += _table(name, sub)
    parts += ["## Shipped scenarios", "", "| name | what it exercises |", "|---|---|"]
    from sim.scenario import load_scenario

    for name in shipped_scenarios():
        sc, _ = load_scenario(name)
        parts.append(f"| `{name}` | {' '.join(sc.description.split())} |")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
