"""A verification's result three ways: a terminal table (rich), JSON, and one self-contained HTML
file (plotly with its JavaScript inlined: it opens offline, from a CI artifact), drawn in the
style every parcel-sandbox report shares (``parcel_sandbox.report.plotting``)."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots
from rich.console import Console
from rich.table import Table

from parcel_sandbox.report.plotting import figure_div, page, styled, table


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and unit == "%":
        return f"{value:.1%}"
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """(measure, value) lines the table and the HTML share."""
    acc, lag, eta = result["accuracy"], result["lag"], result["eta"]
    out = [
        ("parcels followed", str(result["run"]["parcels"])),
        ("answers scored", str(acc["answers"])),
        ("status accuracy", _fmt(acc["accuracy"], "%")),
        ("tracker errors", str(acc["errors"])),
        (
            "update lag p50 / p90 / max",
            f"{_fmt(lag['p50_hours'], ' h')} / {_fmt(lag['p90_hours'], ' h')} / "
            f"{_fmt(lag['max_hours'], ' h')}",
        ),
        ("status changes never shown", f"{lag['never']} of {lag['changes']}"),
    ]
    for kind, row in result["exceptions"].items():
        caught = f"{row['caught']} of {row['seen']}" if row["seen"] else "none seen"
        if row["seen"] and row["median_late_hours"] is not None:
            caught += f", median {row['median_late_hours']:g} h late"
        out.append((f"caught: {kind}", caught))
    out.append(
        (
            "ETA error (tracker / carrier)",
            f"{_fmt(eta['mean_abs_days'], ' d')} / {_fmt(eta['carrier_mean_abs_days'], ' d')}",
        )
    )
    out.append(("misdelivered (carrier says delivered)", str(result["misdelivered"]["parcels"])))
    return out


def print_table(result: dict[str, Any], console: Console) -> None:
    run = result["run"]
    table = Table(title=f"verify: {run['tracker']} against {run['scenario']} (seed {run['seed']})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in rows(result):
        table.add_row(name, value)
    console.print(table)
    if result["passed"]:
        console.print("[green]PASS[/]: every threshold met")
    else:
        console.print("[red]FAIL[/]:")
        for finding in result["findings"]:
            console.print(f"  - {finding}")


def write_json(result: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def figure(result: dict[str, Any]) -> go.Figure:
    """Accuracy per carrier, exceptions caught per kind, and each parcel's status timeline."""
    per_carrier: dict[str, list[int]] = {}
    for p in result["parcels"]:
        tally = per_carrier.setdefault(p["carrier"], [0, 0])
        tally[0] += p["right"]
        tally[1] += p["answers"]
    carriers = sorted(per_carrier)
    kinds = [k for k, row in result["exceptions"].items() if row["seen"]]
    fig = make_subplots(
        rows=2,
        cols=2,
        specs=[[{}, {}], [{"colspan": 2}, None]],
        subplot_titles=("status accuracy per carrier", "exceptions caught", "wrong answers over time"),
        vertical_spacing=0.15,
    )
    fig.add_trace(
        go.Bar(
            x=carriers,
            y=[per_carrier[c][0] / per_carrier[c][1] if per_carrier[c][1] else 0 for c in carriers],
            name="accuracy",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(x=kinds, y=[result["exceptions"][k]["seen"] for k in kinds], name="seen"), row=1, col=2
    )
    fig.add_trace(
        go.Bar(x=kinds, y=[result["exceptions"][k]["caught"] for k in kinds], name="caught"), row=1, col=2
    )
    wrong: dict[float, int] = {}
    total: dict[float, int] = {}
    for p in result["parcels"]:
        for t, carrier, tracker, _word in p["timeline"]:
            if carrier is None:
                continue
            total[t] = total.get(t, 0) + 1
            wrong[t] = wrong.get(t, 0) + (tracker != carrier)
    times = sorted(total)
    fig.add_trace(
        go.Scatter(
            x=[datetime.fromtimestamp(t, UTC).isoformat() for t in times],
            y=[wrong[t] / total[t] for t in times],
            mode="lines+markers",
            name="share wrong",
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(tickformat=".0%", row=1, col=1, range=[0, 1])
    fig.update_yaxes(tickformat=".0%", row=2, col=1, range=[0, 1])
    return styled(fig, height=720, barmode="group")


def write_html(result: dict[str, Any], path: Path) -> None:
    """One file: the verdict, the findings, the measures, the charts (plotly.js inlined) and the
    parcels the tracker got wrong."""
    run = result["run"]
    verdict = "PASS" if result["passed"] else "FAIL"
    findings = "".join(f"<li>{html.escape(f)}</li>" for f in result["findings"]) or "<li>none</li>"
    worst = sorted(
        (p for p in result["parcels"] if p["answers"] and p["right"] < p["answers"]),
        key=lambda p: p["right"] / p["answers"],
    )[:50]
    parcels = "".join(
        f"<tr><td>{html.escape(p['tracking_number'])}</td><td>{html.escape(p['carrier'])}</td>"
        f"<td>{html.escape(p['case'] or '')}</td><td>{html.escape(str(p['fate']))}</td>"
        f"<td>{p['right']} / {p['answers']}</td></tr>"
        for p in worst
    )
    body = f"""<h1 id="verdict" class="{verdict}">{verdict}</h1>
<p>Tracker <code>{html.escape(str(run["tracker"]))}</code> against scenario
<b>{html.escape(str(run["scenario"]))}</b> (seed {run["seed"]}), {html.escape(run["from"])} →
{html.escape(run["to"])}, {run["steps"]} steps of {run["step_hours"]:g} h,
{run["grace_seconds"]:g} s grace.</p>
<h2>Findings</h2><ul id="findings">{findings}</ul>
<h2>Measures</h2>{table(rows(result), "measures")}
<h2>Charts</h2>{figure_div(figure(result), "verify-charts")}
<h2>Parcels with wrong answers</h2>
<table id="parcels"><tr><th>number</th><th>carrier</th><th>case</th><th>fate</th><th>right</th></tr>
{parcels}</table>"""
    path.write_text(page(f"verify: {verdict}", body), encoding="utf-8")
