"""The thin SimPy layer: demand, a parcel's journey through the network, its sorts, last mile and
returns.

Each process is a short generator that asks the pure modules (``timing``, ``incidents``,
``planning``, ``capacity``, ``closures``) what happens next and waits for it; the ``World`` holds
the shared state and its ``Ledger`` turns what happens into canonical scan events.

    demand ─┬─ journey ── linehaul.travel ── hub.sort / customs / hand_over
            │        └── last_mile ── deliver / pickup_point / returns.return_to_sender
            └─ returns.customer_return ── linehaul.travel
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

H = 3600.0
DAY = 86400.0

Proc = Generator[simpy.Event, Any, None]
