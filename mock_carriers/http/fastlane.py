"""The fast lane: a small front for the carriers' tracking reads, ahead of FastAPI.

FastAPI's routing, dependency solving and middleware cost several times what a tracking answer
itself costs (docs/benchmarks.md has the profile). The lane matches a request's method and path
exactly against the hot routes each carrier declares (``CarrierSpec.hot_routes``), hands it to the
carrier's handler, and sends what the handler returns. A handler answers only the plain, valid
request — authorised, well-formed, with nothing configured that the lane does not apply — and
returns ``None`` for everything else, having changed nothing, so FastAPI answers it exactly as
before. Rendered bodies are kept in a bounded ``RenderCache`` keyed by whatever changes the bytes
(the carrier says what: the number, the view's version, the options).

The lane is reached two ways: as ASGI (``serve``, ahead of FastAPI in ``SandboxApp``), and — under
``parcel-sandbox serve`` — straight from the HTTP protocol (``mock_carriers.http.hotwire``), which
asks ``claim`` once a request's head is parsed and ``answer`` once its body is in, and writes the
answer itself with no ASGI cycle at all. A handler is therefore a plain function (a coroutine
function still works, on the ASGI way only).

Carrier-neutral: the lane knows paths, methods and limits, never a carrier's rules.
"""

from __future__ import annotations

import inspect
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_carriers.http.limits import MAX_HEAD_BYTES, MAX_HEADERS

#: Set in a scope by the protocol (``hotwire``) when the lane's handler has already declined it.
DECLINED = "parcel_sandbox.lane_declined"
#: Request bodies the lane reads itself; larger or chunked ones go to FastAPI (and its body cap).
MAX_LANE_BODY = 64 * 1024
#: The render cache's bounds: entries, and the bytes of the bodies it holds.
CACHE_ENTRIES = 8192
CACHE_BYTES = 64 * 1024 * 1024

log = logging.getLogger("parcel_sandbox.fastlane")


class RenderCache:
    """Rendered bodies by key, least recently used out first, bounded in entries and bytes."""

    def __init__(self, max_entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable) -> bytes | None:
        body = self._items.get(key)
        if body is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old)
        self._items[key] = body
        self._bytes += len(body)
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped)

    def render(self, key: Hashable | None, make: Callable[[], bytes]) -> bytes:
        """The cached body under ``key``, else ``make()`` (kept unless ``key`` is None)."""
        if key is None:
            return make()
        body = self.get(key)
        if body is None:
            body = make()
            self.put(key, body)
        return body

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0


@dataclass(slots=True)
class HotAnswer:
    """An answer the lane sends as it is: what a Starlette ``Response`` would put on the wire."""

    status_code: int
    raw_headers: list[tuple[bytes, bytes]]
    body: bytes


def hot_response(
    content: bytes, media_type: str, headers: Mapping[str, str] | None = None, status: int = 200
) -> HotAnswer:
    """``Response(content, status, headers, media_type)``'s status, raw headers and body, without
    building one: the given headers lower-cased in order, then ``content-length`` and
    ``content-type`` unless given (Starlette's ``init_headers``, for a non-``text/`` type)."""
    raw = [(_name(k), v.encode("latin-1")) for k, v in headers.items()] if headers else []
    given_length = given_type = False
    for name, _ in raw:
        given_length = given_length or name == b"content-length"
        given_type = given_type or name == b"content-type"
    if not given_length and not (status < 200 or status in (204, 304)):
        raw.append((b"content-length", b"%d" % len(content)))
    if not given_type:
        raw.append((b"content-type", _name(media_type, lower=False)))
    return HotAnswer(status, raw, content)


_NAMES: dict[tuple[str, bool], bytes] = {}


def _name(text: str, lower: bool = True) -> bytes:
    """A header name (lower-cased) or media type as bytes, remembered: the carriers use a few."""
    key = (text, lower)
    found = _NAMES.get(key)
    if found is None:
        found = (text.lower() if lower else text).encode("latin-1")
        if len(_NAMES) < 1024:
            _NAMES[key] = found
    return found


