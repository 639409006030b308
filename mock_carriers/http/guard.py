"""Who may drive the control plane (``/_sandbox``): the owner's tools, never a web page.

Three rules, in this order (docs/security.md):

1. **Host** — every ``/_sandbox`` request must name this server: a loopback name or address
   (``localhost``, ``*.localhost``, ``127.0.0.0/8``, ``::1``), the address the connection actually
   reached (an IP literal, so a LAN client using the machine's address works), or a host the
   operator allowed (``--allow-host``). A page on ``evil.example`` whose DNS answer was rebound to
   127.0.0.1 still sends ``Host: evil.example`` and is refused.
2. **Browser cross-origin** — a state-changing request (POST, PUT, PATCH, DELETE) with an ``Origin``
   other than the server's own, or ``Sec-Fetch-Site: cross-site``/``same-site``, is refused: a
   page elsewhere cannot reset the world or change its faults. curl, httpx and locust send no
   ``Origin`` and are unaffected. No route answers CORS preflights, so no page can read answers.
3. **Token** — with a control token set (``--control-token``, ``PARCEL_SANDBOX_CONTROL_TOKEN``),
   every ``/_sandbox`` request needs ``Authorization: Bearer <token>`` or ``X-Sandbox-Token:
   <token>``, compared in constant time — except a GET of the UI's page shell (``/_sandbox/ui``
   and its static assets, no world data), which then asks for the token.

Refusals are problem bodies: 403 for rules 1 and 2, 401 (with ``WWW-Authenticate``) for rule 3.
Carrier routes are not guarded: they are the mocked public APIs, open like the real ones.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.limits import is_control
from mock_carriers.http.problems import problem

TOKEN_HEADER = "x-sandbox-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def split_host(value: str) -> tuple[str, int | None] | None:
    """(lower-case host without brackets or a trailing dot, port) of a Host header, or None when
    it is not a well-formed ``host[:port]``."""
    try:
        parts = urlsplit(f"//{value.strip()}")
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return host, port


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


#: The UI's page and its static assets: no world data, and a browser cannot send a header to open
#: them. Under a control token they answer without it (Host and Origin rules still apply); the page
#: then asks for the token and sends it on every call that reads or moves the world.
UI_SHELL = "/_sandbox/ui"


def _page_shell(scope: Scope) -> bool:
    path = scope.get("path", "")
    return scope.get("method") in ("GET", "HEAD") and (
        path == UI_SHELL or path.startswith(UI_SHELL + "/assets/")
    )


class ControlGuard:
    """ASGI middleware around the whole app; acts on ``/_sandbox`` paths only."""

    def __init__(self, app: ASGIApp, token: str | None = None, allow_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self._token = token.encode("utf-8", "surrogatepass") if token else None
        self.allow_any_host = False
        self.allow_hosts: set[str] = set()
        for entry in allow_hosts:
            name = entry.strip().strip("[]").rstrip(".").lower()
            if name == "*":
                self.allow_any_host = True
            elif name:
                self.allow_hosts.add(name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_control(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._check_host(scope, headers) or self._check_origin(scope, headers)
        if refusal is not None:
            await problem(403, refusal)(scope, receive, send)
            return
        if self._token is not None and not self._token_ok(headers) and not _page_shell(scope):
            await problem(
                401,
                "the control plane needs its token: 'Authorization: Bearer <token>' or "
                "'X-Sandbox-Token: <token>' (set with --control-token or PARCEL_SANDBOX_CONTROL_TOKEN)",
                headers={"WWW-Authenticate": 'Bearer realm="parcel-sandbox control plane"'},
            )(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def host_allowed(self, host: str, scope: Scope) -> bool:
        if self.allow_any_host or is_loopback(host) or host in self.allow_hosts:
            return True
        server = scope.get("server")
        # The address this connection reached, as an IP literal (or an in-process test client's
        # name): DNS rebinding always arrives under a name the attacker owns, never as this.
        return bool(server) and str(server[0]).strip("[]").lower() == host

    def _check_host(self, scope: Scope, headers: Headers) -> str | None:
        value = headers.get("host")
        if value is None:
            return None  # HTTP/1.0 without Host: not a browser
        parsed = split_host(value)
        if parsed is None:
            return f"Host {value[:100]!r} is not a valid host[:port]"
        if self.host_allowed(parsed[0], scope):
            return None
        return (
            f"Host {parsed[0][:100]!r} is not this sandbox's: the control plane answers loopback "
            f"names and the address it was reached at; allow another name with --allow-host {parsed[0][:100]}"
        )

    def _check_origin(self, scope: Scope, headers: Headers) -> str | None:
        if scope.get("method", "GET") in _SAFE_METHODS:
            return None
        site = (headers.get("sec-fetch-site") or "").strip().lower()
        if site in ("cross-site", "same-site"):
            return f"a browser request from another site (Sec-Fetch-Site: {site}) cannot change the sandbox"
        origin = headers.get("origin")
        if origin is None:
            return None
        if not self._same_origin(origin, scope, headers.get("host")):
            return (
                f"a browser request from {origin[:100]!r} cannot change the sandbox: "
                "only pages the sandbox serves itself may (no cross-origin control)"
            )
        return None

    @staticmethod
    def _same_origin(origin: str, scope: Scope, host: str | None) -> bool:
        if host is None:
            return False
        try:
            parts = urlsplit(origin.strip())
            port = parts.port
        except ValueError:
            return False
        scheme = str(scope.get("scheme", "http"))
        own = split_host(host)
        if own is None or parts.scheme != scheme or parts.path or not parts.hostname:
            return False
        default = _DEFAULT_PORTS.get(scheme)
        return (parts.hostname.rstrip(".").lower(), port or default) == (own[0], own[1] or default)

    def _token_ok(self, headers: Headers) -> bool:
        assert self._token is not None
        given = bearer(headers.get("authorization")) or (headers.get(TOKEN_HEADER) or "").strip()
        return bool(given) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), self._token)
