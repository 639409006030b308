"""The event feed through Redis: one engine publishes, every API worker keeps a local replica.

- ``EnginePublisher`` runs in the process that holds the engine lock (``redis_link.Lease``): it
  drives an engine worker (``worker.make_runner``) up to the shared clock's target + look-ahead
  and appends each batch to the generation's stream, together with the frontier, the log's event
  count and chained hash — one Lua call, so a batch and the frontier that covers it land together
  and only while the lock is still ours (a process that lost it can never append). A process that
  takes the lock over resumes as a ``--db`` file does: it re-simulates silently to the persisted
  frontier, checks count and hash, and carries on.
- ``StreamReplica`` is the ``Runner`` an API worker's pump reads instead of an engine: it tails the
  stream and hands each batch over as the engine would have, so the worker's in-memory store,
  frontier, retention and webhook listeners work exactly as in one process, and the hot path
  never needs a network hop.

Batches are stored as zlib-compressed JSON (``redis_codec``).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from mock_carriers.world.redis_codec import decode_batch, encode_batch
from mock_carriers.world.redis_link import LOCK_RENEW_S, GenKeys, Lease
from mock_carriers.world.redis_trim import TRIM_EVERY_S, Expiry, TrimPlan, numbers, read_plan, trim_point
from mock_carriers.world.worker import (
    Batch,
    EventHash,
    Failed,
    Hello,
    Message,
    Progress,
    Resume,
    RunnerKind,
    WorldSource,
    make_runner,
)

log = logging.getLogger("parcel_sandbox.engine")

#: Batches a replica reads per call, and holds before its pump takes them (bounds its memory
#: while it catches up on a long stream).
READ_COUNT = 16
QUEUE_DEPTH = 32

_APPEND = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local id = redis.call('xadd', KEYS[2], '*', 'b', ARGV[2])
redis.call('hset', KEYS[3], 'frontier', ARGV[3], 'count', ARGV[4], 'digest', ARGV[5],
           'created', ARGV[6], 'ended', ARGV[7], 'state', 'running', 'parcels', ARGV[8])
return id
"""


def read_meta(client: redis.Redis, keys: GenKeys) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in client.hgetall(keys.meta).items()}


