"""The sandbox's uvicorn: ``server_config`` is the one configuration ``serve`` and the live tests
share — the bounded request head, the fast lane answered in the protocol
(``mock_carriers.http.hotwire``), uvloop, a concurrency cap, no server banner header.

uvicorn with httptools enforces no limit on a request's head: a 50 MB header or 10,000 header
fields are read, accumulated and handed to the app (httptools concatenates a header value chunk by
chunk). ``LimitedHttpToolsProtocol`` counts the bytes of each request head as they arrive and its
header fields as they are parsed, and answers ``431`` and closes the connection past
``MAX_HEAD_BYTES`` or ``MAX_HEADERS`` — before the head is complete, so memory stays bounded.
"""

from __future__ import annotations

from typing import Any

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mock_carriers.http.limits import KEEP_ALIVE_S, MAX_CONCURRENCY, MAX_HEAD_BYTES, MAX_HEADERS
from mock_carriers.http.problems import PROBLEM_JSON, problem_body


class _HeadTooLarge(Exception):
    pass


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head (pass as ``uvicorn.Config(http=…)``)."""

    max_head_bytes = MAX_HEAD_BYTES
    max_headers = MAX_HEADERS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_open = True  # the bytes arriving belong to a request head
        self._head_bytes = 0
        self._header_count = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_count = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.max_headers:
            raise _HeadTooLarge(f"more than {self.max_headers} header fields")
        # uvicorn's ``on_header``, inlined (a call per header field is a share of a hot read)
        name = name.lower()
        # llhttp keeps trailing OWS, which RFC 9110 §5.5 excludes from the value
        value = value.rstrip(b" \t")
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_100_continue = True
        self.headers.append((name, value))

    def _on_activity(self) -> None:
        """Bytes arrived: the idle keep-alive timer stops (uvicorn's behaviour)."""
        self._unset_keepalive_if_required()

    def on_headers_complete(self) -> None:
        self._head_open = False
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_open = True

    def data_received(self, data: bytes) -> None:
        self._on_activity()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError as exc:
            if isinstance(exc.__context__, _HeadTooLarge):
                self._refuse_head(str(exc.__context__))
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        # Counted after parsing: a chunk that completes a head may carry body bytes too. A head
        # still open after this chunk holds at most the limit plus one read's worth.
        if self._head_open:
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse_head(f"a request line and header fields over {self.max_head_bytes} bytes")

    def _refuse_head(self, what: str) -> None:
        if self.transport.is_closing():
            return
        body = problem_body(431, f"request head refused: {what}")
        head = [STATUS_LINE[431]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def server_config(app: Any, host: str, port: int, **overrides: Any) -> uvicorn.Config:
    """uvicorn's configuration for the sandbox: every limit the server itself must enforce, and
    the protocol that answers the fast lane's requests without an ASGI cycle."""
    from mock_carriers.http.hotwire import HotWireProtocol  # it builds on LimitedHttpToolsProtocol

    settings: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        # A line per request costs a tenth of a tracking read; errors still log.
        "access_log": False,
        "http": HotWireProtocol,
        # uvloop when installed (uvicorn[standard] on Linux and macOS), asyncio's loop otherwise.
        "loop": "auto",
        # For the h11 implementation, should anyone pick it: the same bound on a request head.
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        "limit_concurrency": MAX_CONCURRENCY,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "server_header": False,
    }
    settings.update(overrides)
    return uvicorn.Config(app, **settings)
