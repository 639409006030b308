"""Where finished parcels go: their carrier's retention (``CarrierSpec.retention``, from the
registry) decides when they are gone; until then they wait on disk, in the ``--db`` file or the
sandbox's state directory."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from datetime import datetime
from pathlib import Path

from mock_carriers.carriers import registry
from mock_carriers.world.store import Record


def expiry(rec: Record, finished_at: float) -> float | None:
    """When the parcel's carrier stops showing it (its registry's retention)."""
    born = datetime.fromisoformat(rec.events[0].occurred_at).timestamp() if rec.events else None
    return expires(rec.carrier, born, finished_at)


def expires(carrier: str, born: float | None, finished_at: float) -> float | None:
    """The same from the parcel's carrier, first scan (epoch) and finish."""
    retention = registry.spec(carrier).retention
    if retention is None:
        return None
    if retention.since == "created" and born is not None:
        return max(finished_at, born + retention.days * 86400.0)
    return finished_at + retention.days * 86400.0


class StateDir:
    """The folder for the archive when there is no ``--db``: the one given, or a new temporary
    one, created on first use and removed at exit only if the sandbox created it."""

    def __init__(self, path: str | Path | None) -> None:
        self._given = Path(path) if path is not None else None
        self._made: Path | None = None
        self._lock = threading.Lock()

    def file(self, name: str) -> Path:
        with self._lock:
            if self._given is not None:
                self._given.mkdir(parents=True, exist_ok=True)
                return self._given / name
            if self._made is None:
                self._made = Path(tempfile.mkdtemp(prefix="parcel-sandbox-"))
                atexit.register(shutil.rmtree, self._made, ignore_errors=True)
            return self._made / name

    def cleanup(self) -> None:
        with self._lock:
            made, self._made = self._made, None
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
