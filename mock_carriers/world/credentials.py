"""Credentials a carrier adapter checks: the scenario's allowed client ids, secrets and API keys
(``CredentialPolicy``), and the bearer tokens the sandbox issues (``TokenIssuer``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

TokenState = Literal["ok", "missing", "invalid", "expired"]


def _utf8(text: str) -> bytes:
    # surrogatepass: a JSON body may carry a lone surrogate (\ud800); it must compare, not raise.
    return text.encode("utf-8", "surrogatepass")


@dataclass
class CredentialPolicy:
    """Any id/secret/key works unless the scenario lists allowed ones (per carrier)."""

    allowed: dict[str, dict[str, str]] = field(default_factory=dict)  # carrier -> {id: secret}
    api_keys: dict[str, set[str]] = field(default_factory=dict)  # carrier -> keys

    def accepts(self, carrier: str, client_id: str, client_secret: str) -> bool:
        if not client_id or not client_secret:
            return False
        allowed = self.allowed.get(carrier)
        if not allowed:
            return True
        expected = allowed.get(client_id)
        # Constant time in the secret: a client must not learn an allowed secret byte by byte.
        return expected is not None and hmac.compare_digest(_utf8(expected), _utf8(client_secret))

    def accepts_key(self, carrier: str, key: str | None) -> bool:
        if not key:
            return False
        keys = self.api_keys.get(carrier)
        if not keys:
            return True
        given = _utf8(key)
        return any(hmac.compare_digest(_utf8(k), given) for k in keys)


@dataclass(slots=True, frozen=True)
class Token:
    access_token: str
    client_id: str
    issued_at: float  # wall-clock seconds since the epoch
    expires_in: int  # seconds

    @property
    def issued_at_ms(self) -> int:
        return int(self.issued_at * 1000)


class TokenIssuer:
    """Bearer tokens per carrier. Expiry runs on the wall clock, like the real carriers' tokens:
    a tester who jumps the sandbox clock four days ahead does not invalidate a client's token,
    but a client that keeps one past ``expires_in`` seconds must refresh it.

    Token strings are HMACs of a counter under a key. By default the key is a per-process random
    secret (``secrets.token_bytes``), drawn again at every reset: the seed is public
    (``/_sandbox/health``), so a key derived from it would let any client compute the token of an
    allowed one. ``deterministic=True`` derives the key from the seed instead, so a replayed session
    issues the same tokens in the same order — for tests that compare them, never for a sandbox
    that guards anything.
    """

    def __init__(
        self,
        seed: int,
        lifetimes: dict[str, int] | None = None,
        wall_clock: Callable[[], float] = time.time,
        deterministic: bool = False,
    ) -> None:
        self.deterministic = deterministic
        self._seed = seed
        self._key = self._new_key(seed)
        self._lifetimes = dict(lifetimes or {})
        self._wall = wall_clock
        self._issued: dict[str, Token] = {}
        self._counter = 0
        self._lock = threading.Lock()

    def lifetime(self, carrier: str, default: int) -> int:
        return self._lifetimes.get(carrier, default)

    def issue(self, carrier: str, client_id: str, default_lifetime: int) -> Token:
        with self._lock:
            self._counter += 1
            raw = hmac.new(self._key, f"{carrier}:{self._counter}".encode(), hashlib.sha256).hexdigest()
            token = Token(
                access_token=raw,
                client_id=client_id,
                issued_at=self._wall(),
                expires_in=self.lifetime(carrier, default_lifetime),
            )
            self._issued[f"{carrier}:{raw}"] = token
            return token

    def check(self, carrier: str, access_token: str | None) -> TokenState:
        if not access_token:
            return "missing"
        token = self._issued.get(f"{carrier}:{access_token}")
        if token is None:
            return "invalid"
        if self._wall() >= token.issued_at + token.expires_in:
            return "expired"
        return "ok"

    def client_of(self, carrier: str, access_token: str | None) -> str | None:
        """The client id a live token was issued to (rate limits count per client), else None."""
        if not access_token or self.check(carrier, access_token) != "ok":
            return None
        token = self._issued.get(f"{carrier}:{access_token}")
        return token.client_id if token is not None else None

    def expire_all(self, carrier: str | None = None) -> int:
        """Expire every live token (a token-expiry storm); returns how many were live."""
        with self._lock:
            n = 0
            for key, token in list(self._issued.items()):
                if carrier is None or key.startswith(carrier + ":"):
                    self._issued[key] = Token(token.access_token, token.client_id, 0.0, 0)
                    n += 1
            return n

    def _new_key(self, seed: int) -> bytes:
        if self.deterministic:
            return hashlib.sha256(f"parcel-sandbox-tokens:{seed}".encode()).digest()
        return secrets.token_bytes(32)

    def reset(self, seed: int | None = None) -> None:
        """Forget every token; a fresh key, so no token from before can ever be issued again
        (deterministic mode: the key of ``seed``, so the same sequence starts over)."""
        with self._lock:
            if seed is not None:
                self._seed = seed
            self._key = self._new_key(self._seed)
            self._issued.clear()
            self._counter = 0
