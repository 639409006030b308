"""``python -m examples.reference_tracker --sandbox http://127.0.0.1:8000 --port 9000``"""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Sequence

import uvicorn

from examples.reference_tracker.app import create_app
from examples.reference_tracker.config import config_from_args


def port_free(port: int) -> str | None:
    """Why 127.0.0.1:port cannot be served, or None; checked before uvicorn starts, which would
    otherwise log a traceback-like error and exit 1."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    config = config_from_args(argv)
    problem = port_free(config.port)
    if problem:
        print(
            f"reference tracker: --port {config.port}: cannot listen on 127.0.0.1 ({problem})",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    logging.getLogger("reference_tracker").info(
        "tracking %s through %s (%s), serving http://127.0.0.1:%d",
        ",".join(config.carriers),
        config.sandbox_url,
        config.broken or "reference behaviour",
        config.port,
    )
    uvicorn.run(create_app(config), host="127.0.0.1", port=config.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
