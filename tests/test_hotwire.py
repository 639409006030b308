"""The fast lane in the HTTP protocol (mock_carriers.http.hotwire): hot requests answered with one
write and no ASGI cycle, everything else — and everything behind an unfinished ASGI answer — left
to uvicorn's ASGI path, in order, with HTTP's keep-alive, close, flow control and limits intact.

The unit tests drive the protocol with a recording transport and a toy lane (a hot route whose
handler declines ``/miss``) in front of a toy ASGI app that can hold an answer back (``/slow``).
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from uvicorn.server import ServerState

from mock_carriers.http.fastlane import FastLane, HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.http.hotwire import HotWireProtocol, encode_answer, find_lane
from mock_carriers.http.limits import MAX_HEADERS
from mock_carriers.http.server import server_config

DATE = (b"date", b"Mon, 07 Dec 2026 13:00:00 GMT")


class Gate:
    def __init__(self) -> None:
        self.open = True
        self.served: list[str] = []

    def lane_open(self, carrier: str) -> bool:
        return self.open

    def lane_served(self, carrier: str, local_path: str) -> None:
        self.served.append(local_path)


class Backend:
    """The ASGI app: like ``SandboxApp``, the lane on the ASGI way (when given), then an app that
    answers ``asgi <METHOD> <path> <body length>``; ``/slow`` waits for ``release``."""

    def __init__(self, lane: FastLane | None) -> None:
        self.fast_lane = lane
        self.release = asyncio.Event()
        self.seen: list[tuple[str, str, bytes, bool]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.fast_lane is not None:
            left = await self.fast_lane.serve(scope, receive, send)
            if left is None:
                return
            receive = left
        message = await receive()
        declined = "parcel_sandbox.lane_declined" in scope
        self.seen.append((scope["method"], scope["path"], message.get("body", b""), declined))
        if scope["path"].endswith("/slow"):
            await self.release.wait()
        body = f"asgi {scope['method']} {scope['path']} {len(message.get('body', b''))}".encode()
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def toy_lane(gate: Gate) -> FastLane:
    def get(call: HotCall) -> HotAnswer | None:
        if call.param == "miss":
            return None
        echo = call.request.headers.get("x-echo", "none")
        return hot_response(f'{{"n":"{call.param}"}}'.encode(), "application/json", {"x-echo": echo})

    def post(call: HotCall) -> HotAnswer | None:
        return hot_response(b"posted %d" % len(call.body), "text/plain")

    lane = FastLane(gate)
    routes = [HotRoute("GET", "/hot/{n}", get), HotRoute("POST", "/hot/post", post)]
    lane.add("toy", "/toy", Backend(None), routes, server="toy-gateway")
    return lane


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.out = bytearray()
        self.writes = 0
        self.closed = False
        self.reading = True

    def write(self, data: Any) -> None:
        self.out += data
        self.writes += 1

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True


class Wire:
    """A protocol on a recording transport, on the running loop."""

    def __init__(self, **overrides: Any) -> None:
        self.gate = Gate()
        self.lane = toy_lane(self.gate)
        self.backend = Backend(self.lane)
        config = server_config(self.backend, "127.0.0.1", 8000, lifespan="off", **overrides)
        config.load()
        self.state = ServerState()
        self.state.default_headers = [DATE]
        self.protocol = HotWireProtocol(
            config=config, server_state=self.state, app_state={}, _loop=asyncio.get_running_loop()
        )
        self.transport = Transport()
        self.protocol.connection_made(self.transport)

    def feed(self, *chunks: bytes) -> None:
        for chunk in chunks:
            self.protocol.data_received(chunk)

    async def settle(self) -> None:
        for _ in range(50):
            await asyncio.sleep(0)

    def answers(self) -> list[tuple[int, dict[str, str], bytes]]:
        return list(parse(bytes(self.transport.out)))


def parse(raw: bytes) -> Iterator[tuple[int, dict[str, str], bytes]]:
    """HTTP/1.1 responses with a content-length, in order."""
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        yield status, headers, rest[:length]
        raw = rest[length:]


def get(path: str, *extra: str) -> bytes:
    return ("\r\n".join([f"GET {path} HTTP/1.1", "host: t", *extra]) + "\r\n\r\n").encode()


def run(test: Any) -> None:
    asyncio.run(test())


@pytest.mark.unit
def test_a_hot_request_is_answered_in_one_write_without_a_task() -> None:
    async def go() -> None:
        wire = Wire()
        wire.feed(get("/toy/hot/7", "x-echo: hi"))
        assert wire.transport.writes == 1 and not wire.state.tasks and not wire.backend.seen
        [(status, headers, body)] = wire.answers()
        assert status == 200 and body == b'{"n":"7"}'
        assert headers["date"] == DATE[1].decode() and headers["x-echo"] == "hi"
        assert headers["server"] == "toy-gateway" and "connection" not in headers
        assert wire.state.total_requests == 1 and wire.gate.served == ["/hot/7"]
        assert not wire.transport.closed
        assert wire.protocol.timeout_keep_alive_task is not None  # idle keep-alive armed
        wire.feed(get("/toy/hot/8"))  # next request: timer re-armed, connection kept
        assert [a[2] for a in wire.answers()] == [b'{"n":"7"}', b'{"n":"8"}']

    run(go)


@pytest.mark.unit
def test_a_declined_request_goes_to_asgi_once_with_its_body() -> None:
    async def go() -> None:
        wire = Wire()
        wire.feed(get("/toy/hot/miss"))
        await wire.settle()
        assert wire.backend.seen == [("GET", "/toy/hot/miss", b"", True)]  # the ASGI lane skips it
        assert wire.answers()[0][2] == b"asgi GET /toy/hot/miss 0"
        assert wire.gate.served == []

    run(go)


@pytest.mark.unit
def test_pipelined_answers_keep_their_order_behind_an_asgi_answer() -> None:
    async def go() -> None:
        wire = Wire()
        # one read: hot, a slow ASGI one, hot, declined, hot, HEAD (not a hot method)
        wire.feed(
            get("/toy/hot/1")
            + get("/toy/slow")
            + get("/toy/hot/2")
            + get("/toy/hot/miss")
            + get("/toy/hot/4")
            + b"HEAD /toy/hot/3 HTTP/1.1\r\nhost: t\r\n\r\n"
        )
        await wire.settle()
        assert [a[2] for a in wire.answers()] == [b'{"n":"1"}']  # the rest waits for /slow
        wire.backend.release.set()
        for _ in range(10):
            await wire.settle()
        bodies = [a[2] for a in wire.answers()]
        # behind an ASGI answer the hot ones queue as ASGI requests, the lane answering them there
        assert bodies == [
            b'{"n":"1"}',
            b"asgi GET /toy/slow 0",
            b'{"n":"2"}',
            b"asgi GET /toy/hot/miss 0",
            b'{"n":"4"}',
            b"",  # HEAD: the head only
        ]
        assert wire.answers()[-1][0] == 200 and wire.backend.seen[-1][:2] == ("HEAD", "/toy/hot/3")

    run(go)


class Clock:
    """The loop's clock and timers, moved by hand (the protocol's ``loop`` for keep-alive)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.now = 0.0
        self.timers: list[asyncio.TimerHandle] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Any) -> asyncio.TimerHandle:
        handle = asyncio.TimerHandle(self.now + delay, callback, (), self.loop)
        self.timers.append(handle)
        return handle

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for handle in [t for t in self.timers if t.when() <= self.now and not t.cancelled()]:
            self.timers.remove(handle)
            handle._run()

    def armed(self) -> int:
        return sum(not t.cancelled() for t in self.timers)


