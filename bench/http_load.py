"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections, each sending the next
request as soon as the previous response is read, for a fixed time. Pure asyncio, no deps, so
`make bench` needs nothing beyond Python; it runs in its own process, on the other core."""

from __future__ import annotations

import asyncio
import time


async def _connection(
    host: str, port: int, request: bytes, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run(
    host: str,
    port: int,
    path: str,
    headers: dict[str, str],
    connections: int,
    seconds: float,
    warmup: float = 1.0,
    method: str = "GET",
    body: bytes = b"",
) -> dict[str, float]:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    request = (head + "\r\n").encode() + body

    async def main() -> tuple[list[float], list[int], float]:
        warm: list[float] = []
        await asyncio.gather(
            *(
                _connection(host, port, request, time.perf_counter() + warmup, warm, [])
                for _ in range(min(connections, 8))
            )
        )
        latencies: list[float] = []
        errors: list[int] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(
                _connection(host, port, request, start + seconds, latencies, errors)
                for _ in range(connections)
            )
        )
        return latencies, errors, time.perf_counter() - start

    latencies, errors, elapsed = asyncio.run(main())
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * _percentile(latencies, 0.50), 2),
        "p99_ms": round(1000 * _percentile(latencies, 0.99), 2),
        "p999_ms": round(1000 * _percentile(latencies, 0.999), 2),
    }
