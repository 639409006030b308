"""``python -m examples.reference_tracker --sandbox http://127.0.0.1:8000 --port 9000``"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import uvicorn

from examples.reference_tracker.app import create_app
from examples.reference_tracker.config import config_from_args


def main(argv: Sequence[str] | None = None) -> int:
    config = config_from_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("reference_tracker").info(
        "tracking %s through %s (%s), serving http://127.0.0.1:%d",
        ",".join(config.carriers),
        config.sandbox_url,
        config.broken or "reference behaviour",
        config.port,
    )
    try:
        uvicorn.run(create_app(config), host="127.0.0.1", port=config.port, log_level="warning")
    except OSError as exc:  # the port is taken, say
        print(f"reference tracker: cannot serve on 127.0.0.1:{config.port}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
