"""Scenario files in, a ``Scenario`` out, and every problem located as ``file:line:col: field:
message``: reading a file (bounded, UTF-8), finding a shipped scenario by name, turning pydantic's
errors into located lines, and locating a problem found later (``world_error``).

The YAML itself is read by ``sim.safe_yaml``, which records where each key and value sits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim import safe_yaml
from sim.scenario.located import ScenarioError, dotted, located_problems
from sim.scenario.model import Scenario
from sim.scenario.raw import SOURCE, Source


def read_yaml(text: str, filename: str) -> tuple[Any, safe_yaml.Positions]:
    """YAML within sim.safe_yaml's limits; a problem raises ScenarioError naming file:line:col."""
    try:
        return safe_yaml.load(text)
    except safe_yaml.YamlProblem as exc:
        field = (
            exc.field if exc.path else ("(file)" if exc.message.startswith("file too large") else "(yaml)")
        )
        raise ScenarioError([f"{filename}:{exc.line}:{exc.col}: {field}: {exc.message}"]) from None


def parse_scenario(text: str, filename: str = "<scenario>") -> Scenario:
    """Parse scenario YAML text; raises ScenarioError with file:line:col: field: message lines."""
    data, positions = read_yaml(text, filename)
    if not isinstance(data, dict):
        raise ScenarioError(
            [f"{filename}:1:1: (root): a scenario is a mapping of fields, got {type(data).__name__}"]
        )
    try:
        return Scenario.model_validate(data, context={SOURCE: Source(filename, positions)})
    except ValidationError as exc:
        raise ScenarioError(located_problems(exc, filename, positions)) from None


def locate(path: str | Path, field: str) -> tuple[int, int]:
    """Line and column of a dotted field (``carriers.ups.share``) in a scenario file, or (1, 1)."""
    try:
        _, positions = safe_yaml.load(read_text(Path(path)))
    except (ScenarioError, safe_yaml.YamlProblem):
        return (1, 1)
    loc = dotted(field)
    while loc:
        if loc in positions.keys:  # a mapping key: point at the key
            return positions.keys[loc]
        if loc in positions.values:  # a list item: point at the item
            return positions.values[loc]
        loc = loc[:-1]
    return (1, 1)


def world_error(path: str | Path, exc: Exception) -> ScenarioError:
    """A scenario that parses but cannot make a world (e.g. a service that reaches nowhere)."""
    message = str(exc)
    field = message.split(":", 1)[0]
    if re.fullmatch(r"[A-Za-z0-9_.]+", field):
        line, col = locate(path, field)
        return ScenarioError([f"{path}:{line}:{col}: {message}"])
    return ScenarioError([f"{path}:1:1: (world): {message}"])


def shipped_dirs(package: Path) -> tuple[Path, ...]:
    """Where the shipped scenarios of the ``sim`` package at ``package`` are: inside it in a wheel
    (pyproject's force-include), then at the root of a source checkout, the folder next to
    ``pyproject.toml`` (an editable install, the README's ``scenarios/``)."""
    checkout = package.parent
    return (
        package / "scenarios_data",
        *([checkout / "scenarios"] if (checkout / "pyproject.toml").is_file() else []),
    )


#: The shipped scenarios' folders of this installation.
SHIPPED_DIRS: tuple[Path, ...] = shipped_dirs(Path(__file__).resolve().parent.parent)


def shipped_scenarios(dirs: Iterable[Path] | None = None) -> dict[str, Path]:
    """Shipped scenario name -> file, from ``dirs`` (default ``SHIPPED_DIRS``); a name in more than
    one folder is the first folder's."""
    found: dict[str, Path] = {}
    for folder in SHIPPED_DIRS if dirs is None else dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def resolve(ref: str | Path) -> Path:
    """A scenario argument: a path to a file, or the name of a shipped scenario."""
    path = Path(ref)
    if path.is_file():
        return path
    shipped = shipped_scenarios()
    if str(ref) in shipped:
        return shipped[str(ref)]
    known = ", ".join(shipped) or "none"
    raise ScenarioError([f"{ref}:1:1: (file): no such file or shipped scenario (shipped: {known})"])


def read_text(path: Path) -> str:
    """A scenario file's text; refuses one over ``safe_yaml.MAX_BYTES`` before reading it all."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(safe_yaml.MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([f"{path}:1:1: (file): cannot read: {exc.strerror or exc}"]) from None
    if len(raw) > safe_yaml.MAX_BYTES:
        limit = f"{safe_yaml.MAX_BYTES:,}"
        raise ScenarioError(
            [f"{path}:1:1: (file): file too large: more than {limit} bytes (a scenario is a few KB)"]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError([f"{path}:{line}:{col}: (file): not UTF-8 text ({exc.reason})"]) from None


def load_scenario(ref: str | Path) -> tuple[Scenario, Path]:
    """A scenario file (a path, or a shipped scenario's name) parsed, and the file it came from."""
    path = resolve(ref)
    return parse_scenario(read_text(path), str(path)), path
