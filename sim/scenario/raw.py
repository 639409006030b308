"""A section of the scenario file the simulation does not read, kept as written — with where each of
its fields sits — for the layer that does.

``faults:`` is one: what the served carrier APIs get wrong is the served sandbox's business
(``mock_carriers.faults``), never the world's, so the simulation keeps the section as data and the
served sandbox validates it against its own models with ``RawSection.validate`` — a mistake is still
``file:line:col: faults.field.path: message``, from ``parcel-sandbox validate`` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)

from sim import safe_yaml
from sim.scenario.located import ScenarioError, located_problems

M = TypeVar("M", bound=BaseModel)

#: Where a scenario came from; the loader passes it as pydantic's validation context ``source``.
SOURCE = "source"


@dataclass(frozen=True, slots=True)
class Source:
    filename: str
    positions: safe_yaml.Positions


class RawSection:
    """The section ``name`` as the file wrote it (a mapping), and where it came from."""

    __slots__ = ("data", "name", "source")

    def __init__(self, name: str, data: dict[str, Any], source: Source | None = None) -> None:
        self.name = name
        self.data = data
        self.source = source

    def __eq__(self, other: object) -> bool:  # the same section wherever it was read from
        return isinstance(other, RawSection) and (self.name, self.data) == (other.name, other.data)

    __hash__ = None  # type: ignore[assignment]  # mutable data, like the dict it holds

    def __repr__(self) -> str:
        return f"RawSection({self.name!r}, {self.data!r})"

    def validate(self, model: type[M]) -> M:
        """The section as ``model``, or ``ScenarioError`` locating every problem in the file (a
        scenario built in code, without a file, names ``<scenario>`` and line 1)."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            source = self.source or Source("<scenario>", safe_yaml.Positions())
            raise ScenarioError(
                located_problems(exc, source.filename, source.positions, prefix=(self.name,))
            ) from None


def raw_section(name: str) -> Any:
    """The pydantic type of a raw section ``name``: any mapping, kept with its source."""

    def validate(value: Any, info: ValidationInfo) -> RawSection:
        if isinstance(value, RawSection):
            return value
        if not isinstance(value, dict):
            raise ValueError(f"expected a mapping, got {type(value).__name__}")
        source = (info.context or {}).get(SOURCE)
        return RawSection(name, value, source if isinstance(source, Source) else None)

    return Annotated[
        RawSection,
        PlainValidator(validate),
        PlainSerializer(lambda section: section.data),
        WithJsonSchema({"type": "object"}),
    ]
