"""``parcel-sandbox run --report`` and ``parcel-sandbox report RUN_DIR``: the report lands in the
run directory and its path is printed; a directory that is not a run, or a corrupt one, is one
line and exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parcel_sandbox.cli import main as cli_main
from tests.report_world import small_report_run

pytestmark = pytest.mark.live  # builds a small world through the CLI


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_report_run(tmp_path_factory)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = cli_main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err.strip().splitlines()


def test_run_with_report_writes_it_beside_the_logs(run_dir: Path) -> None:
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "report-small" in text
    assert 'id="plot-flows"' in text and "<script src=" not in text


def test_report_of_a_run_dir_is_the_same_page(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    (copy / "report.html").unlink()
    code, out, err = run_cli(capsys, "report", str(copy))
    assert (code, err) == (0, [])
    assert f"report: {copy / 'report.html'}" in out
    assert (copy / "report.html").read_bytes() == (run_dir / "report.html").read_bytes()


def test_report_of_an_older_run_without_its_scenario(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Runs made before scenario.yaml travelled with the logs still get a report, wherever asked."""
    old = tmp_path / "old"
    old.mkdir()
    for name in ("events.jsonl", "truth.jsonl", "summary.json"):
        shutil.copy(run_dir / name, old / name)
    code, out, err = run_cli(capsys, "report", str(old), "--out", str(tmp_path / "elsewhere.html"))
    assert (code, err) == (0, [])
    assert f"report: {tmp_path / 'elsewhere.html'}" in out
    assert (tmp_path / "elsewhere.html").read_bytes() == (run_dir / "report.html").read_bytes()
    assert not (old / "report.html").exists()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: tmp / "nowhere", "not a run directory: no such directory"),
        (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt", "a file, not a directory"),
        (lambda tmp: tmp, "not a run directory: no events.jsonl, truth.jsonl, summary.json in it"),
    ],
    ids=["missing", "a-file", "empty"],
)
def test_not_a_run_directory_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, words: str
) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    code, _, err = run_cli(capsys, "report", str(target))
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"parcel-sandbox: {target}: ") and words in err[0]


def test_a_corrupt_log_is_one_line_naming_file_and_line(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(run_dir, bad)
    lines = (bad / "truth.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][:50] + "\n"
    (bad / "truth.jsonl").write_text("".join(lines), encoding="utf-8")
    code, _, err = run_cli(capsys, "report", str(bad))
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"{bad / 'truth.jsonl'}:3:") and "(json)" in err[0]


def test_an_unwritable_target_is_one_line(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "report", str(run_dir), "--out", "/proc/parcel-sandbox-report.html")
    assert code == 2 and len(err) == 1 and "cannot write /proc/parcel-sandbox-report.html" in err[0], err


def test_a_rerun_without_report_drops_the_old_one(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run directory holding report.html is a run's (``--out`` accepts it); the report describes
    the logs the new run replaces, so it goes with them."""
    again = tmp_path / "again"
    shutil.copytree(run_dir, again)
    code, _, err = run_cli(capsys, "run", str(again / "scenario.yaml"), "--out", str(again), "--quiet")
    assert (code, err) == (0, [])
    assert not (again / "report.html").exists()
    assert sorted(p.name for p in again.iterdir()) == [
        "events.jsonl",
        "scenario.yaml",
        "summary.json",
        "truth.jsonl",
    ]


def test_no_traceback_reaches_a_user_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "report", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"parcel-sandbox: {tmp_path}: not a run directory: no events.jsonl, truth.jsonl, summary.json in it "
        "(`parcel-sandbox run SCENARIO --out DIR` writes one)"
    ]


def test_the_report_benchmark_measures_against_the_summary_pass(run_dir: Path) -> None:
    from bench.report_bench import run_report_bench

    got = run_report_bench(run_dir)
    assert got["parcels"] == 135 and got["events"] > 1000
    assert got["summary_cpu_s"] > 0 and got["tally_over_summary"] > 0
    assert 0 < got["tally_peak_mb"] < 10 and 4 < got["page_mb"] < 8
