"""Hard limits on what any request may make the server hold, enforced where the bytes arrive: the
server bounds request heads as they are read (``mock_carriers.http.server``), and

``RequestLimits`` (ASGI, around the whole app) applies the same head limits for servers other than
that one (and in-process clients), the body limit for the sandbox's own routes (carrier sub-apps
answer theirs in the carrier's envelope, ``mock_carriers.http.carrier_app``), and for ``/_sandbox`` bodies:
JSON only (declared ``Content-Type``), strict (no ``NaN``/``Infinity``), at most
``MAX_JSON_DEPTH`` deep. Every refusal is a problem body (``mock_carriers.http.problems``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_carriers.http.carrier_app import MAX_BODY_BYTES
from mock_carriers.http.problems import problem

#: Request line plus header fields. Browsers and HTTP clients send a few KiB; nginx's default
#: buffers allow 32 KiB, Node's parser 16 KiB.
MAX_HEAD_BYTES = 64 * 1024
#: Header fields per request (Apache's LimitRequestFields default is 100).
MAX_HEADERS = 100
#: Nesting of a control-plane JSON body: the deepest real one (a fault configuration) is 6.
MAX_JSON_DEPTH = 32
#: Open connections plus running requests before uvicorn answers 503 (its limit_concurrency).
MAX_CONCURRENCY = 1024
#: Seconds an idle keep-alive connection stays open. Above the pool expiry of common clients
#: (httpx 5 s, aiohttp 15 s): at uvicorn's 5 s a client reusing a connection just as the server
#: closed it got "connection reset" (a verify run saw it); nginx keeps 75 s, ALB 60 s.
KEEP_ALIVE_S = 30
CONTROL_PREFIX = "/_sandbox"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

log = logging.getLogger("parcel_sandbox.limits")


def is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


# --------------------------------------------------------------------------------------------
# The app: heads (for any server), bodies of the sandbox's own routes


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (iteratively: no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class _TooLarge(Exception):
    pass


class RequestLimits:
    """Head limits on every request; body limit and JSON shape on the sandbox's own routes."""

    def __init__(
        self,
        app: ASGIApp,
        carrier_prefixes: Sequence[str] = (),
        max_body: int = MAX_BODY_BYTES,
        max_headers: int = MAX_HEADERS,
        max_head_bytes: int = MAX_HEAD_BYTES,
    ) -> None:
        self.app = app
        self.carrier_prefixes = tuple(p.rstrip("/") for p in carrier_prefixes)
        self.max_body = max_body
        self.max_headers = max_headers
        self.max_head_bytes = max_head_bytes

    def _carrier_path(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.carrier_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("headers") or []
        size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        size += sum(len(k) + len(v) + 4 for k, v in raw)
        if len(raw) > self.max_headers or size > self.max_head_bytes:
            what = f"more than {self.max_headers} header fields" if len(raw) > self.max_headers else None
            detail = f"request head refused: {what or f'over {self.max_head_bytes} bytes'}"
            await problem(431, detail)(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if self._carrier_path(path):
            await self.app(scope, receive, send)  # the carrier enforces its own, in its envelope
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _too_large(self.max_body)(scope, receive, send)
            return
        if not is_control(path) or scope.get("method") not in _BODY_METHODS:
            await self.app(scope, self._limited(receive), send)
            return
        try:
            body = await self._read(receive)
        except _TooLarge:
            await _too_large(self.max_body)(scope, receive, send)
            return
        refused = self._check_json(body, headers.get("content-type"))
        if refused is not None:
            status, detail = refused
            await problem(status, detail)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _check_json(self, body: bytes, content_type: str | None) -> tuple[int, str] | None:
        if not body.strip():
            return None
        if not _is_json(content_type):
            given = f"'{content_type}'" if content_type else "none"
            return 415, (
                "the body must be JSON sent with 'Content-Type: application/json' "
                f"(Content-Type was {given}; with curl add -H 'content-type: application/json')"
            )
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return 400, f"the body is not valid JSON: {exc}"
        if json_depth(value) > MAX_JSON_DEPTH:
            return 400, f"the body nests arrays and objects more than {MAX_JSON_DEPTH} deep"
        return None

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Past the limit the rest is not read; the route sees a disconnect.
                    return {"type": "http.disconnect"}
            return message

        return limited


def _too_large(limit: int) -> Response:
    # Connection: close — the rest of the body is never read, so the connection cannot carry on.
    return problem(413, f"request body over {limit} bytes", headers={"Connection": "close"})


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
