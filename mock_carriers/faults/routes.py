"""Which route class a request to a carrier belongs to — ``token``, ``track`` or ``other``, by the
carrier's ``RouteTable`` — so fault rules and rate limits can name them; the mock's own docs pages
belong to none and are never faulted."""

from __future__ import annotations

import functools
import re

from starlette.types import Scope

from mock_carriers.carriers import registry

#: The mock's own documentation pages are not the carrier's API and are never faulted.
_DOCS_PREFIXES: tuple[str, ...] = ("/_docs", "/_openapi.json")


def local_path(scope: Scope) -> str:
    """The request path below the carrier's mount prefix."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path or "/"


def route_of(carrier: str, path: str) -> str | None:
    """The route class of a carrier path (``token``, ``track``, ``other``; the carrier's
    ``RouteTable``), None for the mock's own docs."""
    if path.startswith(_DOCS_PREFIXES):
        return None
    return registry.spec(carrier).routes.route_of(path)


@functools.cache
def _endpoint_patterns(carrier: str) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    out = []
    for name, (method, path) in registry.spec(carrier).endpoints.items():
        regex = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", path)
        )
        out.append((name, method.upper(), re.compile(regex)))
    return tuple(out)


def endpoint_of(carrier: str, method: str, path: str) -> str | None:
    """Which of the carrier's separately limited endpoints a request is (``CarrierSpec.endpoints``),
    None when the carrier limits its API as a whole or the path is none of them."""
    for name, verb, pattern in _endpoint_patterns(carrier):
        if verb == method.upper() and pattern.fullmatch(path):
            return name
    return None
