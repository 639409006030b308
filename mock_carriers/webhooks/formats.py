"""Webhook body formats: the sandbox's own (``sandbox``: the canonical event with a delivery id and
attempt number, any carrier's events) and the carriers' native ones, which each carrier declares in
its spec (``CarrierSpec.webhook_formats``: how it renders an event, the headers it sends, and the
push API whose subscriptions a ``scope: subscribed`` webhook follows)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from mock_carriers.carriers import registry
from mock_carriers.carriers.spec import PushState, WebhookFormat
from mock_carriers.webhooks.models import WebhookError
from sim.events import ParcelTruth, ScanEvent

SANDBOX = "sandbox"


def names() -> tuple[str, ...]:
    """Every format a subscription may ask for: ``sandbox`` first, then the carriers'."""
    return (SANDBOX, *registry.webhook_formats())


def carrier_format(name: str) -> WebhookFormat | None:
    """The carrier format called ``name`` (None for ``sandbox`` or an unknown name)."""
    return registry.webhook_formats().get(name)


def carriers_of(name: str) -> tuple[str, ...]:
    """The carriers whose events a format can speak for (``sandbox``: every carrier of the world)."""
    fmt = carrier_format(name)
    return fmt.carriers if fmt is not None else registry.WORLD_KEYS


def due_later(name: str, event: ScanEvent, visible: float) -> float | None:
    """When a format that speaks for an aggregator has ``event`` (None: at the carrier's instant)."""
    fmt = carrier_format(name)
    return None if fmt is None or fmt.due_at is None else max(visible, fmt.due_at(event))


def with_push_api() -> tuple[WebhookFormat, ...]:
    """The formats that can follow a carrier push API's subscriptions (``scope: subscribed``)."""
    return tuple(f for f in registry.webhook_formats().values() if f.subscribed is not None)


def render(
    name: str,
    event: ScanEvent,
    history: list[ScanEvent],
    truth: ParcelTruth | None,
    did: str,
    state: PushState | None = None,
) -> str:
    """The stored payload of one delivery: the event's JSON for ``sandbox``, else the carrier's
    whole body — rendered once, so its bytes never change between attempts."""
    fmt = carrier_format(name)
    if fmt is None:
        return event.to_json()
    if fmt.render_with_state is not None and state is not None:
        body = fmt.render_with_state(state, event, history, truth, did)
    else:
        body = fmt.render(event, history, truth, did)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def check_subscription(name: str, carriers: Sequence[str] | None, scope: str) -> tuple[str, ...]:
    """The carriers a subscription to format ``name`` gets events of (all the format speaks for by
    default); ``WebhookError`` saying why when the combination cannot be served."""
    known = names()
    if name not in known:
        raise WebhookError(f"unknown format {name!r}; use one of {', '.join(known)}")
    speaks = carriers_of(name)
    if carriers is None:
        chosen = speaks
    else:
        chosen = tuple(dict.fromkeys(carriers))
        if not chosen:
            raise WebhookError("carriers must name at least one carrier")
        every = carriers_of(SANDBOX)
        for carrier in chosen:
            if carrier not in every:
                raise WebhookError(f"unknown carrier {carrier!r}; use one of {', '.join(every)}")
            if carrier not in speaks:
                raise WebhookError(
                    f"format {name!r} carries {', '.join(speaks)} events only, not {carrier!r}"
                )
    if scope not in ("all", "subscribed"):
        raise WebhookError("scope must be 'all' or 'subscribed'")
    pushing = with_push_api()
    if scope == "subscribed" and name not in {f.name for f in pushing}:
        apis = " or ".join(f.push_api for f in pushing)
        names_ = " or ".join(repr(f.name) for f in pushing)
        raise WebhookError(f"scope 'subscribed' ({apis} numbers) needs format {names_}")
    return chosen
