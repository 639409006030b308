"""The Redis a shared world lives in: the ``--store redis://HOST:PORT/DB`` address, one connection
pool per process, the key names, a wall clock every host agrees on, and the expiring locks that
elect the engine (and anything else only one process may do).

Keys are grouped per world (``ps:{world}``, the scenario's digest) and per generation
(``ps:{world}:g{N}``): a reset bumps the generation and every process follows it, so nothing of
the world before a reset is ever read again; a later reset deletes the old generation's keys.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import redis

from sim.errors import UsageError

#: How long a lock lives without being renewed (ms): a process killed with -9 loses its lock
#: this long after its last renewal, and another takes over. Long enough for a process stalled
#: on a saturated machine to renew in time (it regains an expired lock nobody took, besides).
LOCK_TTL_MS = 10_000
#: How often the holder renews it (s).
LOCK_RENEW_S = 1.0

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


def parse_store(url: str) -> str:
    """The Redis URL as given, or UsageError saying what a store address looks like."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise UsageError(f"--store {url!r}: use redis://HOST:PORT/DB (or rediss://, unix://)")
    if parts.scheme != "unix":
        try:
            port = parts.port
        except ValueError:
            raise UsageError(f"--store {url!r}: the port must be a number from 1 to 65535") from None
        if not parts.hostname:
            raise UsageError(f"--store {url!r}: name the Redis host, e.g. redis://127.0.0.1:6379/0")
        path = parts.path.strip("/")
        if path and not path.isdigit():
            raise UsageError(f"--store {url!r}: the database is a number (redis://HOST:PORT/0)")
        del port
    return url


def connect(url: str) -> redis.Redis:
    """A client of the store (bytes in, bytes out), checked with a PING: an address nobody
    answers is one clear line, not a traceback at the first request."""
    client = redis.Redis.from_url(parse_store(url), socket_timeout=10, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise UsageError(f"--store {url}: Redis does not answer ({exc})") from None
    return client


def owner_id() -> str:
    """Who holds a lock: host, process and a random part (a restarted process is someone else)."""
    return f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class Keys:
    """Every key of one world."""

    world: str

    @property
    def root(self) -> str:
        return f"ps:{self.world}"

    @property
    def state(self) -> str:
        """Hash: generation, seed, model version of the world."""
        return f"{self.root}:world"

    @property
    def channel(self) -> str:
        """Pub/sub channel: ``reset``, ``clock``, ``faults``, ``tokens`` notices."""
        return f"{self.root}:notices"

    @property
    def engine_lock(self) -> str:
        return f"{self.root}:engine"

    def gen(self, generation: int) -> GenKeys:
        return GenKeys(f"{self.root}:g{generation}")


@dataclass(frozen=True, slots=True)
class GenKeys:
    """The keys of one generation of a world."""

    root: str

    @property
    def feed(self) -> str:
        """Stream: one entry per engine batch, in log order."""
        return f"{self.root}:feed"

    @property
    def meta(self) -> str:
        """Hash: frontier, event count and chained hash, parcels created, cases, engine state."""
        return f"{self.root}:meta"

    @property
    def clock(self) -> str:
        return f"{self.root}:clock"

    @property
    def clock_lock(self) -> str:
        return f"{self.root}:clock:lock"

    @property
    def token_key(self) -> str:
        return f"{self.root}:tokens:key"

    @property
    def token_counter(self) -> str:
        return f"{self.root}:tokens:n"

    def token(self, carrier: str, raw: str) -> str:
        return f"{self.root}:tok:{carrier}:{raw}"

    @property
    def token_storms(self) -> str:
        """Hash: carrier -> wall time before which every token of it is expired."""
        return f"{self.root}:tokens:storms"

    @property
    def faults(self) -> str:
        return f"{self.root}:faults"

    def limit(self, kind: str, carrier: str, key: str) -> str:
        return f"{self.root}:rl:{kind}:{carrier}:{key}"

    @property
    def workers(self) -> str:
        """Hash: worker id -> its replica's frontier and the wall time it said so."""
        return f"{self.root}:workers"


class WallClock:
    """Wall time in epoch seconds as the Redis server has it: each process measures its offset
    from the server's ``TIME`` once, so realtime clocks read on different hosts agree (to the
    round trip) even when the hosts' own clocks do not."""

    def __init__(self, client: redis.Redis) -> None:
        before = time.time()
        seconds, micros = client.time()
        after = time.time()
        self.offset = seconds + micros / 1e6 - (before + after) / 2

    def __call__(self) -> float:
        return time.time() + self.offset


class Lease:
    """An expiring lock: ``acquire`` once, then ``renew`` more often than ``LOCK_TTL_MS``; a
    holder that stops renewing (killed, hung, cut off) loses it and another may take it."""

    def __init__(self, client: redis.Redis, key: str, ttl_ms: int = LOCK_TTL_MS) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = ttl_ms
        self.owner = owner_id()
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> bool:
        return bool(self.client.set(self.key, self.owner, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        return bool(self._renew(keys=[self.key], args=[self.owner, self.ttl_ms]))

    def release(self) -> None:
        try:
            self._release(keys=[self.key], args=[self.owner])
        except redis.RedisError:
            pass  # it expires by itself


class SpinLock:
    """A short critical section across processes (a clock move): spin on ``SET NX PX``."""

    def __init__(self, client: redis.Redis, key: str, ttl_ms: int = 2000) -> None:
        self._lease = Lease(client, key, ttl_ms)
        self._local = threading.Lock()

    def __enter__(self) -> SpinLock:
        self._local.acquire()
        deadline = time.monotonic() + 10.0
        while not self._lease.acquire():
            if time.monotonic() > deadline:
                self._local.release()
                raise TimeoutError(f"{self._lease.key} held by another process for over 10 s")
            time.sleep(0.002)
        return self

    def __exit__(self, *exc: object) -> None:
        self._lease.release()
        self._local.release()
