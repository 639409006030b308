"""Run an ASGI app on a real uvicorn server on loopback, for tests that must see what a client sees."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from mock_carriers.http.server import server_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(app: object, port: int | None = None, lifespan: str = "on") -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread, lifespan on as uvicorn runs it (the webhook
    dispatcher lives in the lifespan); yields the base URL; stops the server on exit."""
    port = port or free_port()
    # The configuration `parcel-sandbox serve` runs with, so live tests meet the server's limits.
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