@dataclass(slots=True)
class HotCall:
    """One request on a hot route, as the carrier's handler sees it."""

    #: The request as the carrier's sub-application would see it (its ``app`` and ``root_path``).
    request: Request
    #: The last path segment of a templated route (``/details/{n}``), else None.
    param: str | None
    #: The request body (POST routes; empty for GET).
    body: bytes
    #: This carrier's share of the render cache (keys need not name the carrier).
    cache: CacheView


#: Returns the full answer, or None to leave the request to FastAPI (having changed nothing). A
#: plain function; a coroutine function is answered on the ASGI way only.
HotHandler = Callable[[HotCall], Response | HotAnswer | Awaitable[Response | HotAnswer | None] | None]


@dataclass(frozen=True, slots=True)
class HotRoute:
    """A route the lane may answer, below the carrier's prefix: an exact path (``/track/shipments``),
    or a path ending in one ``{param}`` segment (``/api/track/v1/details/{inquiryNumber}``) that
    matches any non-empty segment without ``/`` — as Starlette's ``{param}`` does."""

    method: str
    path: str
    handler: HotHandler

    @property
    def templated(self) -> bool:
        return self.path.endswith("}")

    def stem(self) -> str:
        """The path up to and including the last ``/`` (the whole path when not templated)."""
        return self.path[: self.path.rindex("/") + 1] if self.templated else self.path

    @property
    def synchronous(self) -> bool:
        """The handler answers without awaiting (the protocol may call it)."""
        return not inspect.iscoroutinefunction(self.handler)


class LaneGate(Protocol):
    """What the gateway in front of a carrier (faults, rate limits) tells the lane."""

    def lane_open(self, carrier: str) -> bool:
        """True when nothing is configured for the carrier that the lane does not apply."""
        ...

    def lane_served(self, carrier: str, local_path: str) -> None:
        """Account for a request the lane answered, as the gateway would have."""
        ...


@dataclass(slots=True)
class _Target:
    carrier: str
    prefix: str
    app: ASGIApp
    route: HotRoute
    cache: CacheView
    #: Headers the carrier's gateway adds to every answer (its ``Server``), after the app's.
    extra_headers: list[tuple[bytes, bytes]]
    synchronous: bool


#: A claimed request: its target, and the path's last segment on a templated route.
Claim = tuple[_Target, str | None]


