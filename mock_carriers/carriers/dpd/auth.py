"""DPD LoginService 2.1 ``getAuth`` and the check of the ``authentication`` header on every call.

Real flow [DOC: DPD Belgium/Netherlands login-service pages; SPEC ``LoginServiceV21.xsd``]: a
``getAuth {delisId, password, messageLanguage}`` answers ``return {delisId, customerUid,
authToken, depot, authTokenExpires}``. The token is "valid for exactly 24 hours"; logging in again
while it is valid returns **the same token** ("Login call 2 … The same token 'A' is obtained, still
valid for 21 hours"); a new one only once it has expired. ``authTokenExpires`` is UTC. Every other
call carries ``authentication {delisId, authToken, messageLanguage}`` in the SOAP header.

The sandbox keeps its tokens in the shared ``TokenIssuer`` (wall clock, token-expiry storms), and
hands out a 64-character alphanumeric form of each ("not a 64 character alphanumerical string" is
how DPD describes a malformed token) [DOC]. Credentials go through the scenario's list for ``dpd``
(delisId → password); with no list, any non-empty pair works.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from mock_carriers.world.context import CarrierContext
from mock_carriers.world.credentials import Token

from .envelope import Authentication

CARRIER = "dpd"
#: "The token is valid for exactly 24 hours after authentication" [DOC].
TOKEN_LIFETIME = 24 * 3600
#: What DPD calls a well-formed token [DOC DPD Belgium: "a 64 character alphanumerical string"].
TOKEN_SHAPE = re.compile(r"[0-9A-Za-z]{64}")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Login:
    """The ``return`` of ``getAuth`` [SPEC ``Login``]."""

    delis_id: str
    customer_uid: str
    auth_token: str
    depot: str
    expires: datetime  # UTC


def _wire_token(raw: str) -> str:
    """A DPD-looking token (64 characters, mixed case) for the sandbox's raw token."""
    value = int.from_bytes(hashlib.sha512(f"dpd-token:{raw}".encode()).digest(), "big")
    chars = []
    while len(chars) < 64:
        value, digit = divmod(value, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def depot_of(delis_id: str) -> str:
    """The customer's home depot: a 4-digit DPD Germany depot number (01xx), fixed per delisId
    [INFER: DPD's examples show the depot of the account, e.g. "0530", "0522"]."""
    digest = hashlib.sha256(f"dpd-depot:{delis_id}".encode()).digest()
    return f"01{10 + digest[0] % 90:02d}"


def expires_text(expires: datetime) -> str:
    """``authTokenExpires`` as DPD's .NET service writes it: UTC without an offset, hundredths of a
    second (``2020-05-08T13:02:56.06``) [3P karrio fixture]. DPD has also been seen to send seven
    fractional digits (``.9333333``, DOC DPD Belgium), which karrio 2026.1.32 cannot parse; the
    sandbox keeps to the two-digit form."""
    return expires.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expires.microsecond // 10_000:02d}"


class DpdAuth:
    """Logins and the header check for one carrier app."""

    def __init__(self, ctx: CarrierContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._current: dict[str, Token] = {}  # delisId -> the token of its current login
        self._raw: dict[str, str] = {}  # wire token -> raw token

    def login(self, delis_id: str | None, password: str | None) -> Login | None:
        """The login for a delisId/password pair, or None when DPD would refuse it."""
        if not delis_id or not password or not self.ctx.credentials.accepts(CARRIER, delis_id, password):
            return None
        tokens = self.ctx.tokens
        with self._lock:
            token = self._current.get(delis_id)
            if token is None or tokens.check(CARRIER, token.access_token) != "ok":
                token = tokens.issue(CARRIER, delis_id, TOKEN_LIFETIME)
                self._current[delis_id] = token
                self._raw[_wire_token(token.access_token)] = token.access_token
        expires = datetime.fromtimestamp(token.issued_at + token.expires_in, UTC)
        return Login(delis_id, delis_id, _wire_token(token.access_token), depot_of(delis_id), expires)

    def check(self, auth: Authentication | None) -> str:
        """``ok``, or why the header is refused: ``missing``/``malformed`` (no token, or not DPD's
        shape), ``invalid`` (unknown token, or another delisId's), ``expired``."""
        if auth is None or not auth.auth_token or not auth.delis_id:
            return "missing"
        if not TOKEN_SHAPE.fullmatch(auth.auth_token):
            return "malformed"
        raw = self._raw.get(auth.auth_token)
        if raw is None:
            return "invalid"
        state = self.ctx.tokens.check(CARRIER, raw)
        if state != "ok":
            return state
        if self.ctx.tokens.client_of(CARRIER, raw) != auth.delis_id:
            return "invalid"
        return "ok"
