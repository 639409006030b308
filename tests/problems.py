"""Assertions on the control plane's error body (RFC 9457 problem details, mock_carriers.http.problems)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


def assert_problem(response: Any, status: int, detail: str | None = None, *, startswith: str = "") -> str:
    """The response is a problem body of ``status``; its detail is ``detail`` (or starts with
    ``startswith``). Returns the detail."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "error"}, body
    assert body["type"] == "about:blank" and body["title"] == HTTPStatus(status).phrase
    assert body["status"] == status and body["error"] == body["detail"]
    if detail is not None:
        assert body["detail"] == detail, body["detail"]
    assert body["detail"].startswith(startswith), body["detail"]
    return str(body["detail"])
