"""The checks behind tests/test_architecture.py, as pure functions over source text, so each can be
fed a synthetic violation and shown to catch it.

- ``import_violations``: which package may import which (docs/architecture.md §2);
- ``size_violations``: no module over ``MAX_LINES`` lines unless allow-listed with a reason;
- ``carrier_literals``: no carrier key, or a path under a carrier's prefix, as a string in the core.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The packages whose imports are ruled (``bench`` and ``tests`` may import anything).
RULED = ("sim", "mock_carriers", "parcel_sandbox", "loadtests")
MAX_LINES = 400


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(packages: Iterable[str] = RULED, root: Path = ROOT) -> dict[str, tuple[Path, str]]:
    """module name -> (file, text) for every Python file of ``packages``."""
    out: dict[str, tuple[Path, str]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            out[module_name(path, root)] = (path, path.read_text(encoding="utf-8"))
    return out


# --- imports ------------------------------------------------------------------------------------


def imported(module: str, is_package: bool, tree: ast.Module, known: set[str]) -> list[str]:
    """Every module ``module`` imports, anywhere in its body (lazy and TYPE_CHECKING imports
    included): ``import a.b`` is ``a.b``; ``from a import b`` is ``a.b`` when that is a module, else
    ``a``; relative imports are resolved; ``importlib.import_module("a.b")`` with a literal counts."""
    out: list[str] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.append(candidate if candidate in known else base)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append(node.args[0].value)
    return out


@dataclass(frozen=True)
class Rule:
    name: str
    applies: tuple[str, ...]  # module prefixes the rule governs
    forbidden: tuple[str, ...]  # module prefixes it may not import
    exempt: tuple[str, ...] = ()  # module prefixes (of the importer) the rule skips


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def carrier_rules(carriers: Iterable[str]) -> list[Rule]:
    keys = tuple(carriers)
    rules = [
        Rule(
            "the core reaches carriers only through the registry",
            ("mock_carriers",),
            tuple(f"mock_carriers.carriers.{k}" for k in keys),
            exempt=("mock_carriers.carriers",),
        )
    ]
    for key in keys:
        others = tuple(f"mock_carriers.carriers.{k}" for k in keys if k != key)
        rules.append(
            Rule(
                "carriers never import each other",
                (f"mock_carriers.carriers.{key}",),
                (*others, "mock_carriers.carriers.registry"),
            )
        )
    return rules


#: The package rules of docs/architecture.md §2 (the carrier rules are added per registered key).
RULES: tuple[Rule, ...] = (
    Rule(
        "the simulation knows nothing of HTTP or the served sandbox",
        ("sim",),
        ("mock_carriers", "parcel_sandbox", "fastapi", "starlette", "uvicorn", "httpx"),
    ),
    Rule(
        "the pure simulation modules never import SimPy",
        (
            "sim.timing",
            "sim.incidents",
            "sim.network",
            "sim.places",
            "sim.events",
            "sim.scenario",
            # issue 12's data and pure models, which the world's processes call
            "sim.profiles",
            "sim.public_holidays",
            "sim.calendars",
            "sim.promises",
            "sim.eta",
            "sim.visibility",
        ),
        ("simpy",),
    ),
    Rule("the served sandbox never runs SimPy itself", ("mock_carriers",), ("simpy",)),
    Rule("the served sandbox never imports the application", ("mock_carriers",), ("parcel_sandbox",)),
    Rule("load tests talk HTTP only", ("loadtests",), ("sim", "mock_carriers", "parcel_sandbox")),
)


def import_violations(files: Mapping[str, tuple[Path, str]], rules: Iterable[Rule]) -> list[str]:
    """``module: imports X (rule)`` for every import a rule forbids."""
    known = set(files)
    out: list[str] = []
    rules = list(rules)
    for module, (path, text) in sorted(files.items()):
        targets = imported(module, path.name == "__init__.py", ast.parse(text), known)
        for rule in rules:
            if not any(_under(module, a) for a in rule.applies) or any(
                _under(module, e) for e in rule.exempt
            ):
                continue
            for target in dict.fromkeys(targets):
                if any(_under(target, f) for f in rule.forbidden):
                    out.append(f"{module}: imports {target} ({rule.name})")
    return sorted(out)


# --- sizes --------------------------------------------------------------------------------------


def size_violations(
    files: Mapping[str, tuple[Path, str]], allowed: Mapping[str, str], limit: int = MAX_LINES
) -> list[str]:
    """Modules over ``limit`` lines not in ``allowed`` (module -> why), and allow-list entries that
    no longer need to be there."""
    out: list[str] = []
    for module, (_, text) in sorted(files.items()):
        lines = text.count("\n")
        if lines > limit and module not in allowed:
            out.append(f"{module}: {lines} lines, over {limit} (split it by what its parts own)")
        if module in allowed and lines <= limit:
            out.append(f"{module}: {lines} lines, allow-listed but within {limit} (drop it from the list)")
    out += [f"{module}: allow-listed but not found" for module in allowed if module not in files]
    return out


# --- carrier facts in the core --------------------------------------------------------------------


def _docstrings(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def carrier_literals(files: Mapping[str, tuple[Path, str]], keys: Iterable[str]) -> list[str]:
    """``module:line: 'x'`` for every string constant (docstrings aside) that is a carrier key or a
    path under a carrier's prefix."""
    keys = tuple(keys)
    out: list[tuple[str, int, str]] = []
    for module, (_, text) in sorted(files.items()):
        tree = ast.parse(text)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
                continue
            value = node.value
            if value in keys or any(value == f"/{k}" or value.startswith(f"/{k}/") for k in keys):
                out.append(
                    (
                        module,
                        node.lineno,
                        f"{module}:{node.lineno}: {value!r} (a carrier fact in the shared core)",
                    )
                )
    return [line for _, _, line in sorted(out)]
