"""Which route class a request to a carrier belongs to — ``token``, ``track`` or ``other``, by the
carrier's ``RouteTable`` — so fault rules and rate limits can name them; the mock's own docs pages
belong to none and are never faulted."""

from __future__ import annotations

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
