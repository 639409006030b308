"""A real ``redis-server`` for the tests that share a world through Redis: one per test session
(per pytest-xdist worker), on a free loopback port, in a temporary folder, stopped at the end.
Each test gets a database of its own, emptied first (``redis_url``).

``make test`` (and ``.ci/run``) install Debian's ``redis-server`` when it is missing; a machine
without it fails these tests with one line saying how to install it — never a silent skip."""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.live import free_port

#: Databases per server: one per test that asks, round-robin (emptied before each use).
DATABASES = 16
INSTALL_HINT = (
    "redis-server is not installed: the Redis store's tests need Debian's package "
    "(as root: apt-get update && apt-get install -y redis-server; `make test` does it)"
)


class RedisServer:
    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(INSTALL_HINT, pytrace=False)
        self.port = free_port()
        self.folder = folder
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--databases",
                str(DATABASES),
                "--logfile",
                str(folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "redis.log").read_text() if (folder / "redis.log").exists() else ""
                    raise RuntimeError(f"redis-server did not start: {log[-500:]}") from None
                time.sleep(0.05)
        self._dbs = itertools.cycle(range(DATABASES))

    def url(self) -> str:
        """A fresh, empty database's URL."""
        db = next(self._dbs)
        client = redis.Redis(port=self.port, db=db)
        client.flushdb()
        client.close()
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url()
