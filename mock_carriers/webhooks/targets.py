"""Where the sandbox may send webhooks: loopback, and the hosts or networks the operator allows
(``--webhook-allow``). A URL is checked when it is subscribed, never later."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


class TargetPolicy:
    """Loopback only, unless ``allow`` names hosts or IP networks."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.allow_hosts: set[str] = set()
        self.allow_networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allow:
            host = entry.strip().strip("[]").lower()
            if not host:
                continue
            try:
                self.allow_networks.append(ipaddress.ip_network(host, strict=False))
            except ValueError:
                self.allow_hosts.add(host)

    def check_url(self, url: str) -> str | None:
        """Why the sandbox will not call ``url``, or None."""
        try:
            parts = urlsplit(url)
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            return f"webhook url {url!r} is not a valid URL"
        if parts.scheme not in ("http", "https"):
            return "webhook url must start with http:// or https://"
        bad = next((c for c in url if c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0), None)
        if bad is not None:
            # A CR/LF (or any control character or space) can never go on a request line.
            return f"webhook url must not contain {bad!r}: percent-encode it (e.g. %20 for a space)"
        try:
            httpx.URL(url)  # what the dispatcher will send: it must accept the URL now, not later
        except (ValueError, httpx.InvalidURL):
            return f"webhook url {url!r} is not a valid URL"
        host = (parts.hostname or "").lower()
        if not host:
            return "webhook url has no host"
        if not port_ok:
            return "webhook url has an invalid port"
        if is_loopback(host) or host in self.allow_hosts:
            return None
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if ip is not None and any(ip in net for net in self.allow_networks):
            return None
        return (
            f"webhook url host {host!r} is not allowed: the sandbox only calls loopback addresses "
            f"(127.0.0.0/8, ::1, localhost) unless the operator allows the host with --webhook-allow {host}"
        )
