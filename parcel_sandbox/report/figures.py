"""The run report's plots, drawn from ``RunTally.result()`` (``parcel_sandbox.report.aggregate``):
one plotly figure per question, in the shared style (``parcel_sandbox.report.plotting``)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from parcel_sandbox.report.aggregate import DISTANCE_BANDS
from parcel_sandbox.report.plotting import styled

#: Line widths of the flow map's volume classes (quartiles of the flows shown), thinnest first.
FLOW_WIDTHS = (1.0, 2.0, 3.5, 6.0)


def _empty(fig: go.Figure, what: str) -> go.Figure:
    """A figure with nothing to plot says so instead of drawing empty axes."""
    fig.add_annotation(text=what, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def parcels_per_day(r: dict[str, Any]) -> go.Figure:
    d = r["per_day"]
    fig = go.Figure()
    fig.add_bar(x=d["days"], y=d["labelled"], name="labelled")
    fig.add_bar(x=d["days"], y=d["delivered"], name="delivered")
    # scans of trouble are tens a day against thousands of parcels: their own axis, on the right
    fig.add_scatter(
        x=d["days"],
        y=d["delivery_attempted"],
        name="failed attempts (scans)",
        mode="lines+markers",
        yaxis="y2",
    )
    fig.add_scatter(
        x=d["days"],
        y=[a + b for a, b in zip(d["exception"], d["delayed"], strict=True)],
        name="exception / delay scans",
        mode="lines+markers",
        yaxis="y2",
    )
    styled(
        fig,
        title="Parcels per day (local date)",
        barmode="group",
        height=420,
        yaxis={"title": {"text": "parcels"}},
        yaxis2={
            "title": {"text": "scans"},
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "rangemode": "tozero",
            "tickmode": "auto",
        },
    )
    return fig if d["days"] else _empty(fig, "no parcels")


def on_time(r: dict[str, Any]) -> go.Figure:
    rows = r["on_time"]
    fig = go.Figure()
    for service in sorted({row["service"] for row in rows}):
        mine = [row for row in rows if row["service"] == service]
        fig.add_bar(
            x=[row["carrier"] for row in mine],
            y=[row["rate"] for row in mine],
            name=service,
            text=[f"{row['rate']:.0%}" for row in mine],
            textangle=0,
            customdata=[[row["on_time"], row["delivered"]] for row in mine],
            hovertemplate="%{x} "
            + service
            + ": %{y:.1%} (%{customdata[0]} of %{customdata[1]})<extra></extra>",
        )
    styled(
        fig,
        title="On time by carrier and service (delivered by the promised time)",
        barmode="group",
        height=420,
        showlegend=True,
    )
    fig.update_yaxes(title="on-time rate", tickformat=".0%", range=[0, 1.05])
    return fig if rows else _empty(fig, "no parcel delivered")


def transit(r: dict[str, Any]) -> go.Figure:
    """Business days from label to delivery: per service a box per distance band (whiskers p5 and
    p95, box p25–p75, line the median), computed from exact counts."""
    rows = r["transit_business_days"]
    fig = go.Figure()
    bands = [b for b, _ in DISTANCE_BANDS]
    for service in sorted({row["service"] for row in rows}):
        mine = sorted(
            (row for row in rows if row["service"] == service), key=lambda row: bands.index(row["band"])
        )
        fig.add_box(
            x=[row["band"] for row in mine],
            q1=[row["p25"] for row in mine],
            median=[row["median"] for row in mine],
            q3=[row["p75"] for row in mine],
            lowerfence=[row["p5"] for row in mine],
            upperfence=[row["p95"] for row in mine],
            name=service,
            text=[f"{row['n']:,} parcels" for row in mine],
            hoverinfo="x+y+name+text",
        )
    styled(
        fig,
        title="Transit time in business days, by service and distance",
        boxmode="group",
        height=440,
        showlegend=True,
    )
    fig.update_xaxes(title="origin → destination distance", categoryorder="array", categoryarray=bands)
    fig.update_yaxes(title="business days (p5 · p25 · median · p75 · p95)", rangemode="tozero")
    return fig if rows else _empty(fig, "no parcel delivered")


def delay_hours(r: dict[str, Any]) -> go.Figure:
    d = r["delay_hours"]
    fig = go.Figure()
    for cause, hours in d["causes"].items():
        fig.add_bar(x=d["days"], y=hours, name=cause.replace("_", " "))
    styled(fig, title="Delay hours by cause per day (truth)", barmode="stack", height=420)
    fig.update_yaxes(title="hours of delay")
    return fig if d["causes"] else _empty(fig, "no delays in this run")


def delivery_hours(r: dict[str, Any]) -> go.Figure:
    fig = go.Figure()
    for carrier, counts in r["delivery_hours"].items():
        fig.add_bar(x=list(range(24)), y=counts, name=carrier)
    styled(fig, title="Deliveries by local hour of day", barmode="stack", height=400, showlegend=True)
    fig.update_xaxes(title="hour at the door", tickmode="linear", dtick=2, range=[-0.5, 23.5])
    fig.update_yaxes(title="deliveries")
    return fig if r["delivery_hours"] else _empty(fig, "no parcel delivered")


def flow_map(r: dict[str, Any]) -> go.Figure:
    """Origin → destination volumes at the places' coordinates: lines in four width classes by
    volume, dots sized by the parcels each place sent or received."""
    flows = r["flows"]
    fig = go.Figure()
    volumes = sorted(f["parcels"] for f in flows)
    cuts = [volumes[len(volumes) * k // 4] for k in (1, 2, 3)] if volumes else []
    classes: list[list[dict[str, Any]]] = [[] for _ in FLOW_WIDTHS]
    for f in flows:
        classes[sum(f["parcels"] >= c for c in cuts)].append(f)
    for width, members in zip(FLOW_WIDTHS, classes, strict=True):
        if not members:
            continue
        lon: list[float | None] = []
        lat: list[float | None] = []
        for f in members:
            lon += [f["from"]["lon"], f["to"]["lon"], None]
            lat += [f["from"]["lat"], f["to"]["lat"], None]
        low, high = min(f["parcels"] for f in members), max(f["parcels"] for f in members)
        fig.add_scattergeo(
            lon=lon,
            lat=lat,
            mode="lines",
            line={"width": width, "color": "rgba(31,119,180,0.55)"},
            name=f"{low:,}–{high:,} parcels",
            hoverinfo="skip",
        )
    # a hover point halfway along each flow names it
    fig.add_scattergeo(
        lon=[(f["from"]["lon"] + f["to"]["lon"]) / 2 for f in flows],
        lat=[(f["from"]["lat"] + f["to"]["lat"]) / 2 for f in flows],
        mode="markers",
        marker={"size": 4, "color": "rgba(31,119,180,0.35)"},
        text=[f"{f['from']['name']} → {f['to']['name']}: {f['parcels']:,} parcels" for f in flows],
        hoverinfo="text",
        name="flow",
        showlegend=False,
    )
    places: dict[tuple[str, float, float], int] = {}
    for f in flows:
        for end in (f["from"], f["to"]):
            key = (end["name"], end["lat"], end["lon"])
            places[key] = places.get(key, 0) + f["parcels"]
    biggest = max(places.values(), default=1)
    fig.add_scattergeo(
        lon=[k[2] for k in places],
        lat=[k[1] for k in places],
        mode="markers",
        marker={"size": [5 + 20 * (n / biggest) ** 0.5 for n in places.values()], "color": "#d62728"},
        text=[f"{k[0]}: {n:,} parcels in the flows shown" for k, n in places.items()],
        hoverinfo="text",
        name="place",
    )
    hidden = r["flows_not_shown"]
    title = "Flows: origin → destination"
    if hidden["flows"] or hidden["parcels"]:
        title += (
            f" (largest {len(flows)}; {hidden['flows']:,} smaller flows,"
            f" {hidden['parcels']:,} parcels, not drawn)"
        )
    styled(fig, title=title, height=560, margin={"t": 60, "r": 10, "b": 10, "l": 10})
    fig.update_geos(
        scope="world",
        resolution=110,
        projection_type="natural earth",
        fitbounds="locations" if flows else False,
        showcountries=True,
        countrycolor="#bbb",
        showland=True,
        landcolor="#f3f4f6",
        showocean=True,
        oceancolor="#e8f1fa",
    )
    return fig if flows else _empty(fig, "no parcels")


#: The report's plots in page order: (div id, heading, builder).
PLOTS = (
    ("plot-per-day", "Parcels per day", parcels_per_day),
    ("plot-on-time", "On time by carrier and service", on_time),
    ("plot-transit", "Transit-time distributions", transit),
    ("plot-delays", "Delay hours by cause", delay_hours),
    ("plot-hours", "Deliveries by hour of day", delivery_hours),
    ("plot-flows", "Map of flows", flow_map),
)
