"""The fast lane at the protocol level: hot requests answered inside the HTTP protocol, no ASGI.

On uvicorn every request pays an ASGI cycle — a scope, a ``RequestResponseCycle``, a Task, the
``receive``/``send`` coroutines, two transport writes — which cost more than the lane's answer
itself (docs/benchmarks.md has the profile). ``HotWireProtocol`` asks the lane
(``mock_carriers.http.fastlane.FastLane``) once a request's head is parsed whether it may answer
it (``claim``); if so it keeps the body itself and, once the request is complete, calls the
carrier's handler synchronously (``answer``) and writes the whole response with one
``transport.write``. A handler that declines (None) leaves the request to the ordinary ASGI path,
started then exactly as uvicorn would have started it, with the body the protocol kept.

What a hot answer keeps of HTTP:
- order: a request is claimed only when no earlier request of the connection is still in the ASGI
  path, so an answer never overtakes one (pipelined requests behind an ASGI one queue as usual);
- flow control: with the transport's buffer over its high-water mark (``pause_writing``) nothing
  is claimed — the ASGI path waits for the buffer to drain, and reads stay bounded;
- keep-alive: after hot answers the idle timeout is armed once and, when it fires, looks at when
  bytes last came (re-arming for the rest) instead of being cancelled and re-armed per request;
  ``Connection: close`` and HTTP/1.0: the answer says ``connection: close`` and the connection
  closes;
- the head limits of ``LimitedHttpToolsProtocol`` (431 before the head is complete) and of the
  lane (``RequestLimits``' limits: past them the ASGI path answers its 431);
- the server's default headers (``Date``, cached per second by uvicorn) on every answer;
- ``Expect: 100-continue``, upgrades, HEAD and every method the lane does not declare go to ASGI,
  as does everything while the concurrency cap is reached (uvicorn's 503).
The lane runs ahead of the ASGI middleware, as it does on the ASGI way: uvicorn's proxy-headers
rewrite of ``client``/``scheme`` does not apply to hot answers (no hot handler reads either).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import (
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
)

from mock_carriers.http.fastlane import DECLINED, Claim, FastLane, HotAnswer
from mock_carriers.http.server import LimitedHttpToolsProtocol

_CLOSE = b"connection: close\r\n"


def find_lane(app: Any) -> FastLane | None:
    """The fast lane of the app uvicorn serves, through the middleware uvicorn wraps it in."""
    for _ in range(8):
        lane = getattr(app, "fast_lane", None)
        if isinstance(lane, FastLane):
            return lane
        app = getattr(app, "app", None)
        if app is None:
            return None
    return None


def encode_answer(
    answer: HotAnswer, default_headers: list[tuple[bytes, bytes]], keep_alive: bool
) -> bytes | None:
    """The whole response on the wire — status line, the server's headers, the answer's, and
    ``connection: close`` unless kept alive — or None when a header value could not be sent
    (uvicorn's ASGI path refuses the same value with its 500)."""
    parts = [STATUS_LINE[answer.status_code]]
    for name, value in default_headers:
        parts += (name, b": ", value, b"\r\n")
    for name, value in answer.raw_headers:
        if HEADER_VALUE_RE.search(value):
            return None
        parts += (name, b": ", value, b"\r\n")
    if not keep_alive:
        parts.append(_CLOSE)
    parts += (b"\r\n", answer.body)
    return b"".join(parts)


class HotWireProtocol(LimitedHttpToolsProtocol):
    """``LimitedHttpToolsProtocol`` that answers the fast lane's requests itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lane = find_lane(self.app)
        self._claim: Claim | None = None  # the claimed request whose body is arriving
        self._body: list[bytes] = []
        self._answered = False  # a hot answer went out during this feed
        self._lazy_idle = False  # the armed keep-alive timer is ours (``_idle_check``)
        self._active_at = 0.0  # when bytes last arrived (loop time)

    # --- the head ---------------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        claim = self._claimable()
        if claim is None:
            super().on_headers_complete()
            return
        self._head_open = False
        self._head_bytes = 0
        self._claim = claim
        self._body = []

    def _claimable(self) -> Claim | None:
        lane = self.lane
        if lane is None or self.expect_100_continue or self.parser.should_upgrade():
            return None
        cycle = self.cycle
        if (cycle is not None and not cycle.response_complete) or self.pipeline:
            return None  # an earlier request is still being answered: queue behind it
        if self.flow.write_paused or self.transport.is_closing():
            return None
        limit = self.limit_concurrency
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            return None  # uvicorn's 503
        scope = self.scope
        version = self.parser.get_http_version()
        if version != "1.1":
            scope["http_version"] = version
        scope["method"] = self.parser.get_method().decode("ascii")
        parsed = httptools.parse_url(self.url)
        raw_path = parsed.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        scope["path"] = self.root_path + path
        scope["raw_path"] = self.root_path.encode("ascii") + raw_path
        scope["query_string"] = parsed.query or b""
        return lane.claim(scope)

    # --- the body and the answer ------------------------------------------------------------

    def on_body(self, body: bytes) -> None:
        if self._claim is None:
            super().on_body(body)
        else:
            self._body.append(body)

    def on_message_complete(self) -> None:
        claim = self._claim
        if claim is None:
            super().on_message_complete()
            return
        self._claim = None
        self._head_open = True
        body = b"".join(self._body)
        self._body = []
        assert self.lane is not None
        answer = self.lane.answer(claim, self.scope, body)
        keep_alive = self.scope["http_version"] != "1.0" and self.parser.should_keep_alive()
        defaults = self.server_state.default_headers
        wire = None if answer is None else encode_answer(answer, defaults, keep_alive)
        if wire is None:
            self._to_asgi(body, declined=answer is None)
            return
        self.transport.write(wire)
        self.server_state.total_requests += 1
        if keep_alive:
            self._answered = True
        else:
            self.transport.close()

    def _to_asgi(self, body: bytes, declined: bool) -> None:
        """Start the ASGI cycle uvicorn would have started at the head, with the kept body;
        ``declined``: the handler said no (the lane on the ASGI way need not ask again)."""
        HttpToolsProtocol.on_headers_complete(self)
        if declined:
            self.scope[DECLINED] = True  # type: ignore[typeddict-unknown-key]
        self.cycle.body += body
        HttpToolsProtocol.on_message_complete(self)
        self._head_open = True

    # --- keep-alive -------------------------------------------------------------------------

    def _on_activity(self) -> None:
        self._active_at = self.loop.time()
        if not self._lazy_idle:
            self._unset_keepalive_if_required()

    def _unset_keepalive_if_required(self) -> None:
        self._lazy_idle = False
        super()._unset_keepalive_if_required()

    def _busy(self) -> bool:
        cycle = self.cycle
        return (
            (cycle is not None and not cycle.response_complete)
            or bool(self.pipeline)
            or self._claim is not None
        )

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._answered:
            self._answered = False
            if self.timeout_keep_alive_task is None and not self._busy() and not self.transport.is_closing():
                self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self._idle_check)
                self._lazy_idle = True

    def _idle_check(self) -> None:
        """The idle timeout came: close the connection if no bytes came meanwhile, else wait for
        the rest of it. A request still being answered re-arms when it is done."""
        self.timeout_keep_alive_task = None
        self._lazy_idle = False
        if self.transport.is_closing() or self._busy():
            return
        remaining = self._active_at + self.timeout_keep_alive - self.loop.time()
        if remaining > 0:
            self.timeout_keep_alive_task = self.loop.call_later(remaining, self._idle_check)
            self._lazy_idle = True
        else:
            self.timeout_keep_alive_handler()
