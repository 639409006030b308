"""The one reach into uvicorn's internals (``mock_carriers/http/disconnect.py``), pinned: on the
installed uvicorn, with both its HTTP implementations, the request cycle is found from the task
serving the request, closing its transport drops the client's connection without a 500 or an error
log, and the cycle then reports the disconnect. If uvicorn moves any of that, these tests fail."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import httpx
import pytest
import uvicorn

from mock_carriers.http.disconnect import (
    CYCLE_CLASS,
    VERIFIED_UVICORN,
    InjectedDisconnect,
    close_connection,
    server_cycle,
)
from mock_carriers.http.server import server_config
from tests.live import free_port


def recording_app(seen: dict[str, Any]) -> Any:
    """An ASGI app that looks for the cycle, then drops the connection ("/drop") or answers."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        cycle = server_cycle()
        seen["class"] = type(cycle).__name__ if cycle is not None else None
        seen["disconnected_before"] = getattr(cycle, "disconnected", None)
        if scope["path"] == "/drop":
            await close_connection("connection dropped")
            seen["disconnected_after"] = getattr(cycle, "disconnected", None)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def serve(app: Any, **overrides: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, lifespan="off", **overrides))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.mark.unit
def test_the_installed_uvicorn_is_one_the_disconnect_was_verified_on() -> None:
    series = ".".join(uvicorn.__version__.split(".")[:2])
    assert series in VERIFIED_UVICORN, (
        f"uvicorn {uvicorn.__version__} is not among the versions mock_carriers/http/disconnect.py was "
        f"verified on ({', '.join(VERIFIED_UVICORN)}): run tests/test_disconnect.py's live tests, and "
        "if they pass add the version to VERIFIED_UVICORN; if not, the dropped-connection and truncate "
        "faults no longer close connections and need a new way to find uvicorn's transport"
    )


@pytest.mark.live
@pytest.mark.parametrize("http", ["sandbox", "h11"])
def test_closing_the_transport_drops_the_client_without_a_500_or_an_error_log(
    http: str, caplog: pytest.LogCaptureFixture
) -> None:
    seen: dict[str, Any] = {}
    overrides = {} if http == "sandbox" else {"http": "h11"}  # "sandbox": the httptools protocol serve uses
    server, thread, base = serve(recording_app(seen), **overrides)
    try:
        with caplog.at_level(logging.WARNING), httpx.Client(base_url=base, timeout=10) as client:
            assert client.get("/ok").text == "ok"
            assert seen == {"class": CYCLE_CLASS, "disconnected_before": False}
            with pytest.raises(httpx.RemoteProtocolError):
                client.get("/drop")
            assert seen["disconnected_after"] is True
            assert client.get("/ok").text == "ok"  # the server carries on; a new connection works
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.mark.unit
def test_without_uvicorn_the_disconnect_is_raised_to_the_caller() -> None:
    async def run() -> None:
        transport = httpx.ASGITransport(app=recording_app({}))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            await client.get("/drop")

    with pytest.raises(InjectedDisconnect, match="connection dropped"):
        asyncio.run(run())
