"""``report.html`` for a run directory: its logs read once, line by line, into a ``RunTally``, then
drawn into one self-contained page (plotly.js and the world outlines inlined; no network).

A run directory is what ``parcel-sandbox run --out DIR`` writes; the report needs its
``events.jsonl``, ``truth.jsonl`` and ``summary.json`` (``scenario.yaml``, which later versions add,
is not needed), so a run from an earlier version gets a report too.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from parcel_sandbox.report import REPORT_FILE, figures
from parcel_sandbox.report.aggregate import RunTally
from parcel_sandbox.report.plotting import figure_div, page, table
from parcel_sandbox.report.summary_rows import summary_rows
from sim.errors import UsageError
from sim.scenario import ScenarioError

NEEDED = ("events.jsonl", "truth.jsonl", "summary.json")


def check_run_dir(run_dir: Path) -> None:
    """A UsageError, one line, unless ``run_dir`` holds a run's logs."""
    hint = "`parcel-sandbox run SCENARIO --out DIR` writes one"
    if not run_dir.exists():
        raise UsageError(f"{run_dir}: not a run directory: no such directory ({hint})")
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: not a run directory: a file, not a directory ({hint})")
    missing = [name for name in NEEDED if not (run_dir / name).is_file()]
    if missing:
        raise UsageError(f"{run_dir}: not a run directory: no {', '.join(missing)} in it ({hint})")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a log, read as bytes and decoded line by line, so a bad byte is
    named at its line; a file that cannot be read is one ScenarioError."""
    try:
        with path.open("rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    yield lineno, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ScenarioError([f"{path}:{lineno}:{exc.start + 1}: (utf-8): {exc.reason}"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}:1:1: (file): cannot read: {exc.strerror or exc}"]) from None


def _fed(path: Path, feed: Callable[[int, str], None]) -> None:
    """Each line of ``path`` to ``feed``; a line it cannot take is one ScenarioError naming it."""
    lineno = 0
    try:
        for lineno, line in _lines(path):
            if line.strip():
                feed(lineno, line)
    except orjson.JSONDecodeError as exc:
        raise ScenarioError([f"{path}:{lineno}:{exc.colno}: (json): {exc.msg}"]) from None
    except KeyError as exc:
        raise ScenarioError([f"{path}:{lineno}:1: {exc.args[0]}: missing"]) from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise ScenarioError([f"{path}:{lineno}:1: (record): {exc}"]) from None


def tally_run(run_dir: Path) -> dict[str, Any]:
    """The report's figures for a run directory, in one pass over each log."""
    tally = RunTally()
    _fed(run_dir / "events.jsonl", lambda _n, line: tally.add_event_line(line))

    def truth(_n: int, line: str) -> None:
        record = orjson.loads(line)
        if not isinstance(record, dict):
            raise TypeError(f"a record is a JSON object, got {type(record).__name__}")
        tally.add_truth(record)

    _fed(run_dir / "truth.jsonl", truth)
    return tally.result()


def read_summary(path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path}:{exc.lineno}:{exc.colno}: (json): {exc.msg}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}:1:1: (file): cannot read: {exc}"]) from None
    if not isinstance(summary, dict):
        raise ScenarioError([f"{path}:1:1: (json): summary.json is an object, got {type(summary).__name__}"])
    return summary


def render(summary: dict[str, Any], result: dict[str, Any]) -> str:
    """The report page for a run's summary.json and its tally."""
    name = str(summary.get("scenario", "run"))
    seed = summary.get("seed")
    days = result["per_day"]["days"]
    span = f"{days[0]} → {days[-1]}" if days else "no parcels"
    intro = (
        f"<h1>{html.escape(name)}</h1>"
        f'<p class="muted" id="about">seed {html.escape(str(seed))} · {result["parcels"]:,} parcels · '
        f"{result['events']:,} scan events · {html.escape(span)} (local dates)</p>"
    )
    plots = "".join(
        f"<h2>{html.escape(heading)}</h2>{figure_div(build(result), div_id)}"
        for div_id, heading, build in figures.PLOTS
    )
    summary_table = table(summary_rows(summary), "summary", header=("measure", "value"))
    body = (
        f"{intro}<h2>Summary</h2>{summary_table}"
        '<p class="muted">summary.json as the run wrote it; its <code>definitions</code> say what each '
        "figure counts.</p>"
        f"{plots}"
    )
    return page(f"parcel-sandbox run report: {name}", body, maps=True)


def write_report(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write ``report.html`` (or ``out``) for a run directory and return its path."""
    run = Path(run_dir)
    check_run_dir(run)
    summary = read_summary(run / "summary.json")
    target = Path(out) if out is not None else run / REPORT_FILE
    text = render(summary, tally_run(run))
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
