"""The tracker's settings, from command-line flags with environment-variable defaults.

Every flag has a ``TRACKER_*`` variable (``--poll-interval`` ← ``TRACKER_POLL_INTERVAL``);
credentials are ``--credential CARRIER:KEY=VALUE`` or ``TRACKER_<CARRIER>_<KEY>`` (e.g.
``TRACKER_UPS_CLIENT_ID``). Keys per carrier: ``docs/reference-tracker.md``.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from examples.reference_tracker.carriers import CARRIERS, CLIENTS
from examples.reference_tracker.variants import BROKEN_VARIANTS

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
#: Every credential key a carrier client reads (besides its base URL, ``base_url``).
CREDENTIAL_KEYS = {name: {*client.credential_defaults, "base_url"} for name, client in CLIENTS.items()}
CREDENTIAL_KEYS["amazon"].add("auth_url")
CREDENTIAL_KEYS["hermes"].add("auth_url")


def parse_duration(text: str) -> timedelta:
    """``500ms``, ``30s``, ``2m``, ``1h``, ``3d`` or plain seconds."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r} (use e.g. 500ms, 30s, 2m, 1h, 3d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass
class TrackerConfig:
    sandbox_url: str
    port: int = 9000
    carriers: tuple[str, ...] = CARRIERS
    #: carrier -> {key: value}; missing keys take the client's defaults (any work on a sandbox
    #: whose scenario lists no credentials).
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Wall seconds between poll rounds.
    poll_interval: float = 30.0
    concurrency: int = 8
    request_timeout: float = 10.0
    #: No new scan for this long (tracker clock) while not delivered → ``lost_suspected``.
    silence_after: timedelta = timedelta(days=3)
    #: A delivered or returned parcel is still polled this long (a carrier may correct a scan).
    terminal_grace: timedelta = timedelta(days=1)
    clock: Literal["sandbox", "system"] = "sandbox"
    webhooks: Literal["off", "subscribe"] = "off"
    webhook_secret: str | None = None
    #: The URL the sandbox reaches this tracker at (default ``http://127.0.0.1:<port>``).
    public_url: str | None = None
    broken: str | None = None
    stale_every: timedelta = timedelta(days=3)
    auto_register: bool = True
    backoff_base: float = 1.0
    backoff_cap: float = 60.0

    def __post_init__(self) -> None:
        self.sandbox_url = self.sandbox_url.rstrip("/")
        if not re.match(r"^https?://[^/\s]+", self.sandbox_url):
            raise ValueError(f"--sandbox: not an http(s) URL: {self.sandbox_url!r}")
        unknown = [c for c in self.carriers if c not in CLIENTS]
        if unknown or not self.carriers:
            raise ValueError(
                f"--carriers: unknown {', '.join(unknown) or '(none given)'}; known: {', '.join(CARRIERS)}"
            )
        for carrier, creds in self.credentials.items():
            if carrier not in CLIENTS:
                raise ValueError(f"credential for unknown carrier {carrier!r}")
            bad = set(creds) - CREDENTIAL_KEYS[carrier]
            if bad:
                keys = ", ".join(sorted(CREDENTIAL_KEYS[carrier]))
                raise ValueError(f"{carrier}: unknown credential key(s) {', '.join(sorted(bad))}; use {keys}")
        if self.broken is not None and self.broken not in BROKEN_VARIANTS:
            raise ValueError(f"--broken: use one of {', '.join(BROKEN_VARIANTS)}")
        if not 1 <= self.port <= 65535:
            raise ValueError("--port: 1 to 65535")
        if self.poll_interval <= 0 or self.concurrency < 1 or self.request_timeout <= 0:
            raise ValueError("--poll-interval and --timeout must be positive, --concurrency at least 1")
        if self.webhooks == "subscribe" and not self.webhook_secret:
            raise ValueError("--webhooks subscribe needs --webhook-secret (or TRACKER_WEBHOOK_SECRET)")

    @property
    def receiver_url(self) -> str:
        return f"{(self.public_url or f'http://127.0.0.1:{self.port}').rstrip('/')}/webhooks/sandbox"

    def base_url(self, carrier: str) -> str:
        return self.credentials.get(carrier, {}).get("base_url") or f"{self.sandbox_url}/{carrier}"

    def carrier_credentials(self, carrier: str) -> dict[str, str]:
        return {k: v for k, v in self.credentials.get(carrier, {}).items() if k != "base_url"}


