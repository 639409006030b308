"""Write the UI's country outlines (mock_carriers/ui/static/countries.geojson) from world-atlas's
Natural Earth 110m TopoJSON (countries-110m.json, next to this file; see SOURCES.md).

TopoJSON is decoded here (quantized, delta-encoded arcs) so the browser gets plain GeoJSON and needs
no TopoJSON library. Coordinates are rounded to 0.1 degrees: the map draws a country, not a coast.
Run from the repository root: ``python vendor/natural-earth/extract_outlines.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
OUT = HERE.parent.parent / "mock_carriers" / "ui" / "static" / "countries.geojson"
#: ISO 3166-1 numeric -> alpha-2 for the countries the world is built in (sim/places.py); the map
#: highlights a scenario's countries by their alpha-2 code.
ALPHA2 = {"840": "US", "124": "CA", "276": "DE", "705": "SI", "398": "KZ"}
STEP = 0.1
#: Only countries reaching into this box (west, south, east, north): North America, Europe and
#: Central Asia, the worlds' countries and their neighbours.
BOX = (-170.0, 10.0, 100.0, 84.0)


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    out: list[list[float]] = []
    for lon, lat in points:
        p = [round(round(lon / STEP) * STEP, 2), round(round(lat / STEP) * STEP, 2)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def inside(point: list[float]) -> bool:
    return BOX[0] <= point[0] <= BOX[2] and BOX[1] <= point[1] <= BOX[3]


def main() -> None:
    topo = json.loads((HERE / "countries-110m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            polygons = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polygons = geom["arcs"]
        else:
            continue
        coords = [[r for r in (ring(rg, arcs) for rg in poly) if len(r) >= 4] for poly in polygons]
        coords = [p for p in coords if p]
        if not coords or not any(inside(p) for poly in coords for r in poly for p in r):
            continue
        props = {"name": geom.get("properties", {}).get("name", ""), "iso_n3": geom.get("id")}
        if geom.get("id") in ALPHA2:
            props["iso_a2"] = ALPHA2[geom["id"]]
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        )
    body = {"type": "FeatureCollection", "features": features}
    OUT.write_text(json.dumps(body, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(features)} countries)")


if __name__ == "__main__":
    main()
