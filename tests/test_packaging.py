"""The wheel stands alone: installed (not editable) into a fresh virtualenv, ``parcel-sandbox``
lists every shipped scenario, runs one and names pinned cases — with no source tree in sight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from sim.scenario import shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel built from this tree installed in it; returns its bin/.

    The wheel is built by hatchling from the dev extras (no build isolation, so no download) and
    installed without dependencies; the dependencies come from this test's own environment through
    a path entry placed after the new venv's site-packages, so ``sim`` and ``mock_carriers`` resolve
    to the installed wheel (checked below) while nothing is fetched from a registry.
    """
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("parcel_sandbox-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env_dir / "bin"


def _cli(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(bin_dir / "parcel-sandbox"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env=env,
    )


@pytest.mark.slow
@pytest.mark.live
def test_the_installed_wheel_ships_and_runs_the_scenarios(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import sim, mock_carriers; print(sim.__file__, mock_carriers.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(installed.parent) for p in where), where  # the wheel, not the tree

    listed = _cli(installed, "scenarios", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    names = set(shipped_scenarios())
    assert len(names) == 12
    for name in names:
        assert name in listed.stdout, name
    assert "invalid" not in listed.stdout

    cases = _cli(installed, "cases", "lost_parcels", "--json", cwd=tmp_path)
    assert cases.returncode == 0, cases.stderr
    assert {c["story"] for c in json.loads(cases.stdout)} >= {"lost"}

    run = _cli(installed, "run", "baseline", "--out", str(tmp_path / "out"), "--quiet", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "baseline" and summary["parcels"] > 10_000
    assert (tmp_path / "out" / "scenario.yaml").read_text(encoding="utf-8") == (
        ROOT / "scenarios" / "baseline.yaml"
    ).read_text(encoding="utf-8")

    # the run report's world outlines ship in the wheel: the map draws offline from an install
    report = _cli(installed, "report", str(tmp_path / "out"), cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "window.PlotlyGeoAssets.topojson.world_110m = {" in page


@pytest.mark.slow
@pytest.mark.live
def test_the_installed_wheel_ships_the_ui_assets(installed: Path, tmp_path: Path) -> None:
    """/_sandbox/ui is served from the package: every file the page loads is in the wheel."""
    from mock_carriers.ui.pages import ASSETS, PAGE

    script = (
        "import importlib.resources as r, sys; d = r.files('mock_carriers.ui') / 'static'; "
        "print(*[n for n in sys.argv[1:] if not (d / n).is_file()])"
    )
    missing = subprocess.run(
        [str(installed / "python"), "-c", script, PAGE, *ASSETS],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert missing == []