class StreamReplica:
    """The ``Runner`` of an API worker: the engine's batches, read back from the stream."""

    def __init__(self, client: redis.Redis, keys: GenKeys) -> None:
        self._client = client
        self._keys = keys
        self._out: queue.Queue[Message] = queue.Queue(maxsize=QUEUE_DEPTH)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._main, name="feed-replica", daemon=True)
        self._failed: str | None = None
        #: The last stream entry handed to the pump (what the engine may trim up to), None before.
        self.position: str | None = None

    def start(self) -> None:
        self._thread.start()

    def set_run_to(self, epoch: float) -> None:
        """The engine decides how far to run (from the shared clock); a replica only follows."""

    def receive(self, timeout: float) -> Message | None:
        try:
            return self._out.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _put(self, message: Message) -> None:
        while not self._stopping.is_set():
            try:
                self._out.put(message, timeout=0.2)
                return
            except queue.Full:
                continue

    def _main(self) -> None:
        try:
            self._follow()
        except Exception:  # a replica that breaks says so (engine state "failed"), never silently
            log.exception("feed replica failed")
            self._put(Failed("the Redis feed replica failed; see the server log"))

    def _follow(self) -> None:
        while not self._stopping.is_set():  # the engine's hello: cases and the world's end
            meta = self._safe(read_meta, self._client, self._keys) or {}
            if "cases" in meta:
                end = meta.get("end")
                self._put(Hello(json.loads(meta["cases"]), float(end) if end else None))
                break
            self._stopping.wait(0.05)
        last = b"0-0"
        checked = 0.0
        while not self._stopping.is_set():
            answer = self._safe(self._client.xread, {self._keys.feed: last}, count=READ_COUNT, block=250)
            for _stream, entries in answer or ():
                for entry_id, fields in entries:
                    last = entry_id
                    self._put(decode_batch(fields[b"b"]))
                    self.position = entry_id.decode()
            if time.monotonic() - checked > 0.5:
                checked = time.monotonic()
                self._engine_state()

    def _engine_state(self) -> None:
        meta = self._safe(read_meta, self._client, self._keys) or {}
        state = meta.get("state")
        if state == "resimulating" and "resimulated" in meta:
            self._put(Progress(float(meta["resimulated"])))
        elif state == "failed" and self._failed != meta.get("error"):
            self._failed = meta.get("error", "the engine failed")
            self._put(Failed(self._failed))

    def _safe(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One Redis call; a dropped connection is retried after a pause (the pump keeps
        serving what it has meanwhile)."""
        try:
            return call(*args, **kwargs)
        except redis.RedisError as exc:
            log.warning("Redis feed: %s; retrying", exc)
            self._stopping.wait(0.5)
            return None


class EnginePublisher:
    """The one engine of a shared world, in whichever process holds the engine lock."""

    def __init__(
        self,
        client: redis.Redis,
        lease: Lease,
        generation: Callable[[], tuple[int, int]],
        keys_for: Callable[[int], GenKeys],
        source_for: Callable[[int], Callable[[], WorldSource]],
        target: Callable[[int], float],
        limit: float,
        start: float,
        lookahead: float,
        runner: RunnerKind = "process",
        peers: Callable[[int], list[tuple[float, str | None]]] | None = None,
        expiry: Expiry | None = None,
    ) -> None:
        """``generation()``: the world's (generation, seed) now; ``source_for(seed)``: the world's
        factory; ``target(generation)``: the shared clock's target (epoch); ``peers(generation)``:
        each live API worker's (shown instant, last stream entry read) and ``expiry`` a parcel's
        retention end — with both, the stream is trimmed to what consumers still need
        (``redis_trim``)."""
        self._client = client
        self._lease = lease
        self._generation = generation
        self._keys_for = keys_for
        self._source_for = source_for
        self._target = target
        self._limit = limit
        self._start = start
        self._lookahead = lookahead
        self._runner_kind: RunnerKind = runner
        self._append = client.register_script(_APPEND)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="engine-publisher", daemon=True)
        #: "standby" (another process holds the lock), "leading", or "stopped".
        self.role = "standby"
        #: A generation whose world failed (it would fail again): not led until a reset.
        self._failed: int | None = None
        self._peers = peers
        self._expiry = expiry
        self._plan: TrimPlan | None = None
        self._appended: str | None = None
        self._parcels = 0
        self._trimmed = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.role = "stopped"

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._generation()[0] == self._failed:
                    self._stopping.wait(0.5)
                elif self._lease.acquire():
                    self.role = "leading"
                    try:
                        self._lead()
                    finally:
                        self.role = "standby"
                        self._lease.release()
                else:
                    self._stopping.wait(0.5)
            except redis.RedisError as exc:
                log.warning("engine publisher: Redis: %s; retrying", exc)
                self._stopping.wait(1.0)
            except Exception:
                log.exception("engine publisher failed; retrying")
                self._stopping.wait(1.0)

    def _lead(self) -> None:
        """Run the engine of the current generation until the lock is lost, a reset makes another
        generation current, or the publisher stops."""
        generation, seed = self._generation()
        keys = self._keys_for(generation)
        meta = read_meta(self._client, keys)
        count = int(meta.get("count", 0))
        digest = meta.get("digest", "")
        # Anything appended (even batches without events) is re-simulated silently, never again.
        frontier = float(meta.get("frontier", self._start))
        resume = Resume(frontier, count, digest) if frontier > self._start else None
        runner = make_runner(self._runner_kind, self._source_for(seed), resume)
        hashed = EventHash(count, digest)
        self._parcels = int(meta.get("parcels", 0))
        self._plan = None
        if self._expiry is not None:
            self._plan, self._appended = read_plan(self._client, keys.feed, self._expiry)
        if resume is not None:
            self._client.hset(keys.meta, mapping={"state": "resimulating", "resimulated": self._start})
        runner.start()
        renewed = time.monotonic()
        try:
            while not self._stopping.is_set():
                if time.monotonic() - renewed > LOCK_RENEW_S:
                    if not self._lease.renew() and not self._regain(keys, hashed):
                        log.warning("engine lock lost; another process has taken the engine over")
                        return
                    renewed = time.monotonic()
                if self._generation()[0] != generation:
                    return  # a reset: lead the new generation
                runner.set_run_to(min(self._target(generation) + self._lookahead, self._limit))
                message = runner.receive(0.05)
                if message is None:
                    continue
                if not self._publish(keys, message, hashed):
                    return
                if time.monotonic() - self._trimmed > TRIM_EVERY_S:
                    self._trimmed = time.monotonic()
                    self.trim(generation)
        finally:
            runner.stop()

    def trim(self, generation: int) -> str | None:
        """Trim the generation's stream to what its consumers still need; returns the MINID used."""
        plan, peers = self._plan, self._peers
        if plan is None or peers is None:
            return None
        live = peers(generation)
        clock = min((shown for shown, _ in live), default=self._target(generation))
        point = trim_point(plan.cut(clock), [read for _, read in live], self._appended)
        if point is None:
            return None
        keys = self._keys_for(generation)
        self._client.xtrim(keys.feed, minid=point, approximate=False)
        self._client.hset(keys.meta, "trimmed", point)
        return point

    def _publish(self, keys: GenKeys, message: Message, hashed: EventHash) -> bool:
        if isinstance(message, Hello):
            hello: dict[str, Any] = {"cases": json.dumps(message.cases)}
            if message.end is not None:
                hello["end"] = repr(message.end)
            self._client.hset(keys.meta, mapping=hello)
        elif isinstance(message, Progress):
            self._client.hset(keys.meta, "resimulated", repr(message.frontier))
        elif isinstance(message, Failed):
            log.error("%s", message.message)
            self._client.hset(keys.meta, mapping={"state": "failed", "error": message.message})
            self._failed = self._generation()[0]
            return False
        elif isinstance(message, Batch):
            message.complete()
            after = EventHash(hashed.count, hashed.hexdigest())
            after.update(message.events)
            plan = self._plan
            base = self._parcels
            firsts = sum(1 for e in message.events if e.seq == 1)
            args = [
                self._lease.owner,
                encode_batch(message, base),
                repr(message.frontier),
                after.count,
                after.hexdigest(),
                message.created,
                int(message.ended),
                base + firsts,
            ]
            fenced = [self._lease.key, keys.feed, keys.meta]
            entry = self._append(keys=fenced, args=args)
            if not entry and self._regain(keys, hashed):
                entry = self._append(keys=fenced, args=args)
            if not entry:
                log.warning("engine lock lost before a batch was appended; stepping down")
                return False
            hashed.update(message.events)
            self._parcels = base + firsts
            self._appended = entry.decode() if isinstance(entry, bytes) else str(entry)
            if plan is not None:
                scans = [(e.tracking_number, e.seq, e.carrier, e.occurred_at) for e in message.events]
                plan.see(self._appended, scans, [n for t in message.finished for n in numbers(t.to_dict())])
        return True

    def _regain(self, keys: GenKeys, hashed: EventHash) -> bool:
        """The lock expired under us (a stalled process on a busy machine): take it again if no
        one else has, and nobody appended meanwhile — then this engine simply goes on (a takeover
        would re-simulate the whole world)."""
        if not self._lease.acquire():
            return False
        held = read_meta(self._client, keys)
        if int(held.get("count", 0)) == hashed.count and held.get("digest", "") == hashed.hexdigest():
            log.warning("engine lock expired while this process stalled; regained it")
            return True
        self._lease.release()
        return False
