"""The small JSON path ``verify`` reads a tracker's answer with: ``$``, ``.key``, ``['key']`` and
``[index]`` steps (``$.shipment.status``, ``$.data[0].eta``). No wildcards or filters: each path
names one value."""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(-?\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


class PathError(ValueError):
    pass


def compile_path(path: str) -> list[str | int]:
    """The steps of ``path``; PathError naming the first character that is not a step."""
    if not path.startswith("$"):
        raise PathError(f"{path!r}: a path starts with $ (e.g. $.status)")
    steps: list[str | int] = []
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            raise PathError(f"{path!r}: cannot read from character {pos + 1} ({path[pos : pos + 10]!r})")
        key, index, quoted, dquoted = m.groups()
        steps.append(int(index) if index is not None else (key or quoted or dquoted or ""))
        pos = m.end()
    return steps


def get(data: Any, path: str | list[str | int]) -> Any:
    """The value at ``path``, or None where the document has nothing there."""
    for step in compile_path(path) if isinstance(path, str) else path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
            data = data[step]
        else:
            if not isinstance(data, dict) or step not in data:
                return None
            data = data[step]
    return data