@pytest.mark.unit
def test_an_idle_connection_closes_after_the_keep_alive_timeout_not_before() -> None:
    async def go() -> None:
        wire = Wire(timeout_keep_alive=5)
        clock = Clock(asyncio.get_running_loop())
        wire.protocol.loop = clock  # type: ignore[assignment]
        wire.feed(get("/toy/hot/1"))
        assert clock.armed() == 1
        for _ in range(8):  # a request a second: one timer all along, never closed
            clock.advance(1)
            wire.feed(get("/toy/hot/2"))
            assert clock.armed() == 1 and not wire.transport.closed
        clock.advance(4.9)
        assert not wire.transport.closed  # 4.9 s idle
        clock.advance(0.2)
        assert wire.transport.closed and len(wire.answers()) == 9

    run(go)


@pytest.mark.unit
def test_an_asgi_answer_takes_the_idle_timer_over() -> None:
    async def go() -> None:
        wire = Wire(timeout_keep_alive=5)
        wire.feed(get("/toy/hot/1"))
        lazy = wire.protocol.timeout_keep_alive_task
        assert lazy is not None
        wire.feed(get("/toy/slow"))  # bytes came: the hot answers' timer stays armed
        assert wire.protocol.timeout_keep_alive_task is lazy
        wire.protocol._idle_check()  # it fires while /slow is answered: nothing closes
        assert not wire.transport.closed and wire.protocol.timeout_keep_alive_task is None
        wire.backend.release.set()
        await wire.settle()
        # uvicorn armed its own timer at the end of the ASGI answer
        assert wire.protocol.timeout_keep_alive_task is not None and not wire.transport.closed
        assert [a[2] for a in wire.answers()] == [b'{"n":"1"}', b"asgi GET /toy/slow 0"]

    run(go)


