"""Regenerate ``us_zips.csv`` (run by hand; needs ``pip install zipcodes==3.0.0``, MIT).

Keeps the active standard ZIP codes whose centroid lies in a US metro's state and inside its
service disc (``sim.addresses.service_radius_km``), each assigned to the nearest such metro:

    python -m sim.data.make_us_zips sim/data/us_zips.csv
"""

from __future__ import annotations

import csv
import sys

import zipcodes  # type: ignore[import-not-found]

from sim.addresses import service_radius_km
from sim.places import PLACES
from sim.timing import haversine_km


def main(out: str) -> None:
    metros = [p for p in PLACES.values() if p.country == "US" and p.population > 0]
    rows = []
    for z in zipcodes.list_all():
        if z["zip_code_type"] != "STANDARD" or not z["active"] or not z["lat"]:
            continue
        lat, lon = float(z["lat"]), float(z["long"])
        best: tuple[float, str] | None = None
        for m in metros:
            d = haversine_km(m.lat, m.lon, lat, lon)
            if m.region == z["state"] and d <= service_radius_km(m) and (best is None or d < best[0]):
                best = (d, m.key)
        if best:
            rows.append((best[1], z["zip_code"], z["lat"], z["long"]))
    rows.sort()
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["metro", "zip", "lat", "lon"])
        w.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1])