def _credentials(pairs: Sequence[str], env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for carrier, keys in CREDENTIAL_KEYS.items():
        for key in keys:
            value = env.get(f"TRACKER_{carrier.upper()}_{key.upper()}")
            if value:
                out.setdefault(carrier, {})[key] = value
    for pair in pairs:
        match = re.match(r"^([a-z]+):([a-z_]+)=(.*)$", pair)
        if match is None:
            raise ValueError(f"--credential {pair!r}: use CARRIER:KEY=VALUE, e.g. ups:client_id=abc")
        carrier, key, value = match.groups()
        out.setdefault(carrier, {})[key] = value
    return out


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    def default(name: str, fallback: str | None) -> str | None:
        return env.get(f"TRACKER_{name}") or fallback

    p = argparse.ArgumentParser(
        prog="python -m examples.reference_tracker",
        description="A reference parcel tracker: polls the carriers' own tracking APIs (and optionally "
        "takes the sandbox's webhooks) and serves a normalised view on 127.0.0.1.",
    )
    p.add_argument(
        "--sandbox", default=default("SANDBOX_URL", None), help="sandbox base URL ($TRACKER_SANDBOX_URL)"
    )
    p.add_argument("--port", type=int, default=int(default("PORT", "9000") or 9000))
    p.add_argument("--carriers", default=default("CARRIERS", ",".join(CARRIERS)), help="comma-separated")
    p.add_argument("--credential", action="append", default=[], metavar="CARRIER:KEY=VALUE")
    p.add_argument(
        "--poll-interval", default=default("POLL_INTERVAL", "30s"), help="wall time between rounds"
    )
    p.add_argument("--concurrency", type=int, default=int(default("CONCURRENCY", "8") or 8))
    p.add_argument("--timeout", default=default("TIMEOUT", "10s"), help="per carrier request")
    p.add_argument("--silence", default=default("SILENCE", "3d"), help="no scan this long → lost_suspected")
    p.add_argument("--terminal-grace", default=default("TERMINAL_GRACE", "1d"))
    p.add_argument("--clock", choices=("sandbox", "system"), default=default("CLOCK", "sandbox"))
    p.add_argument("--webhooks", choices=("off", "subscribe"), default=default("WEBHOOKS", "off"))
    p.add_argument("--webhook-secret", default=default("WEBHOOK_SECRET", None))
    p.add_argument("--public-url", default=default("PUBLIC_URL", None))
    p.add_argument("--broken", choices=BROKEN_VARIANTS, default=default("BROKEN", None))
    p.add_argument(
        "--stale-every", default=default("STALE_EVERY", "3d"), help="--broken stale: refresh period"
    )
    p.add_argument(
        "--no-auto-register",
        action="store_true",
        help="answer 404 for unregistered numbers instead of tracking them",
    )
    return p


def config_from_args(
    argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> TrackerConfig:
    """Parse flags (``SystemExit(2)`` with one line on a mistake, as argparse does)."""
    env = os.environ if env is None else env
    parser = build_parser(env)
    args = parser.parse_args(argv)
    if not args.sandbox:
        parser.error("--sandbox URL is required (or set TRACKER_SANDBOX_URL)")
    try:
        return TrackerConfig(
            sandbox_url=args.sandbox,
            port=args.port,
            carriers=tuple(c.strip() for c in args.carriers.split(",") if c.strip()),
            credentials=_credentials(args.credential, env),
            poll_interval=parse_duration(args.poll_interval).total_seconds(),
            concurrency=args.concurrency,
            request_timeout=parse_duration(args.timeout).total_seconds(),
            silence_after=parse_duration(args.silence),
            terminal_grace=parse_duration(args.terminal_grace),
            clock=args.clock,
            webhooks=args.webhooks,
            webhook_secret=args.webhook_secret,
            public_url=args.public_url,
            broken=args.broken,
            stale_every=parse_duration(args.stale_every),
            auto_register=not args.no_auto_register,
        )
    except ValueError as exc:
        parser.error(str(exc))