@pytest.mark.unit
def test_connection_close_and_http_1_0_close_after_the_answer() -> None:
    async def go() -> None:
        for request in (get("/toy/hot/1", "connection: close"), b"GET /toy/hot/1 HTTP/1.0\r\n\r\n"):
            wire = Wire()
            wire.feed(request)
            [(status, headers, body)] = wire.answers()
            assert status == 200 and headers["connection"] == "close" and body == b'{"n":"1"}'
            assert wire.transport.closed and wire.protocol.timeout_keep_alive_task is None

    run(go)


@pytest.mark.unit
def test_a_post_body_in_pieces_is_read_by_the_lane_and_odd_bodies_go_to_asgi() -> None:
    async def go() -> None:
        wire = Wire()
        wire.feed(b"POST /toy/hot/post HTTP/1.1\r\nhost: t\r\ncontent-length: 10\r\n\r\nabcd", b"efghij")
        assert wire.answers() == [(200, wire.answers()[0][1], b"posted 10")] and not wire.state.tasks
        chunked = Wire()
        chunked.feed(
            b"POST /toy/hot/post HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n0\r\n\r\n"
        )
        await chunked.settle()  # a body of no stated length: the ASGI path, past the lane
        assert chunked.backend.seen == [("POST", "/toy/hot/post", b"abc", False)]
        assert chunked.answers()[-1][2] == b"asgi POST /toy/hot/post 3"
        expecting = Wire()
        expecting.feed(
            b"POST /toy/hot/post HTTP/1.1\r\nhost: t\r\ncontent-length: 3\r\nexpect: 100-continue\r\n\r\n"
        )
        assert expecting.transport.out == b""  # not claimed: the ASGI path says 100 Continue first
        await expecting.settle()
        expecting.feed(b"abc")
        await expecting.settle()
        assert [a[0] for a in expecting.answers()] == [100, 200]
        assert expecting.answers()[1][2] == b"posted 3"

    run(go)


@pytest.mark.unit
def test_nothing_is_claimed_while_the_transport_buffer_is_full_or_the_gate_is_shut() -> None:
    async def go() -> None:
        wire = Wire()
        wire.protocol.pause_writing()
        wire.feed(get("/toy/hot/1"))
        assert wire.transport.out == b"" and len(wire.state.tasks) == 1  # the ASGI path waits
        wire.protocol.resume_writing()
        await wire.settle()
        assert wire.answers()[0][2] == b'{"n":"1"}'  # answered by the lane on the ASGI way
        shut = Wire()
        shut.gate.open = False  # a fault configured for the carrier
        shut.feed(get("/toy/hot/1"))
        await shut.settle()
        assert shut.answers()[0][2] == b"asgi GET /toy/hot/1 0" and shut.gate.served == []

    run(go)


@pytest.mark.unit
def test_head_limits_still_refuse_before_and_after_the_lane() -> None:
    async def go() -> None:
        wire = Wire()
        fields = [f"x-f{i}: v" for i in range(MAX_HEADERS + 1)]
        wire.feed(get("/toy/hot/1", *fields))
        [(status, headers, _)] = wire.answers()
        assert status == 431 and headers["connection"] == "close" and wire.transport.closed

    run(go)


@pytest.mark.unit
def test_an_answer_with_an_unsendable_header_value_goes_to_asgi() -> None:
    answer = HotAnswer(200, [(b"x-bad", b"a\x01b")], b"{}")
    assert encode_answer(answer, [DATE], keep_alive=True) is None
    good = encode_answer(HotAnswer(201, [(b"x-ok", b"a\tb")], b"{}"), [DATE], keep_alive=False)
    assert good == (
        b"HTTP/1.1 201 Created\r\ndate: " + DATE[1] + b"\r\nx-ok: a\tb\r\nconnection: close\r\n\r\n{}"
    )


@pytest.mark.unit
def test_an_idle_connection_outlives_a_client_pools_expiry() -> None:
    # httpx drops an idle pooled connection after 5 s; a server closing at the same moment resets
    # the request the client just sent on it (a verify run saw "connection reset by peer")
    config = server_config(Backend(None), "127.0.0.1", 8000, lifespan="off")
    assert config.timeout_keep_alive > 2 * httpx.Limits().keepalive_expiry


