"""What a carrier package gives the sandbox: one ``CarrierSpec``, named ``SPEC`` in the package's
``__init__.py`` and registered by key in ``registry.py``.

The shared core (``mock_carriers`` outside ``carriers/``) knows no carrier. Whatever it does
differently per carrier it reads here: which paths are the token endpoint and the tracking reads
(fault rules and rate limits name these route classes), how the carrier words an injected 5xx or a
429, how a request presents its credential (rate limits count per credential), the carrier's
published rate limits, and the webhook payloads and push API it has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from fastapi import Request, Response
from starlette.datastructures import Headers
from starlette.types import ASGIApp

from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.fastlane import HotRoute
from mock_carriers.world.context import CarrierContext
from sim.events import ParcelTruth, ScanEvent


@dataclass(frozen=True, slots=True)
class Credential:
    """Whom a request says it is, read as the carrier's gateway would, before the carrier does: an
    access token the sandbox issued (``token``), an API key (``key``), or nothing a gateway reads
    (``address``: the request counts against the caller's address)."""

    kind: Literal["token", "key", "address"]
    value: str | None = None


def bearer_credential(headers: Headers) -> Credential:
    """The usual rule: ``Authorization: Bearer <token>``."""
    return Credential("token", bearer(headers.get("authorization")))


@dataclass(frozen=True, slots=True)
class RouteTable:
    """Path prefixes, below the carrier's mount, of its token endpoint and of its tracking reads;
    every other carrier path is the route class ``other``."""

    token: tuple[str, ...]
    track: tuple[str, ...]

    def route_of(self, path: str) -> str:
        if path.startswith(self.token):
            return "token"
        if path.startswith(self.track):
            return "track"
        return "other"


class PushState(Protocol):
    """A push API's own state (e.g. which numbers are subscribed until when), kept by the webhook
    hub next to its outbox — durable with ``--db`` — and cleared when the world starts over."""

    def get(self, key: str) -> Any: ...
    def put_many(self, items: Mapping[str, Any]) -> None: ...


class PushHub(Protocol):
    """What a carrier's push API endpoint may ask of the sandbox's webhook hub (``ctx.webhooks``)."""

    def has_subscription(self, format: str) -> bool: ...
    def ensure_subscription(self, url: str, secret: str, format: str, scope: str) -> str | None: ...
    def push_state(self, namespace: str) -> PushState: ...
    def ensure_started(self) -> None: ...
    def resend(self, format: str, events: Sequence[ScanEvent], tag: str) -> int: ...


#: (event, the parcel's events up to and including it, the parcel's truth, delivery id) -> the body.
RenderPayload = Callable[[ScanEvent, list[ScanEvent], ParcelTruth | None, str], dict[str, Any]]
#: (the subscription's secret, the raw body) -> the headers the carrier sends with it.
PayloadHeaders = Callable[[str, bytes], dict[str, str]]
#: (the push state, an event, the instant it became visible, the parcel's events up to it) -> send?
SubscribedFilter = Callable[[PushState, ScanEvent, float, list[ScanEvent]], bool]


@dataclass(frozen=True)
class WebhookFormat:
    """A carrier-native webhook body: ``POST /_sandbox/webhooks {"format": name}``."""

    name: str
    #: The carriers whose events it can speak for.
    carriers: tuple[str, ...]
    render: RenderPayload
    headers: PayloadHeaders
    #: What the subscription's ``secret`` becomes, for the control plane's docs (``x-api-key``).
    secret_use: str
    #: The carrier's push API, when the format has one: with ``scope: subscribed`` only the
    #: numbers subscribed through it are sent (this filter decides; its state is ``push_state(name)``).
    subscribed: SubscribedFilter | None = None
    #: The push API's name, for messages and docs ("UPS Track Alert").
    push_api: str = ""
    #: An aggregator's delay: the instant (epoch seconds) it has the event, at or after the
    #: carrier showed it; its bodies are due then, not at ``visible_at``.
    due_at: Callable[[ScanEvent], float] | None = None
    #: Like ``render``, with the push state first: a body that names what the push API holds (the
    #: aggregator's tracker of the number). Used instead of ``render`` when set.
    render_with_state: (
        Callable[[PushState, ScanEvent, list[ScanEvent], ParcelTruth | None, str], dict[str, Any]] | None
    ) = None


@dataclass(frozen=True, slots=True)
class CarrierDoc:
    """The carrier's row of the overview table in docs/carriers.md."""

    name: str
    auth: str
    tracking: str
    unknown_number: str


@dataclass(frozen=True, slots=True)
class Retention:
    """How long the carrier keeps showing a parcel: ``days`` after it finished (or after its label
    was created, ``since="created"``), as the carrier documents it (cited in its FIDELITY.md)."""

    days: float
    since: Literal["finished", "created"] = "finished"
    source: str = ""


@dataclass(frozen=True)
class CarrierSpec:
    """Everything the sandbox's core needs to know of one carrier."""

    key: str
    #: The carrier's FastAPI sub-application, mounted at ``/<key>``.
    create_app: Callable[[CarrierContext], ASGIApp]
    routes: RouteTable
    #: The carrier's 429: ``(request, retry_after seconds or None, daily=quota ran out)``.
    rate_limited: Callable[..., Response]
    #: The carrier's answer to an injected 500, 502, 503 or 504: ``(request, status)``.
    server_error: Callable[[Request, int], Response]
    doc: CarrierDoc
    #: How a request to its tracking routes presents its credential (rate limits count per one).
    credential: Callable[[Headers], Credential] = bearer_credential
    #: Published rate limits: preset name -> ``RateLimit`` fields (``faults.rate_limits.<key>``).
    rate_limit_presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Whether the carrier's 429 carries ``Retry-After`` unless the fault configuration says.
    retry_after: bool = False
    webhook_formats: tuple[WebhookFormat, ...] = ()
    #: The tracking reads the fast lane answers (``mock_carriers.http.fastlane``), built from the
    #: same context as the sub-application; each handler answers exactly what the route would.
    hot_routes: Callable[[CarrierContext], Sequence[HotRoute]] | None = None
    #: The ``Server`` header the carrier's gateway sends on every answer (evidence in its
    #: FIDELITY.md), None for none: the sandbox's own server never names itself.
    server: str | None = None
    #: How long a finished parcel stays trackable (None: for as long as the sandbox runs).
    retention: Retention | None = None
    #: Carriers that rate-limit each endpoint apart: endpoint name -> (method, path pattern below
    #: the mount, ``{name}`` matching one segment). A request to one counts in its own per-second
    #: bucket (``RateLimit.endpoints``); empty: one bucket for the whole API.
    endpoints: Mapping[str, tuple[str, str]] = field(default_factory=dict)
