"""One plotting style for every HTML file parcel-sandbox writes (the run report, verify's report):
plotly figures laid out alike, drawn into one self-contained page with plotly.js inlined once and,
for maps, the world outlines inlined too — the file opens offline, from a CI artifact or an email.

Figures are placed by ``figure_div`` with a fixed ``div_id``, so a page is the same bytes every
time it is written from the same data (plotly would otherwise name each div with a random id).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from importlib import resources

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

#: Layout every figure starts from.
LAYOUT: dict[str, object] = {
    "template": "plotly_white",
    "font": {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13},
    "margin": {"t": 60, "r": 20, "b": 50, "l": 60},
    "legend": {"orientation": "h", "y": -0.18},
    "hoverlabel": {"namelength": -1},
}
#: plotly.js config: no logo, no "edit in chart studio"; the toolbar keeps zoom and PNG export.
CONFIG: dict[str, object] = {"displaylogo": False, "responsive": True}

CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;max-width:1100px}
body{color:#1f2328}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.2rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#57606a}
.PASS{color:#17803d}.FAIL{color:#b42318}"""


def styled(fig: go.Figure, **layout: object) -> go.Figure:
    """``fig`` with the shared layout, then ``layout`` on top."""
    fig.update_layout(**LAYOUT)
    fig.update_layout(**layout)
    return fig


def figure_div(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML fragment (a div and the script that draws it), without plotly.js."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG)


@functools.cache
def plotly_script() -> str:
    """plotly.js, inlined (what ``to_html(include_plotlyjs=True)`` writes)."""
    return (
        "<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        f'<script charset="utf-8" type="text/javascript">{get_plotlyjs()}</script>'
    )


@functools.cache
def geo_assets_script() -> str:
    """The world outlines plotly.js draws a ``geo`` subplot with (scope world, 1:110m), put where
    plotly.js looks before fetching them from its CDN (assets/SOURCES.md)."""
    topojson = resources.files("parcel_sandbox.report").joinpath("assets/world_110m.json").read_text("utf-8")
    # "</" cannot end the script early: the file is JSON of numbers and short names, checked here
    if "</" in topojson:
        raise ValueError("world_110m.json holds '</', which would end its <script> early")
    return (
        "<script>window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};"
        f"window.PlotlyGeoAssets.topojson.world_110m = {topojson.strip()};</script>"
    )


def table(rows: Iterable[tuple[str, str]], table_id: str, header: tuple[str, str] | None = None) -> str:
    """A two-column table of (measure, value); values right-aligned."""
    head = f"<tr><th>{html.escape(header[0])}</th><th>{html.escape(header[1])}</th></tr>" if header else ""
    body = "".join(
        f'<tr><td>{html.escape(k)}</td><td class="num">{html.escape(v)}</td></tr>' for k, v in rows
    )
    return f'<table id="{html.escape(table_id)}">{head}{body}</table>'


def page(title: str, body: str, maps: bool = False) -> str:
    """A whole HTML document: shared style, plotly.js (and the world outlines when ``maps``) in
    the head, then ``body`` (already HTML)."""
    geo = geo_assets_script() + "\n" if maps else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style>
{geo}{plotly_script()}
</head><body>
{body}
</body></html>
"""
