"""Problems in a scenario file, located: ``ScenarioError`` and the one function that turns
pydantic's errors into ``file:line:col: field.path: message`` lines. The loader uses it for the
whole file; a section kept raw for a later layer (``sim.scenario.raw``) uses it for that section."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from sim import safe_yaml
from sim.errors import one_line
from sim.scenario import disruptions


class ScenarioError(Exception):
    """A scenario file is wrong. ``str(err)`` is one ``file:line:col: field: message`` per line."""

    def __init__(self, problems: list[str]) -> None:
        problems = [one_line(p) for p in problems]  # whatever a file holds, one problem is one line
        super().__init__("\n".join(problems))
        self.problems = problems


#: Problems printed for one file; the rest are counted on one more line.
MAX_PROBLEMS = 50

# pydantic adds the union member tag and "[key]" markers that are not part of the file.
_SKIP = frozenset({"[key]", *disruptions.KINDS, "function-after", "function-before"})


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(p for p in loc if not (isinstance(p, str) and (p in _SKIP or p.startswith("function-"))))


_NAMED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*): (.+)$", re.DOTALL)


def dotted(path: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


def located_problems(
    exc: ValidationError, filename: str, positions: safe_yaml.Positions, prefix: tuple[Any, ...] = ()
) -> list[str]:
    """One ``file:line:col: field.path: message`` per error (at most ``MAX_PROBLEMS``, then a count).
    ``prefix`` is where the validated data sits in the file (``("faults",)`` for that section)."""
    errors = exc.errors(include_url=False, include_input=False)
    problems = []
    for err in errors[:MAX_PROBLEMS]:
        loc = _clean_loc(tuple(err["loc"]))
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        named = _NAMED.match(msg) if not loc else None
        if named:  # a cross-field check names the field it is about
            loc, msg = dotted(named.group(1)), named.group(2)
        loc = prefix + loc
        line, col = positions.locate(loc, key=err["type"] == "extra_forbidden")
        field = safe_yaml.format_path(loc)
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        problems.append(f"{filename}:{line}:{col}: {field}: {msg}")
    if len(errors) > MAX_PROBLEMS:
        problems.append(f"{filename}:1:1: (more): {len(errors) - MAX_PROBLEMS:,} more problems not shown")
    return problems
