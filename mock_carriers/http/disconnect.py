"""Closing a client's connection mid-request: the one place the sandbox reaches into uvicorn's
internals (tests/test_disconnect.py pins the behaviour on the installed uvicorn).

ASGI has no message for "drop this connection", yet the dropped-connection and truncated-body
faults need one. Under uvicorn the coroutine serving a request is ``RequestResponseCycle.run_asgi``
(httptools and h11 alike), run as its own task: the cycle is the ``self`` of that coroutine's frame,
and it holds the connection's ``transport``. Closing the transport makes uvicorn see a client
disconnect (``cycle.disconnected``), so it neither answers 500 nor logs an error. Anywhere else — an
in-process test client, another server, a uvicorn whose internals moved — there is no cycle to find,
and ``InjectedDisconnect`` is raised to the caller instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: What identifies uvicorn's per-request object (``uvicorn.protocols.http.*_impl``).
CYCLE_CLASS = "RequestResponseCycle"
#: uvicorn versions on which tests/test_disconnect.py passed (major.minor): a new one fails that
#: test until it has been checked again and added here.
VERIFIED_UVICORN: tuple[str, ...] = ("0.55",)


class InjectedDisconnect(ConnectionError):
    """Raised to an in-process client (no socket to close) for a dropped or truncated answer."""


def server_cycle() -> Any | None:
    """uvicorn's request cycle serving the current task, or None when there is none to find."""
    task = asyncio.current_task()
    coro = task.get_coro() if task is not None else None
    frame = getattr(coro, "cr_frame", None)
    cycle = frame.f_locals.get("self") if frame is not None else None
    transport = getattr(cycle, "transport", None)
    if type(cycle).__name__ != CYCLE_CLASS or not callable(getattr(transport, "close", None)):
        return None
    return cycle


async def close_connection(what: str) -> None:
    """Close the client's connection now (under uvicorn), else raise ``InjectedDisconnect(what)``."""
    cycle = server_cycle()
    if cycle is None:
        raise InjectedDisconnect(what)
    cycle.transport.close()
    for _ in range(100):  # connection_lost runs on a later loop iteration
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)
