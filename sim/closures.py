"""Disruptions as the network feels them: facilities closed by weather over a region or a hub
outage, and lanes stopped by a line-haul breakdown.

A closure is a span of absolute time. Weather has a severity: at 1 everything stops; below 1 each
parcel's own draw decides whether its work is caught by the storm (some trailers still run).
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.events import ExceptionReason
from sim.network import Facility
from sim.scenario import HubOutage, LinehaulBreakdown, WeatherDisruption
from sim.streams import Rng

Closure = tuple[float, float, ExceptionReason, float]  # start, end, cause, severity
_NONE: frozenset[str] = frozenset()


class Closures:
    """The scenario's disruptions indexed by facility and by lane."""

    def __init__(
        self,
        disruptions: Iterable[WeatherDisruption | HubOutage | LinehaulBreakdown],
        facilities: dict[str, Facility],
    ) -> None:
        self.facilities: dict[str, list[Closure]] = {}
        self.lanes: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for d in disruptions:
            start = d.start.timestamp()
            end = start + d.duration
            if isinstance(d, WeatherDisruption):
                for f in facilities.values():
                    if d.region.contains(f.place):
                        self.facilities.setdefault(f.id, []).append(
                            (start, end, ExceptionReason.WEATHER, d.severity)
                        )
            elif isinstance(d, HubOutage):
                if d.facility not in facilities:
                    raise ValueError(f"disruptions: hub_outage names unknown facility {d.facility!r}")
                self.facilities.setdefault(d.facility, []).append(
                    (start, end, ExceptionReason.HUB_OUTAGE, 1.0)
                )
            elif isinstance(d, LinehaulBreakdown):
                self.lanes.setdefault(tuple(d.lane), []).append((start, end))
        self._outages = [
            (fid, s, e)
            for fid, spans in self.facilities.items()
            for s, e, c, _ in spans
            if c is ExceptionReason.HUB_OUTAGE
        ]

    def closed_until(self, facility_id: str, at: float, rng: Rng) -> tuple[float, ExceptionReason] | None:
        """When the facility reopens and why it is closed, if it is closed at ``at`` for this
        parcel; None when it is open. Draws from ``rng`` only inside a partial (severity < 1) storm."""
        for start, end, cause, severity in self.facilities.get(facility_id, ()):
            if start <= at < end and (severity >= 1.0 or rng.random() < severity):
                return end, cause
        return None

    def down_hubs(self, at: float) -> frozenset[str]:
        """Facilities in a hub outage at ``at`` (routing avoids them; weather does not reroute)."""
        if not self._outages:  # asked at every hop: most worlds have no outage at all
            return _NONE
        return frozenset(fid for fid, s, e in self._outages if s <= at < e) or _NONE

    def cause_within(self, facility_id: str, start: float, end: float) -> ExceptionReason | None:
        """Why the facility stopped working some time in [start, end), if a full closure did."""
        for s, e, cause, severity in self.facilities.get(facility_id, ()):
            if severity >= 1.0 and s < end and start < e:
                return cause
        return None

    def closing_within(
        self, facility_id: str, start: float, end: float
    ) -> tuple[float, float, ExceptionReason] | None:
        """A full closure (an outage, a storm of severity 1) that begins in (start, end]: its span
        and cause, the first if several; None otherwise."""
        for s, e, cause, severity in self.facilities.get(facility_id, ()):
            if severity >= 1.0 and start < s <= end:
                return s, e, cause
        return None

    def work_done(self, facility_id: str, start: float, work_s: float) -> float:
        """When ``work_s`` seconds of work begun at ``start`` are done in the facility: the work
        stops while it is fully closed (an outage, a storm of severity 1) and goes on when it opens."""
        done = start + work_s
        for s, e in sorted(self.full_closures(facility_id)):
            if s < done and e > start:
                done += e - max(s, start)
        return done

    def full_closures(self, facility_id: str) -> list[tuple[float, float]]:
        """Spans during which the facility does no work at all (outages, storms of severity 1)."""
        return [(s, e) for s, e, _, sev in self.facilities.get(facility_id, ()) if sev >= 1.0]

    def lane_stops(self, src: str, dst: str) -> list[tuple[float, float]]:
        """The spans during which the lane ``src`` → ``dst`` runs no trailer."""
        return self.lanes.get((src, dst), [])
