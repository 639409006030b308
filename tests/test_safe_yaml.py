"""sim.safe_yaml: hostile YAML ends as one located problem, before anything is expanded."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim import safe_yaml
from sim.safe_yaml import MAX_ALIASES, MAX_BYTES, MAX_DEPTH, MAX_NODES, YamlProblem

# The 585-byte reproduction made `validate` hang at 3.9 GB: nine levels of nine aliases.
LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    ]
)


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as exc:
        safe_yaml.load(text)
    return exc.value


@pytest.mark.live
def test_the_alias_bomb_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text(LAUGHS + "\n", encoding="utf-8")
    assert len(LAUGHS) < 600
    # 512 MB of address space (the interpreter and pydantic need ~150) and 30 s: the unbounded
    # loader needed 3.9 GB and never finished.
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20)); "
        "from parcel_sandbox.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    for command in ("validate", "run"):
        proc = subprocess.run(
            [sys.executable, "-c", code, command, str(bomb)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith(f"{bomb}:"), proc.stderr
        assert "too many YAML values" in proc.stderr and len(proc.stderr.splitlines()) == 1


@pytest.mark.unit
def test_aliases_count_as_what_they_repeat() -> None:
    # nine aliases of a 2,501-value list: small to read, 22,509 values once expanded
    text = "a: &a [" + ", ".join(["1"] * 2500) + "]\nb: [" + ", ".join(["*a"] * 9) + "]\n"
    p = problem(text)
    assert "too many YAML values" in p.message and p.path[0] == "b"
    # the same file with fewer aliases is fine, and the aliased lists are the same object
    data, _ = safe_yaml.load("a: &a [1, 2]\nb: [*a, *a]\n")
    assert data["b"] == [[1, 2], [1, 2]] and data["b"][0] is data["a"]


@pytest.mark.unit
def test_too_many_aliases() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    assert "too many aliases" in problem(text).message


@pytest.mark.unit
def test_too_many_values_without_aliases() -> None:
    text = "x:\n" + "".join(f"  - {i}\n" for i in range(MAX_NODES))
    p = problem(text)
    assert "too many YAML values" in p.message and p.line < MAX_NODES


@pytest.mark.unit
def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    p = problem("a: &x [1, *x]\n")
    assert (p.line, p.col, p.field) == (1, 11, "a.1") and "refers to itself" in p.message


@pytest.mark.unit
def test_undefined_alias_and_reused_anchor() -> None:
    assert "names no anchor" in problem("a: *nowhere\n").message
    p = problem("a: &q 1\nb: &q 2\n")
    assert (p.line, p.field, p.message) == (2, "b", "anchor &q is already defined at line 1")


@pytest.mark.unit
@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_nesting_is_bounded_before_recursing(opening: str) -> None:
    # far deeper than Python's recursion limit: refused at MAX_DEPTH, no RecursionError
    text = (
        "x: " + opening * 5000 if opening != "- " else "x:\n" + "".join("  " * i + "- \n" for i in range(300))
    )
    p = problem(text)
    assert "nest" in p.message
    assert len(p.path) <= MAX_DEPTH + 1


@pytest.mark.unit
def test_nesting_up_to_the_limit_is_fine() -> None:
    text = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    data, _ = safe_yaml.load(text)
    assert isinstance(data["x"], list)


@pytest.mark.unit
def test_duplicate_keys_name_both_lines() -> None:
    p = problem("seed: 1\nname: x\nseed: 2\n")
    assert (p.line, p.col, p.field, p.message) == (3, 1, "seed", "duplicate key (first at line 1)")


@pytest.mark.unit
def test_duplicate_keys_compare_as_python_does() -> None:
    # `1` and `true` are the same dict key in Python: PyYAML would keep one silently
    p = problem("errors:\n  1: 0.1\n  true: 0.2\n")
    assert p.line == 3 and "first at line 2" in p.message
    # nested, in flow style too
    p = problem("a:\n  b: {c: 1, c: 2}\n")
    assert (p.line, p.field) == (2, "a.b.c")
    # the same key in two different mappings is not a duplicate; a merge key may be overridden
    data, _ = safe_yaml.load("x: {k: 1}\ny: {k: 2}\nz: &m {k: 3}\nw:\n  <<: *m\n  k: 4\n")
    assert data["w"] == {"k": 4}


@pytest.mark.unit
def test_long_numbers_are_refused_before_conversion() -> None:
    p = problem("seed: " + "9" * 5000 + "\n")
    assert (p.line, p.col, p.field) == (1, 7, "seed") and "number too long" in p.message
    assert safe_yaml.load("seed: 9223372036854775807\n")[0]["seed"] == 2**63 - 1


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("s: 0000-01-01\n", "'0000-01-01' is not a valid timestamp (year 0 is out of range)"),
        ("s: 2026-02-30\n", "'2026-02-30' is not a valid timestamp (day is out of range for month)"),
        ("s: !!int\n", "'' is not a valid int"),
        ("s: !!bool maybe\n", "'maybe' is not a valid bool"),
        ("s: !!int 0o9\n", "'0o9' is not a valid int"),
        ("a: !!python/object/apply:os.system ['true']\n", "could not determine a constructor"),
        ("a: [1, 2\n", "expected"),
        ("a: b\n---\nc: d\n", "one YAML document"),
        ("a: \x07\n", "control characters"),
        ("? [a, b]\n: 1\n", "unhashable"),
        ("a: !!binary 'QQ='\n", "base64"),
    ],
)
def test_bad_yaml_is_one_located_problem(text: str, words: str) -> None:
    p = problem(text)
    assert words in p.message
    assert p.line >= 1 and p.col >= 1


@pytest.mark.unit
def test_a_construction_problem_names_its_field() -> None:
    p = problem("start: 2026-01-01\ncases:\n  - ship_at: 2026-13-01\n")
    assert (p.line, p.col, p.field) == (3, 14, "cases.0.ship_at")


@pytest.mark.unit
def test_size_limit() -> None:
    p = problem("a: " + "x" * MAX_BYTES + "\n")
    assert "file too large" in p.message and p.path == ()


@pytest.mark.unit
def test_positions_of_keys_and_values() -> None:
    _, where = safe_yaml.load(
        textwrap.dedent(
            """\
            name: x
            carriers:
              ups: {share: 1.0}
            list:
              - a
              - b: 2
            """
        )
    )
    assert where.keys[("carriers", "ups")] == (3, 3)
    assert where.values[("carriers", "ups", "share")] == (3, 16)
    assert where.values[("list", 1, "b")] == (6, 8)
    assert where.locate(("list", 1, "b", "deeper")) == (6, 8)
    assert where.locate(("nowhere",)) == (1, 1)


@pytest.mark.unit
def test_positions_never_follow_an_alias() -> None:
    # a value reached through an alias is located at the alias, and nothing under it is recorded
    _, where = safe_yaml.load("a: &a {k: [1, 2]}\nb: *a\n")
    assert where.values[("b",)] == (2, 4)
    assert ("b", "k") not in where.values
    assert where.locate(("b", "k", 1)) == (2, 4)


@pytest.mark.unit
def test_empty_and_comment_only_documents_are_none() -> None:
    assert safe_yaml.load("")[0] is None
    assert safe_yaml.load("# nothing\n")[0] is None
