"""``python -m sim.golden --check``: compares without writing, and says which traces moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim import golden

pytestmark = pytest.mark.unit


@pytest.fixture
def pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "golden.json"
    path.write_text(json.dumps({"baseline": "aa", "returns": "bb"}), encoding="utf-8")
    # the runs themselves are the scenario tests' business; here only the comparison is under test
    monkeypatch.setattr(golden, "hashes", lambda names: {"baseline": "aa", "returns": "cc"})
    return path


def test_check_passes_when_the_named_traces_match(pinned: Path) -> None:
    assert golden.main(["--check", "baseline"], golden_file=pinned) == 0


def test_check_fails_on_a_moved_trace_and_writes_nothing(
    pinned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = pinned.read_text(encoding="utf-8")
    assert golden.main(["--check", "baseline", "returns"], golden_file=pinned) == 1
    out = capsys.readouterr().out
    assert "returns                  CHANGED cc" in out and "baseline                 ok" in out
    assert pinned.read_text(encoding="utf-8") == before


def test_unknown_names_and_partial_repins_are_refused(pinned: Path) -> None:
    with pytest.raises(SystemExit) as unknown:
        golden.main(["--check", "atlantis"], golden_file=pinned)
    assert unknown.value.code == 2
    with pytest.raises(SystemExit) as partial:
        golden.main(["baseline"], golden_file=pinned)
    assert partial.value.code == 2
