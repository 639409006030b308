"""JSONL writers for the event and truth logs: streamed to disk, one object per line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol


class _Jsonable(Protocol):
    def to_json(self) -> str: ...


class JsonlSink:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.count = 0

    def write(self, items: Iterable[_Jsonable]) -> None:
        lines = [item.to_json() for item in items]
        if lines:
            self._fh.write("\n".join(lines))
            self._fh.write("\n")
            self.count += len(lines)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> JsonlSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
