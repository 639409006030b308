"""The control plane's one error body: RFC 9457 problem details (``application/problem+json``).

Every 4xx/5xx the sandbox itself answers — on ``/_sandbox``, and for limits it enforces in front of
every route (an oversized head, a refused Host) — is ``{"type", "title", "status", "detail"}``
plus ``error``, the same text as ``detail``, which clients written against earlier versions read.
Carrier routes answer in their carrier's own envelope instead (``mock_carriers.http.carrier_app``).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
from pydantic import BaseModel, Field
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, as the control plane answers every error."""

    type: str = Field("about:blank", description="Always about:blank: the status says what kind it is.")
    title: str = Field(description="The HTTP status phrase, e.g. 'Bad Request'.")
    status: int = Field(description="The HTTP status code, repeated.")
    detail: str = Field(description="What was wrong, naming the field: 'advance: must be finite'.")
    error: str = Field(description="The same text as detail (the body of earlier versions).")


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(status: int, detail: str) -> bytes:
    # A message may quote the client's input; a lone surrogate from a JSON body must not make the
    # error itself unencodable.
    detail = detail.encode("utf-8", "backslashreplace").decode("utf-8")
    return orjson.dumps(
        {"type": "about:blank", "title": phrase(status), "status": status, "detail": detail, "error": detail}
    )


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """A problem-details response (any status; the control plane uses 4xx and 500)."""
    return Response(
        problem_body(status, detail), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting the problem body for these statuses."""
    schema = Problem.model_json_schema()
    return {
        status: {
            "description": phrase(status),
            "content": {PROBLEM_JSON: {"schema": schema}},
        }
        for status in statuses
    }


#: Cursors are the decimal ``ord``/``id`` of the last item of the previous page.
_MAX_CURSOR_DIGITS = 18
CURSOR_PROBLEM = "cursor: not a cursor this sandbox issued (use the 'next' of the previous page)"


def parse_cursor(cursor: str | None) -> int | None:
    """The position after which a page starts: 0 without a cursor, None for a cursor the sandbox
    cannot have issued (``"²"`` is a digit to ``str.isdigit`` but not to ``int``)."""
    if not cursor:
        return 0
    if len(cursor) > _MAX_CURSOR_DIGITS or not all("0" <= c <= "9" for c in cursor):
        return None
    return int(cursor)
