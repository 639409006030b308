"""One generation of the served world: an engine worker, the store it fills, and the pump thread
between them.

The pump thread tells the worker how far to run (the sandbox's clock target + look-ahead, less when
the store's memory share is past its cap), ingests each batch it gets back into the store — the
store first, then the frontier, so a reader that sees the new frontier sees every event under it —
hands the events to the sandbox's listeners (the webhook hub), and does the housekeeping: parcels
past the memory window move to the archive, parcels past their carrier's retention are purged.

A reset makes a new generation and stops the old one; the old store is left as it is for any
request still holding it. The feed holds its sandbox weakly: a sandbox nobody uses any more stops
its worker.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from mock_carriers.world.archive import JournalState
from mock_carriers.world.store import InMemoryStore, Record
from mock_carriers.world.worker import Batch, EventHash, Failed, Hello, Message, Progress, Runner

if TYPE_CHECKING:
    from mock_carriers.world.sandbox import Sandbox

log = logging.getLogger("parcel_sandbox.engine")

EngineState = Literal["starting", "resimulating", "running", "caught-up", "paused", "finished", "failed"]
#: Wall seconds between housekeeping passes (eviction to the archive, retention purge).
HOUSEKEEPING_S = 0.5


class Feed:
    def __init__(
        self,
        sandbox: Sandbox,
        number: int,
        store: InMemoryStore,
        runner: Runner,
        start: float,
        journal: JournalState | None = None,
        durable: bool = False,
    ) -> None:
        self.number = number
        self.store = store
        self.runner = runner
        self._owner = weakref.ref(sandbox)
        #: Epoch up to which every visible event is in the store.
        self.frontier = start if journal is None else max(start, journal.frontier)
        #: How far a resumed world's silent re-simulation has got.
        self.resim_frontier = start
        self.state: EngineState = "starting" if journal is None else "resimulating"
        self.error: str | None = None
        self.ended = False
        self.end: float | None = None
        self.created = 0 if journal is None else journal.created
        #: Events this pump has put into the store (this generation, this process).
        self.events_ingested = 0
        self.cases: list[dict[str, str]] = []
        self.found_cases: dict[str, str] = {}
        #: The log's chained hash, kept only for a durable world (it costs a hash per event).
        self.durable = durable
        self.hash = EventHash() if journal is None else EventHash(journal.count, journal.digest)
        self.changed = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"engine-pump-{number}", daemon=True)
        self._last_run_to = float("nan")

    def start(self) -> None:
        """Start the pump; the pump starts the worker (spawning a process takes seconds on a busy
        machine, and no request — a reset's answer included — waits for it)."""
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop the pump and then the worker: at once with ``wait``, else in the background (a
        reset must not wait for a simulation step or a process spawn on a busy machine). A batch
        the old pump is still ingesting goes into the old store only (the sandbox journals a batch
        only for its current generation)."""
        self._stopping.set()
        with self.changed:
            self.changed.notify_all()
        if wait:
            self._halt()
        else:
            threading.Thread(target=self._halt, name="engine-stop", daemon=True).start()

    def _halt(self) -> None:
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=60)
        self.runner.stop()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    # --- the pump --------------------------------------------------------------------------------

    def _loop(self) -> None:
        try:
            self.runner.start()
        except Exception:  # e.g. a factory that cannot be sent to a process
            log.exception("engine worker did not start")
            self._fail("the engine worker did not start; see the server log")
            return
        housekept = 0.0
        while not self._stopping.is_set():
            sandbox = self._owner()
            if sandbox is None:
                break
            try:
                if self.state not in ("failed", "finished"):
                    run_to = sandbox.run_to(self)
                    if run_to != self._last_run_to:
                        self.runner.set_run_to(run_to)
                        self._last_run_to = run_to
                message = self.runner.receive(0.05)
                if message is not None:
                    self._handle(sandbox, message)
                if time.monotonic() - housekept > HOUSEKEEPING_S:
                    housekept = time.monotonic()
                    sandbox.housekeeping(self)
            except Exception:  # the pump must outlive any one bad batch; say what happened
                log.exception("engine pump failed")
                self._fail("the engine pump failed; see the server log")
            finally:
                del sandbox
        if self._owner() is None:
            self.runner.stop()

    def _fail(self, message: str) -> None:
        self.state = "failed"
        self.error = message
        with self.changed:
            self.changed.notify_all()

    def _handle(self, sandbox: Sandbox, message: Message) -> None:
        if isinstance(message, Hello):
            self.cases = message.cases
            self.end = message.end
            if self.state == "starting":
                self.state = "running"
        elif isinstance(message, Progress):
            self.resim_frontier = message.frontier
            if message.frontier >= self.frontier:
                self.state = "running"
        elif isinstance(message, Failed):
            log.error("%s", message.message)
            self._fail(message.message)
        elif isinstance(message, Batch):
            self._ingest(sandbox, message)
        with self.changed:
            self.changed.notify_all()

    def _ingest(self, sandbox: Sandbox, batch: Batch) -> None:
        """Ingest one batch piece by piece (``PIECE`` events: the store's lock and the GIL are let go
        between pieces, so a request never waits behind a whole batch); the frontier moves last."""
        if self._stopping.is_set():
            return
        if self.state == "resimulating":
            self.state = "running"
        created: list[Record] = []
        listeners = sandbox.listeners
        replica = batch.ord_base is not None
        if replica:  # numbered as every worker numbers them, whatever part of the stream it read
            self.store.start_ord(batch.ord_base or 0)
        for events, visible in batch.pieces():
            # every piece with the truths (a record is never there without the truth it came with)
            created += self.store.add(events, batch.truths, visible, skip_unborn=replica)
            self.events_ingested += len(events)
            # The listeners (the webhook hub) hold the events before the frontier moves past them,
            # so whoever sees the new frontier (a sync() that returns) knows the hub has every
            # event under it; the hub releases them at the effective clock, now or on its next tick.
            for listener in listeners:
                listener(events, visible)
            time.sleep(0)  # let go of the GIL: a request waiting for it runs now
            if self._stopping.is_set():
                return
        finished = self.store.finish(batch.finished, batch.frontier)
        for tn, truth in batch.truths.items():
            if truth is not None and truth.case and truth.tracking_number == tn:
                self.found_cases.setdefault(truth.case, tn)
        if self.durable:
            self.hash.update(batch.events)
        self.created = batch.created
        sandbox.journal(self, batch, created, finished)
        if finished and sandbox.finish_listeners:
            ends = [(r.tracking_number, r.finished_at, r.truth) for r in finished]
            for on_finish in sandbox.finish_listeners:
                on_finish(ends)
        # Only now is the frontier published: every event under it is in the store.
        self.frontier = max(self.frontier, batch.frontier)
        if batch.ended:
            self.ended = True
            self.state = "finished"

    # --- what it reports ---------------------------------------------------------------------------

    def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Block (a worker thread, never the event loop) until ``predicate()`` or the timeout."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0 or self._stopping.is_set() or self.state == "failed":
                    return predicate()
                self.changed.wait(min(left, 0.25))
        return True

    def report(self, target: float) -> dict[str, Any]:
        frontier = datetime.fromtimestamp(self.frontier, UTC).isoformat()
        out: dict[str, Any] = {"state": self.state, "frontier": frontier, "generation": self.number}
        if self.state == "resimulating":
            out["resimulated_to"] = datetime.fromtimestamp(self.resim_frontier, UTC).isoformat()
        if self.error:
            out["error"] = self.error
        out["behind_seconds"] = 0.0 if self.ended else max(0.0, target - self.frontier)
        return out
