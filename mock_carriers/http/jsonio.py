"""JSON in and out of every carrier route: orjson-rendered responses byte-identical to
Starlette's, and strict request-body parsing."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse as _StarletteJSONResponse


def dumps(content: Any) -> bytes:
    """A JSON body exactly as ``JSONResponse`` renders it (for bodies rendered ahead, e.g. cached)."""
    return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class JSONResponse(_StarletteJSONResponse):
    """Starlette's JSONResponse, byte for byte (compact, UTF-8, key order kept), rendered by orjson
    — every carrier answer goes through here, and the stdlib encoder was a tenth of a request."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


def loads_json(raw: bytes) -> Any:
    """A request body as JSON, strictly (RFC 8259): no NaN/Infinity, valid UTF-8 without lone
    surrogates (which no answer could echo back), at most 1024 levels deep (orjson's limit, well
    inside the interpreter's recursion limit). Anything else raises ``ValueError``."""
    return orjson.loads(raw)
