"""Finding the shipped scenarios (a source checkout and an installed wheel lay them out
differently), resolving a scenario argument, and the pieces of a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import SHIPPED_DIRS, ScenarioError, resolve, shipped_scenarios, world_error
from sim.scenario.disruptions import KINDS
from sim.scenario.loader import shipped_dirs
from sim.scenario.located import _clean_loc

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parent.parent


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_a_source_checkout_reads_the_root_scenarios_after_the_package_data(tmp_path: Path) -> None:
    tree(tmp_path, {"pyproject.toml": "", "sim/__init__.py": "", "scenarios/a.yaml": "name: a\n"})
    assert shipped_dirs(tmp_path / "sim") == (tmp_path / "sim/scenarios_data", tmp_path / "scenarios")


def test_an_installed_package_reads_only_its_own_data(tmp_path: Path) -> None:
    # site-packages/ holds no pyproject.toml: a scenarios/ folder beside the package is not ours
    tree(tmp_path, {"sim/__init__.py": "", "sim/scenarios_data/a.yaml": "", "scenarios/stray.yaml": ""})
    dirs = shipped_dirs(tmp_path / "sim")
    assert dirs == (tmp_path / "sim/scenarios_data",)
    assert shipped_scenarios(dirs) == {"a": tmp_path / "sim/scenarios_data/a.yaml"}


def test_the_package_data_wins_a_name_found_twice(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "sim/scenarios_data/b.yaml": "",
            "scenarios/b.yaml": "",
            "scenarios/a.yaml": "",
            "scenarios/notes.txt": "",
            "scenarios/c.yml": "",
        },
    )
    found = shipped_scenarios(shipped_dirs(tmp_path / "sim"))
    assert found == {"b": tmp_path / "sim/scenarios_data/b.yaml", "a": tmp_path / "scenarios/a.yaml"}
    assert list(found) == ["b", "a"]  # folder by folder, each sorted


def test_missing_folders_are_no_scenarios(tmp_path: Path) -> None:
    assert shipped_scenarios(shipped_dirs(tmp_path / "sim")) == {}


def test_this_checkout_ships_the_scenarios_folder() -> None:
    assert SHIPPED_DIRS[-1] == REPO / "scenarios"
    assert shipped_scenarios() == {p.stem: p for p in sorted((REPO / "scenarios").glob("*.yaml"))}


def test_resolve_takes_a_file_before_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve("baseline") == REPO / "scenarios/baseline.yaml"
    (tmp_path / "baseline").write_text("name: mine\n", encoding="utf-8")
    assert resolve("baseline") == Path("baseline")
    with pytest.raises(ScenarioError) as exc:
        resolve("nope")
    assert exc.value.problems == [
        f"nope:1:1: (file): no such file or shipped scenario (shipped: {', '.join(shipped_scenarios())})"
    ]


def test_error_locations_drop_what_is_not_in_the_file() -> None:
    assert KINDS == ("weather", "hub_outage", "linehaul_breakdown")
    loc = ("disruptions", 0, "hub_outage", "function-after[_x(), str]", "start")
    assert _clean_loc(loc) == ("disruptions", 0, "start")
    assert _clean_loc(("carriers", "ups", "[key]")) == ("carriers", "ups")
    assert _clean_loc(("network", "lanes", 0, "departures", 1)) == ("network", "lanes", 0, "departures", 1)


def test_a_world_error_points_at_the_field_it_names(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("name: x\ncarriers:\n  ups:\n    share: 1\n    partner: {economy: usps}\n", encoding="utf-8")
    named = world_error(f, ValueError("carriers.ups.partner: usps reaches nowhere"))
    assert named.problems == [f"{f}:5:5: carriers.ups.partner: usps reaches nowhere"]
    # a field the file does not hold: its nearest parent that it does
    deeper = world_error(f, ValueError("carriers.ups.partner.ground: no route"))
    assert deeper.problems == [f"{f}:5:5: carriers.ups.partner.ground: no route"]
    unnamed = world_error(f, ValueError("no route at all, anywhere"))
    assert unnamed.problems == [f"{f}:1:1: (world): no route at all, anywhere"]
