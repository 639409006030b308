"""Carrier access tokens shared by every worker of a Redis world.

A token is issued by one worker and presented to any other, so the table is in Redis: one key per
token (``{generation}:tok:{carrier}:{token}`` → client id, issue time, lifetime) that Redis itself
expires a day after the token does — a locust run that fetches a token per user does not grow the
store without bound. The token strings are HMACs of a shared counter under a key kept in Redis
(drawn at random by the first worker of a generation; derived from the seed with
``--deterministic-tokens``), so no two workers ever issue the same one. Checks are local after a
token's first sight (a bounded cache): the hot path needs no network hop. A token-expiry storm
sets a per-carrier watermark every worker hears of at once; tokens issued before it are expired.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable

from mock_carriers.world.credentials import Token, TokenIssuer, TokenState
from mock_carriers.world.redis_link import GenKeys
from mock_carriers.world.redis_world import SharedWorld

#: Tokens remembered per worker before the cache starts over (each is re-read once then).
CACHE_MAX = 100_000
#: Redis keeps a token this long past its expiry (it then reads as invalid rather than expired).
KEEP_EXPIRED_S = 86400


class SharedTokens(TokenIssuer):
    def __init__(
        self,
        shared: SharedWorld,
        generation: Callable[[], int],
        seed: int,
        lifetimes: dict[str, int] | None = None,
        deterministic: bool = False,
    ) -> None:
        super().__init__(seed, lifetimes, wall_clock=shared.wall, deterministic=deterministic)
        self._shared = shared
        self._client = shared.client
        self._generation = generation
        self._cache: dict[str, Token] = {}
        self._storms: dict[str, float] = {}
        self._keys_gen = -1
        self._secret = b""
        self._guard = threading.Lock()
        shared.on("tokens", self.reload_storms)

    def _keys(self) -> GenKeys:
        return self._shared.gen(self._generation())

    def _key_bytes(self, keys: GenKeys, generation: int) -> bytes:
        with self._guard:
            if self._keys_gen != generation:
                if self.deterministic:
                    self._secret = self._key  # derived from the seed by TokenIssuer
                else:
                    self._client.set(keys.token_key, secrets.token_bytes(32), nx=True)
                    self._secret = self._client.get(keys.token_key) or b""
                self._keys_gen = generation
            return self._secret

    def issue(self, carrier: str, client_id: str, default_lifetime: int) -> Token:
        generation = self._generation()
        keys = self._shared.gen(generation)
        key = self._key_bytes(keys, generation)
        n = self._client.incr(keys.token_counter)
        raw = hmac.new(key, f"{carrier}:{n}".encode(), hashlib.sha256).hexdigest()
        token = Token(raw, client_id, self._wall(), self.lifetime(carrier, default_lifetime))
        value = f"{token.issued_at!r}\n{token.expires_in}\n{client_id}"
        self._client.set(
            keys.token(carrier, raw),
            value.encode("utf-8", "surrogatepass"),
            ex=token.expires_in + KEEP_EXPIRED_S,
        )
        self._remember(f"{carrier}:{raw}", token)
        return token

    def _remember(self, key: str, token: Token) -> None:
        if len(self._cache) >= CACHE_MAX:
            self._cache.clear()
        self._cache[key] = token

    def _lookup(self, carrier: str, access_token: str) -> Token | None:
        key = f"{carrier}:{access_token}"
        token = self._cache.get(key)
        if token is not None:
            return token
        if len(access_token) > 128:  # never one of ours: no Redis key that long is asked for
            return None
        value = self._client.get(self._keys().token(carrier, access_token))
        if value is None:
            return None
        issued, lifetime, client_id = value.decode("utf-8", "surrogatepass").split("\n", 2)
        token = Token(access_token, client_id, float(issued), int(lifetime))
        self._remember(key, token)
        return token

    def _state(self, carrier: str, token: Token) -> TokenState:
        if self._wall() >= token.issued_at + token.expires_in:
            return "expired"
        if token.issued_at <= self._storms.get(carrier, float("-inf")):
            return "expired"
        return "ok"

    def check(self, carrier: str, access_token: str | None) -> TokenState:
        if not access_token:
            return "missing"
        token = self._lookup(carrier, access_token)
        return "invalid" if token is None else self._state(carrier, token)

    def client_of(self, carrier: str, access_token: str | None) -> str | None:
        if not access_token:
            return None
        token = self._lookup(carrier, access_token)
        return token.client_id if token is not None and self._state(carrier, token) == "ok" else None

    def expire_all(self, carrier: str | None = None) -> int:
        """Expire every live token of the carrier (or all) on every worker; returns how many
        were live."""
        keys = self._keys()
        now = self._wall()
        carriers = [carrier] if carrier is not None else None
        live = 0
        pattern = keys.token(carrier if carrier is not None else "*", "*")
        for key in self._client.scan_iter(match=pattern, count=1000):
            value = self._client.get(key)
            if value is None:
                continue
            issued, lifetime, _ = value.decode("utf-8", "surrogatepass").split("\n", 2)
            tok_carrier = key.decode().rsplit(":", 2)[-2]
            if float(issued) + int(lifetime) > now and float(issued) > self._storms.get(
                tok_carrier, float("-inf")
            ):
                live += 1
        if carriers is None:
            carriers = sorted({k.decode().rsplit(":", 2)[-2] for k in self._client.scan_iter(match=pattern)})
        if carriers:
            self._client.hset(keys.token_storms, mapping=dict.fromkeys(carriers, repr(now)))
            self._storms.update(dict.fromkeys(carriers, now))
            self._shared.notify("tokens")
        return live

    def reload_storms(self) -> None:
        raw = self._client.hgetall(self._keys().token_storms)
        self._storms = {k.decode(): float(v) for k, v in raw.items()}

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        with self._guard:
            self._keys_gen = -1
        self._cache.clear()
        self._storms.clear()
