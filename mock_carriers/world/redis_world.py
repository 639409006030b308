"""A world shared through Redis (``--store redis://HOST:PORT/DB``): what every process of it —
the engine and each API worker, on this host or another — agrees on.

``SharedWorld`` joins (or creates) the world's keys for a scenario: its generation and seed, the
model version (a Redis holding a world of another parcel-sandbox version is refused), and a
listener thread on the world's pub/sub channel that tells this process's sandbox about resets,
clock moves, fault configurations and token storms the moment another process makes them. A
notice missed while the connection was down is made up for by a full refresh on reconnect and
every few seconds.

A reset is one atomic increment of the generation (and the new seed): every process follows it
— its sandbox swaps in a fresh replica, clock and tokens, its engine publisher (if it leads)
starts the new generation's engine. Keys of generations two resets old are deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

import redis

from mock_carriers.world.clock import ClockMode
from mock_carriers.world.redis_clock import SharedClock
from mock_carriers.world.redis_feed import StreamReplica
from mock_carriers.world.redis_link import GenKeys, Keys, WallClock, connect
from sim.errors import UsageError

log = logging.getLogger("parcel_sandbox.redis")

#: Seconds between full refreshes (generation, clock) whatever the notices said.
REFRESH_S = 2.0

_RESET = """
local gen = redis.call('hincrby', KEYS[1], 'generation', 1)
if ARGV[1] ~= '' then redis.call('hset', KEYS[1], 'seed', ARGV[1]) end
return {gen, redis.call('hget', KEYS[1], 'seed')}
"""

Notice = str  # "reset", "clock", "faults", "tokens", "webhooks"; "close" (this process only)


class SharedWorld:
    def __init__(
        self,
        url: str,
        world: str,
        version: str,
        seed: int,
        *,
        start: datetime,
        mode: ClockMode,
        speed: float,
        horizon: datetime,
        limit: datetime,
    ) -> None:
        self.url = url
        self.client = connect(url)
        self.keys = Keys(world)
        self.wall = WallClock(self.client)
        self._clock_args = (start, mode, speed, horizon, limit)
        self.client.hsetnx(self.keys.state, "version", version)
        self.client.hsetnx(self.keys.state, "seed", seed)
        self.client.hsetnx(self.keys.state, "generation", 0)
        held = self.client.hget(self.keys.state, "version")
        if held is not None and held.decode() != version:
            raise UsageError(
                f"--store {url}: holds a world of {held.decode()}, this sandbox is {version}: its world "
                "would not reproduce; use another Redis database"
            )
        self.generation, self.seed = self._read()
        self._hooks: dict[Notice, list[Callable[[], None]]] = defaultdict(list)
        self._reset_script = self.client.register_script(_RESET)
        self._stopping = threading.Event()
        self._listener: threading.Thread | None = None

    def _read(self) -> tuple[int, int]:
        gen, seed = self.client.hmget(self.keys.state, "generation", "seed")
        return int(gen or 0), int(seed or 0)

    def current(self) -> tuple[int, int]:
        """(generation, seed) as this process last heard them."""
        return self.generation, self.seed

    def gen(self, generation: int) -> GenKeys:
        return self.keys.gen(generation)

    # --- what the sandbox builds per generation -----------------------------------------------

    def clock(self, generation: int) -> SharedClock:
        start, mode, speed, horizon, limit = self._clock_args
        return SharedClock(
            self.client,
            self.gen(generation),
            start,
            mode,
            speed,
            horizon=horizon,
            limit=limit,
            wall=self.wall,
            notify=self.notify,
        )

    def replica(self, generation: int) -> StreamReplica:
        return StreamReplica(self.client, self.gen(generation))

    # --- notices --------------------------------------------------------------------------------

    def on(self, notice: Notice, hook: Callable[[], None]) -> None:
        self._hooks[notice].append(hook)

    def notify(self, notice: Notice) -> None:
        self.client.publish(self.keys.channel, notice)

    def _fire(self, notice: Notice) -> None:
        if notice == "reset":
            self.generation, self.seed = self._read()
        for hook in list(self._hooks.get(notice, ())):
            try:
                hook()
            except Exception:  # one bad hook must not stop the listener
                log.exception("shared world: %s hook failed", notice)

    def listen(self) -> None:
        """Start the listener thread (once)."""
        if self._listener is None:
            self._listener = threading.Thread(target=self._listen, name="redis-notices", daemon=True)
            self._listener.start()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.keys.channel)
                self._refresh()  # whatever was said while we were not listening
                refreshed = time.monotonic()
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message is not None and message["type"] == "message":
                        self._fire(message["data"].decode())
                    if time.monotonic() - refreshed > REFRESH_S:
                        self._refresh()
                        refreshed = time.monotonic()
            except redis.RedisError as exc:
                log.warning("Redis notices: %s; reconnecting", exc)
                self._stopping.wait(0.5)
            finally:
                pubsub.close()

    def _refresh(self) -> None:
        if self._read()[0] != self.generation:
            self._fire("reset")
        for notice in ("clock", "faults", "tokens"):
            self._fire(notice)

    # --- reset ----------------------------------------------------------------------------------

    def reset(self, seed: int | None) -> tuple[int, int]:
        """A new generation (and seed) for every process; returns it."""
        gen, new_seed = self._reset_script(keys=[self.keys.state], args=["" if seed is None else seed])
        self.generation, self.seed = int(gen), int(new_seed)
        self._drop_before(self.generation - 1)
        self.notify("reset")
        return self.generation, self.seed

    def _drop_before(self, generation: int) -> None:
        """Delete the keys of generations before ``generation`` (nobody reads them any more)."""
        for key in self.client.scan_iter(match=f"{self.keys.root}:g*", count=500):
            name = key.decode()
            number = name[len(self.keys.root) + 2 :].split(":", 1)[0]
            if number.isdigit() and int(number) < generation:
                self.client.delete(key)

    def close(self) -> None:
        self._fire("close")  # the webhook leader lets go of its lock first
        self._stopping.set()
        if self._listener is not None:
            self._listener.join(timeout=2)
        self.client.close()
