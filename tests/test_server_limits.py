"""Limits the server enforces as the bytes arrive, against a live `serve` process: a 200 MB body, a
50 MB header and 10,000 header fields are refused early (413, 431), the server's memory does not
follow them, and it goes on answering (issue 9 reproductions)."""

from __future__ import annotations

import itertools
import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_carriers.http.limits import MAX_HEAD_BYTES, MAX_HEADERS
from tests.served_process import Served, sandbox_process, small_world

pytestmark = pytest.mark.live

MB = 1 << 20


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    world = small_world(tmp_path_factory.mktemp("limits"))
    with sandbox_process(world) as server:
        for _ in range(20):  # warm up: imports, the world, the first answers
            assert httpx.get(f"{server.base}/_sandbox/health").status_code == 200
        yield server


def flood(base: str, head: bytes, stream: Iterator[bytes], budget_s: float = 30) -> bytes:
    """Send ``head`` then ``stream``, a chunk at a time, until the server answers (or closes);
    return what it said. Stopping at its first answer keeps that answer from being lost to the
    reset that more bytes to a closed socket would cause."""
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=budget_s) as sock:
        deadline = time.monotonic() + budget_s
        for chunk in itertools.chain([head], stream):
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            readable, _, _ = select.select([sock], [], [], 0)
            if readable or time.monotonic() > deadline:
                break
        answer = b""
        sock.settimeout(10)
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
        return answer


def status_and_body(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"application/problem+json" in head.lower() or b"application/json" in head.lower(), head
    return status, json.loads(body)


def chunks(total: int, size: int = 64 * 1024, fill: bytes = b"a") -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield fill * min(size, total - sent)
        sent += size


def still_answers(server: Served) -> None:
    assert server.alive()
    assert httpx.get(f"{server.base}/_sandbox/health", timeout=10).status_code == 200


@pytest.mark.slow
def test_a_200_mb_body_to_the_control_plane_is_refused_unread(served: Served) -> None:
    before = served.peak_rss()
    head = (
        b"PUT /_sandbox/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 209715200\r\n\r\n"
    )
    status, body = status_and_body(flood(served.base, head, chunks(200 * MB)))
    assert status == 413 and body["detail"].startswith("request body over 1048576 bytes")
    # Without a length: chunked, refused once past the limit.
    head = (
        b"POST /_sandbox/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    stream = (b"10000\r\n" + c + b"\r\n" for c in chunks(200 * MB, size=0x10000))
    status, body = status_and_body(flood(served.base, head, stream))
    assert status == 413
    assert served.peak_rss() - before < 20 * MB
    still_answers(served)


def test_a_200_mb_body_to_a_carrier_gets_the_carriers_413(served: Served) -> None:
    head = (
        b"POST /fedex/track/v1/trackingnumbers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n"
    )
    status, body = status_and_body(flood(served.base, head, chunks(200 * MB)))
    assert status == 413 and "errors" in body  # FedEx's envelope
    still_answers(served)


def test_a_50_mb_header_is_refused_before_it_is_read(served: Served) -> None:
    before = served.peak_rss()
    head = b"GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    status, body = status_and_body(flood(served.base, head, chunks(50 * MB)))
    assert status == 431
    assert (
        body["detail"]
        == f"request head refused: a request line and header fields over {MAX_HEAD_BYTES} bytes"
    )
    # The same on a carrier route, and for a long URL.
    head = b"GET /ups/api/track/v1/details/"
    assert status_and_body(flood(served.base, head, chunks(2 * MB, fill=b"1")))[0] == 431
    assert served.peak_rss() - before < 20 * MB
    still_answers(served)


def test_ten_thousand_header_fields_are_refused(served: Served) -> None:
    head = b"GET /dhl/track/shipments?trackingNumber=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    fields = (b"X-F%d: v\r\n" % i for i in range(10_000))
    status, body = status_and_body(flood(served.base, head, fields))
    assert status == 431 and body["detail"] == f"request head refused: more than {MAX_HEADERS} header fields"
    # Up to the limit is fine.
    headers = {f"X-F{i}": "v" for i in range(MAX_HEADERS - 10)}
    assert httpx.get(f"{served.base}/_sandbox/health", headers=headers).status_code == 200
    still_answers(served)


def test_keep_alive_connections_count_each_head_afresh(served: Served) -> None:
    # Many ordinary requests on one connection must never add up to a "large head".
    with httpx.Client(base_url=served.base) as http:
        for _ in range(300):
            r = http.get("/_sandbox/clock", headers={"X-Pad": "p" * 1000})
            assert r.status_code == 200


def test_the_sandbox_limits_do_not_depend_on_the_server(tmp_path: Path) -> None:
    # In-process (no uvicorn): the ASGI layer refuses the same heads.
    from fastapi.testclient import TestClient

    from mock_carriers.app import create_app
    from tests.conftest import small_scenario

    app = create_app(small_scenario(duration="1d", demand={"parcels_per_day": 10}))
    with TestClient(app) as http:
        r = http.get("/_sandbox/health", headers={f"X-F{i}": "v" for i in range(MAX_HEADERS + 5)})
        assert r.status_code == 431
        r = http.get("/_sandbox/health", headers={"X-Big": "b" * (MAX_HEAD_BYTES + 1)})
        assert r.status_code == 431
        r = http.post(
            "/_sandbox/reset",
            content=b"{" + b" " * (2 * MB) + b"}",
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413