@pytest.mark.unit
def test_the_lane_is_found_through_uvicorns_middleware_and_the_loop_is_uvloop() -> None:
    lane = toy_lane(Gate())
    config = server_config(Backend(lane), "127.0.0.1", 8000, lifespan="off")
    config.load()
    assert config.loaded_app is not config.app  # wrapped (proxy headers)
    assert find_lane(config.loaded_app) is lane and find_lane(object()) is None
    assert config.http_protocol_class is HotWireProtocol
    loop = config.get_loop_factory()()  # type: ignore[misc]
    try:
        assert re.match(r"uvloop", type(loop).__module__)
    finally:
        loop.close()


# --- over a real server, the sandbox's own app ------------------------------------------------


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


@pytest.mark.live
def test_pipelined_tracking_reads_on_one_socket_are_answered_in_order() -> None:
    """One write of six requests: hot UPS, UPS with a bad token (FastAPI's 401), hot DHL, an
    unknown DHL number (the handler declines: FastAPI's 404), a fault configured between two
    connections (the lane steps aside), and the last request says ``Connection: close``."""
    from tests.live import live_server
    from tests.test_fastlane import make_pair, numbers_of

    pair = make_pair()
    sandbox = pair.sandboxes[0]
    sandbox.clock.advance(2 * 86400)
    sandbox.sync()
    ups, dhl = numbers_of(sandbox, "ups")[0], numbers_of(sandbox, "dhl")[0]
    with live_server(pair.lane) as base:
        host, port = base.removeprefix("http://").split(":")
        with httpx.Client(base_url=base) as http:
            token = http.post(
                "/ups/security/v1/oauth/token",
                auth=("id", "secret"),
                data={"grant_type": "client_credentials"},
            ).json()["access_token"]
        ups_ok = f"authorization: Bearer {token}", "transId: t1", "transactionSrc: s"
        requests = [
            get(f"/ups/api/track/v1/details/{ups}", *ups_ok),
            get(
                f"/ups/api/track/v1/details/{ups}",
                "authorization: Bearer nope",
                "transId: t2",
                "transactionSrc: s",
            ),
            get(f"/dhl/track/shipments?trackingNumber={dhl}", "dhl-api-key: k"),
            get("/dhl/track/shipments?trackingNumber=0000000000", "dhl-api-key: k"),
            get(f"/ups/api/track/v1/details/{ups}", *ups_ok[:1], "transId: t5", "transactionSrc: s"),
            get(f"/dhl/track/shipments?trackingNumber={dhl}", "dhl-api-key: k", "connection: close"),
        ]
        before = pair.counter.answered
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(b"".join(requests))
            answers = list(parse(read_all(sock)))  # read to the end: the server closed it
        assert [a[0] for a in answers] == [200, 401, 200, 404, 200, 200]
        assert answers[0][1]["transid"] == "t1" and answers[4][1]["transid"] == "t5"
        assert answers[0][2] == answers[4][2]  # the same parcel, the same bytes
        assert answers[2][2] == answers[5][2] and answers[5][1]["connection"] == "close"
        assert pair.counter.answered == before + 4
        with httpx.Client(base_url=base) as http:
            faults = {"http": {"dhl": {"track": {"errors": {"503": 1.0}}}}}
            assert http.put("/_sandbox/faults", json=faults).status_code < 300
            with socket.create_connection((host, int(port)), timeout=30) as sock:
                sock.sendall(requests[5])
                [(status, _, _)] = parse(read_all(sock))
        assert status == 503 and pair.counter.answered == before + 4  # the gateway's fault


@pytest.mark.unit
def test_the_inlined_header_callback_does_what_uvicorns_does() -> None:
    """``LimitedHttpToolsProtocol.on_header`` inlines uvicorn's: pinned on the installed uvicorn."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from mock_carriers.http.server import LimitedHttpToolsProtocol

    async def go() -> None:
        config = server_config(Backend(None), "127.0.0.1", 8000, lifespan="off")
        config.load()
        fields = [
            (b"Host", b"t"),
            (b"X-Trailing", b"v \t "),
            (b"EXPECT", b"100-Continue"),
            (b"x-empty", b""),
            (b"X-Inner", b" a  b"),
        ]
        seen = []
        for cls in (HttpToolsProtocol, LimitedHttpToolsProtocol):
            protocol = cls(config=config, server_state=ServerState(), app_state={})
            protocol.connection_made(Transport())
            protocol.on_message_begin()
            for name, value in fields:
                protocol.on_header(name, value)
            seen.append((protocol.headers, protocol.expect_100_continue))
        assert seen[0] == seen[1] and seen[1][1] is True

    run(go)