class FastLane:
    """The hot routes of every carrier; ``serve`` answers a request or says it did not."""

    def __init__(self, gate: LaneGate, cache: RenderCache | None = None) -> None:
        self.gate = gate
        self.cache = cache if cache is not None else RenderCache()
        self._exact: dict[tuple[str, str], _Target] = {}
        self._templated: dict[tuple[str, str], _Target] = {}
        self._caches: dict[str, CacheView] = {}

    def add(
        self,
        carrier: str,
        prefix: str,
        app: ASGIApp,
        routes: Sequence[HotRoute],
        server: str | None = None,
    ) -> None:
        """Declare a carrier's hot routes, mounted at ``prefix`` on the sub-application ``app``;
        ``server``: the ``Server`` header its gateway sends (``http.carrier_app.ServerHeader``)."""
        extra = [(b"server", server.encode("latin-1"))] if server else []
        cache = self._caches.setdefault(carrier, CacheView(self.cache, carrier))
        for route in routes:
            table = self._templated if route.templated else self._exact
            key = (route.method.upper(), prefix + route.stem())
            if key in table:
                raise ValueError(f"hot route {route.method} {prefix}{route.path} declared twice")
            table[key] = _Target(carrier, prefix, app, route, cache, extra, route.synchronous)

    def __len__(self) -> int:
        return len(self._exact) + len(self._templated)

    def _match(self, method: str, path: str) -> tuple[_Target, str | None] | None:
        target = self._exact.get((method, path))
        if target is not None:
            return target, None
        cut = path.rfind("/") + 1
        if cut == 0 or cut == len(path):
            return None
        target = self._templated.get((method, path[:cut]))
        return (target, path[cut:]) if target is not None else None

    def claim(self, scope: Scope) -> Claim | None:
        """The target of a request the lane may answer, judged on its head alone: a hot route,
        within the head limits, the gate open, a body (if any) of a known, small length."""
        found = self._match(scope["method"], scope["path"])
        if found is None or not _head_within_limits(scope) or not self.gate.lane_open(found[0].carrier):
            return None
        if scope["method"] != "GET":
            length = _content_length(scope)
            if length is None or length > MAX_LANE_BODY:
                return None
        return found

    def answer(self, claim: Claim, scope: Scope, body: bytes) -> HotAnswer | None:
        """The answer to a claimed request whose body is ``body`` (a synchronous handler's), or
        None for FastAPI. Counted as the gateway counts, with the gateway's headers."""
        target, _ = claim
        if not target.synchronous:
            return None
        response = self._call(claim, scope, body)
        return None if response is None else self._served(target, scope, response)

    def _call(self, claim: Claim, scope: Scope, body: bytes) -> Any:
        target, param = claim
        child = dict(scope)
        child["app"] = target.app
        child["root_path"] = scope.get("root_path", "") + target.prefix
        try:
            return target.route.handler(HotCall(Request(child), param, body, target.cache))
        except Exception:
            # FastAPI's route meets the same input and answers in the carrier's own envelope.
            log.exception("fast lane handler failed on %s %s", scope["method"], scope["path"])
            return None

    def _served(self, target: _Target, scope: Scope, response: Response | HotAnswer) -> HotAnswer:
        self.gate.lane_served(target.carrier, scope["path"][len(target.prefix) :] or "/")
        headers = response.raw_headers
        if target.extra_headers:
            headers = [h for h in headers if h[0] != b"server"] + target.extra_headers
        return HotAnswer(response.status_code, headers, bytes(response.body))

    async def _answer_async(self, claim: Claim, scope: Scope, body: bytes) -> HotAnswer | None:
        pending = self._call(claim, scope, body)
        try:
            response = None if pending is None else await pending
        except Exception:
            log.exception("fast lane handler failed on %s %s", scope["method"], scope["path"])
            return None
        return None if response is None else self._served(claim[0], scope, response)

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answer the request and return None, or return the ``receive`` FastAPI must read it
        from (the body the lane read is replayed) when the lane leaves it alone."""
        claim = None if DECLINED in scope else self.claim(scope)
        if claim is None:
            return receive
        body = b""
        if scope["method"] != "GET":
            body, complete = await _read_body(receive, _content_length(scope) or 0)
            receive = _replay(body, complete, receive)
            if not complete:
                return receive
        if claim[0].synchronous:
            answer = self.answer(claim, scope, body)
        else:
            answer = await self._answer_async(claim, scope, body)
        if answer is None:
            return receive
        start = {"type": "http.response.start", "status": answer.status_code, "headers": answer.raw_headers}
        await send(start)
        await send({"type": "http.response.body", "body": answer.body})
        return None


class CacheView:
    """One carrier's share of the shared render cache: its keys are kept under the carrier's key."""

    __slots__ = ("_carrier", "_shared")

    def __init__(self, shared: RenderCache, carrier: str) -> None:
        self._shared = shared
        self._carrier = carrier

    def render(self, key: Hashable | None, make: Callable[[], bytes]) -> bytes:
        """The cached body under ``key``, else ``make()`` (kept unless ``key`` is None)."""
        return self._shared.render(None if key is None else (self._carrier, key), make)


def _head_within_limits(scope: Scope) -> bool:
    """The head limits ``RequestLimits`` applies; a request past them goes to FastAPI for its 431."""
    raw = scope.get("headers") or []
    if len(raw) > MAX_HEADERS:
        return False
    size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    for name, value in raw:
        size += len(name) + len(value) + 4
    return size <= MAX_HEAD_BYTES


def _content_length(scope: Scope) -> int | None:
    found = None
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            if found is not None or not value.isdigit():
                return None  # two of them, or junk: FastAPI's body cap decides
            found = int(value)
        elif name == b"transfer-encoding":
            return None
    return found


async def _read_body(receive: Receive, length: int) -> tuple[bytes, bool]:
    """The body, and whether it arrived whole (a disconnect or an overrun leaves it to FastAPI)."""
    chunks: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        seen += len(chunk)
        chunks.append(chunk)
        if seen > length:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), seen == length


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A ``receive`` that first gives back what the lane read, then carries on from the socket."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
