"""YAML for scenario files that a hostile file cannot turn into a hang, a crash or a memory spike.

PyYAML composes a document into nodes and then constructs Python objects; an alias (``*a``) makes
a node reachable from many places, so a 600-byte "billion laughs" file composes into a few dozen
nodes that expand into 10⁹ values as soon as anything walks the result. Here the composer counts
while it composes, before anything is expanded:

- every node, with each alias counted as the full size of what it names (``MAX_NODES``);
- aliases (``MAX_ALIASES``), and an alias to a node still being composed (a cycle) is refused;
- nesting depth (``MAX_DEPTH``), checked before descending, so no recursion limit is ever hit;
- duplicate mapping keys (as Python would compare them: ``1``, ``1.0`` and ``true`` collide), an
  error naming both lines, where PyYAML keeps the last one silently;
- number literals longer than ``MAX_NUMBER_CHARS`` (Python refuses to convert 4,300+ digits anyway).

The composer also records where each field is (``Positions``) as it goes, so reporting an error
never walks the document again and never follows an alias. Files over ``MAX_BYTES`` are refused
before parsing. Events come from libyaml when PyYAML has it (a 1 MB file parses in well under a
second), else from PyYAML's pure-Python parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:  # libyaml's event parser: about 8x faster than the pure-Python one
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


#: Largest scenario file read, in bytes (1 MiB). A real scenario is a few kilobytes.
MAX_BYTES = 1024 * 1024
#: Most YAML nodes in a document, each alias counted as the whole of what it names.
MAX_NODES = 20_000
#: Most aliases (``*name``) in a document.
MAX_ALIASES = 1_000
#: Deepest nesting of mappings and lists (a scenario needs 7).
MAX_DEPTH = 32
#: Longest number literal, in characters (a 64-bit seed has 19 digits).
MAX_NUMBER_CHARS = 40

_MERGE = "tag:yaml.org,2002:merge"

Path = tuple[Any, ...]


class YamlProblem(Exception):
    """A located problem: line and column (1-based), the field path, and the message."""

    def __init__(self, line: int, col: int, path: Path, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.path, self.message = line, col, path, message

    @property
    def field(self) -> str:
        return format_path(self.path)


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-*<]{1,64}$")


def format_path(path: Path) -> str:
    """A field path as error lines print it: ``carriers.ups.share``; a key that is not a plain
    word is quoted and escaped (``expect.'a\\x20b'``), so the path stays one unambiguous word."""
    parts = []
    for p in path:
        text = str(p) if isinstance(p, int | float) or p is None else p
        if not isinstance(text, str) or not _PLAIN_KEY.match(text):
            shown = repr(p) if isinstance(p, str) else repr(str(p))
            shown = shown if len(shown) <= 66 else shown[:64] + "…'"
            # no space or colon either: a line still splits on ": " into file, field and message
            text = "".join(f"\\x{ord(c):02x}" if c.isspace() or c == ":" else c for c in shown)
        parts.append(text)
    return ".".join(parts) or "(root)"


@dataclass
class Positions:
    """Where each field is: ``values[path]`` the start of its value, ``keys[path]`` of its key."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Path, *, key: bool = False) -> tuple[int, int]:
        """The nearest recorded position of ``loc`` or of the closest field that contains it."""
        if key and loc in self.keys:
            return self.keys[loc]
        probe = loc
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def path_at(self, line: int, col: int) -> Path:
        """The field whose value starts at this position (for errors found after composing)."""
        for path, where in self.values.items():
            if where == (line, col) and "?" not in path:
                return path
        return ()


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _BoundedComposer(Composer):
    """PyYAML's composer with counting, a depth check, duplicate keys and positions."""

    def __init__(self) -> None:
        super().__init__()
        self.node_count = 0
        self.alias_count = 0
        self.path: list[Any] = []
        self.positions = Positions()
        self._sizes: dict[int, int] = {}  # id(node) -> nodes it stands for, once fully composed

    def _problem(self, mark: Any, message: str) -> YamlProblem:
        return YamlProblem(*_mark(mark), tuple(self.path), message)

    def _count(self, n: int, mark: Any) -> None:
        self.node_count += n
        if self.node_count > MAX_NODES:
            raise self._problem(
                mark, f"too many YAML values: more than {MAX_NODES:,} (aliases count as what they repeat)"
            )

    def get_single_node(self) -> Node | None:
        self.get_event()  # stream start
        root = None if self.check_event(StreamEndEvent) else self.compose_document()
        if not self.check_event(StreamEndEvent):
            raise self._problem(
                self.peek_event().start_mark, "a scenario is one YAML document; another starts here"
            )
        self.get_event()
        return root

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        self.positions.values[tuple(self.path)] = _mark(event.start_mark)
        if isinstance(event, AliasEvent):
            self.get_event()
            node = self.anchors.get(event.anchor)
            if node is None:
                raise self._problem(event.start_mark, f"alias *{event.anchor} names no anchor before it")
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                raise self._problem(event.start_mark, f"too many aliases: more than {MAX_ALIASES:,}")
            size = self._sizes.get(id(node))
            if size is None:
                raise self._problem(event.start_mark, f"alias *{event.anchor} refers to itself")
            self._count(size, event.start_mark)
            return node
        if event.anchor is not None and event.anchor in self.anchors:
            first = _mark(self.anchors[event.anchor].start_mark)[0]
            raise self._problem(
                event.start_mark, f"anchor &{event.anchor} is already defined at line {first}"
            )
        if isinstance(event, SequenceStartEvent | yaml.MappingStartEvent) and len(self.path) >= MAX_DEPTH:
            raise self._problem(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
        before = self.node_count
        self._count(1, event.start_mark)
        node = super().compose_node(parent, index)
        self._sizes[id(node)] = self.node_count - before
        return node

    def compose_scalar_node(self, anchor: str | None) -> ScalarNode:
        event = self.peek_event()
        assert isinstance(event, ScalarEvent)
        node = super().compose_scalar_node(anchor)
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            if len(node.value) > MAX_NUMBER_CHARS:
                raise self._problem(
                    event.start_mark,
                    f"number too long ({len(node.value):,} characters; at most {MAX_NUMBER_CHARS})",
                )
        return node

    def compose_sequence_node(self, anchor: str | None) -> SequenceNode:
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(SequenceNode, None, start.implicit)
        node = SequenceNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        index = 0
        while not self.check_event(SequenceEndEvent):
            self.path.append(index)
            node.value.append(self.compose_node(node, index))
            self.path.pop()
            index += 1
        node.end_mark = self.get_event().end_mark
        return node

    def compose_mapping_node(self, anchor: str | None) -> MappingNode:
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(MappingNode, None, start.implicit)
        node = MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        seen: dict[Any, int] = {}
        while not self.check_event(MappingEndEvent):
            self.path.append("?")  # a key's own position is recorded under its mapping's path
            key_node = self.compose_node(node, None)
            self.path.pop()
            key = self._key(key_node)
            self.path.append(key)
            here = _mark(key_node.start_mark)
            self.positions.keys[tuple(self.path)] = here
            if key_node.tag != _MERGE and key is not _UNHASHABLE:
                first = seen.get(key)
                if first is not None:
                    raise self._problem(key_node.start_mark, f"duplicate key (first at line {first})")
                seen[key] = here[0]
            value_node = self.compose_node(node, key_node)
            self.path.pop()
            node.value.append((key_node, value_node))
        node.end_mark = self.get_event().end_mark
        return node

    def _key(self, key_node: Node) -> Any:
        """The key as the constructed mapping will have it (so duplicates compare as Python does)."""
        if key_node.tag == _MERGE:
            return "<<"
        if not isinstance(key_node, ScalarNode):
            return _UNHASHABLE
        if key_node.tag == "tag:yaml.org,2002:str":  # nearly every key: no constructor needed
            return key_node.value
        try:
            key = self.construct_object(key_node)  # type: ignore[attr-defined]
            hash(key)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return key_node.value  # construction reports it properly later
        return key


_UNHASHABLE = object()


class _SafeConstructor(SafeConstructor):
    """SafeConstructor whose conversions fail as located YAML errors: PyYAML's own raise
    IndexError for ``!!int ''``, KeyError for ``!!bool x``, ValueError for ``!!int 0o9``."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as exc:
            tag = node.tag.rsplit(":", 1)[-1]
            what = repr(node.value[:40]) if isinstance(node.value, str) else "this"
            why = f" ({exc})" if isinstance(exc, ValueError | OverflowError) else ""
            raise ConstructorError(None, None, f"{what} is not a valid {tag}{why}", node.start_mark) from None


class _Loader(_BoundedComposer, _Parser, _SafeConstructor, Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _SafeConstructor.__init__(self)
        Resolver.__init__(self)
        _BoundedComposer.__init__(self)


def load(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document within the limits above.

    Returns the data and the positions of its fields; raises ``YamlProblem`` for anything wrong,
    from a syntax error to a document over a limit — never another exception.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise YamlProblem(1, 1, (), f"file too large: {size:,} bytes (at most {MAX_BYTES:,})")
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        line, col = _mark(exc.problem_mark or exc.context_mark)
        path = loader.positions.path_at(line, col) if loader is not None else ()
        raise YamlProblem(line, col, path, str(exc.problem or exc.context or exc).strip()) from None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
        line, col = _offset_position(text, getattr(exc, "position", 0))
        raise YamlProblem(line, col, (), str(getattr(exc, "reason", None) or exc)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, loader.positions


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    before = text[: max(0, offset)]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
