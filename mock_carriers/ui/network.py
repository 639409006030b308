"""The network as the UI's map draws it (``GET /_sandbox/network``): facilities at their real
coordinates, the lanes between them, and the scenario's disruptions with the facilities and lanes
each one stops, so the page can mark what is down at the sandbox's instant.

Built once per scenario from ``sim.network.build_network`` (the engine worker builds its own in its
process): plain data, the same for every generation of the world.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sim.network import Network, build_network
from sim.scenario import Scenario

#: Facility kinds the map draws (a pickup point sits in its station's city: drawn with it).
DRAWN = ("fulfilment_centre", "sort_hub", "delivery_station")


def network_view(scenario: Scenario, net: Network | None = None) -> dict[str, Any]:
    """Facilities, lanes (one per facility pair, per carrier) and disruptions of ``scenario``."""
    net = net or build_network(scenario)
    facilities = [
        {
            "id": f.id,
            "kind": f.kind,
            "carrier": f.carrier,
            "name": f.name,
            "city": f.place.city,
            "country": f.place.country,
            "lat": f.place.lat,
            "lon": f.place.lon,
        }
        for f in sorted(net.facilities.values(), key=lambda f: f.id)
        if f.kind in DRAWN
    ]
    drawn = {f["id"] for f in facilities}
    lanes: dict[tuple[str, str], dict[str, Any]] = {}
    for (carrier, _), graph in sorted(net.graphs.items()):
        for src, dst, data in graph.edges(data=True):
            lane = data["lane"]
            if src not in drawn or dst not in drawn or lane.backup:
                continue
            key = (min(src, dst), max(src, dst))
            if key not in lanes:
                lanes[key] = {"a": key[0], "b": key[1], "carrier": carrier, "mode": lane.mode}
            elif lane.mode == "truck":
                lanes[key]["mode"] = "truck"
    return {
        "scenario": scenario.name,
        "countries": list(scenario.network.countries),
        "facilities": facilities,
        "lanes": sorted(lanes.values(), key=lambda lane: (lane["a"], lane["b"])),
        "disruptions": disruptions(scenario, net),
    }


def disruptions(scenario: Scenario, net: Network) -> list[dict[str, Any]]:
    """Each disruption's window (ISO-8601 UTC) and what it stops: facility ids, or a lane."""
    out = []
    for d in scenario.disruptions:
        start = d.start
        end = start + timedelta(seconds=float(d.duration))
        item: dict[str, Any] = {"kind": d.kind, "start": start.isoformat(), "end": end.isoformat()}
        if d.kind == "hub_outage":
            item["facilities"] = [d.facility]
        elif d.kind == "weather":
            item["facilities"] = sorted(f.id for f in net.facilities.values() if d.region.contains(f.place))
            item["severity"] = d.severity
        else:
            item["lane"] = list(d.lane)
        out.append(item)
    return out
