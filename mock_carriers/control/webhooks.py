"""``/_sandbox/webhooks``: subscribe a receiver to the sandbox's events, inspect what was sent.

``POST /_sandbox/webhooks`` ``{"url", "secret", "carriers"?, "format"?, "scope"?, "retry"?, "inject"?}``
answers 201 with the subscription (its ``id`` first); ``GET`` lists them, ``GET``/``DELETE``
``/{id}`` read or remove one, and ``GET /{id}/deliveries`` pages through every attempt with its
status code or error and outcome. Errors are the control plane's problem body
(``mock_carriers.http.problems``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from mock_carriers.carriers import registry
from mock_carriers.http.problems import CURSOR_PROBLEM, parse_cursor, problem, problem_responses
from mock_carriers.webhooks import formats
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.webhooks.models import Injection, RetryPolicy, WebhookError

#: The shortest wait between attempts (a receiver is called at most 100 times a second per
#: delivery) and the shortest per-attempt timeout (time to connect and answer on loopback).
MIN_RETRY_SECONDS = 0.01
MIN_TIMEOUT_SECONDS = 0.1


class RetrySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    base_seconds: float | None = Field(
        None, ge=MIN_RETRY_SECONDS, le=86400, description="First wait after a failure (0.01 s – 1 day)."
    )
    factor: float | None = Field(None, ge=1, le=10, description="Each later wait is this many times longer.")
    max_seconds: float | None = Field(
        None, ge=MIN_RETRY_SECONDS, le=30 * 86400, description="Cap on one wait (0.01 s – 30 days)."
    )
    max_attempts: int | None = Field(None, ge=1, le=100, description="Attempts before a delivery fails.")
    jitter: float | None = Field(None, ge=0, le=1, description="± this fraction of each wait (seeded).")
    timeout_seconds: float | None = Field(
        None, ge=MIN_TIMEOUT_SECONDS, le=120, description="Per-attempt request timeout (0.1 – 120 s)."
    )


class InjectSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    out_of_order: float = Field(
        0.0, ge=0, le=1, description="Share of deliveries held back until a later event of their parcel went."
    )
    duplicate: float = Field(0.0, ge=0, le=1, description="Share of acknowledged deliveries sent once more.")


def _notes(notes: list[str]) -> str:
    return f" ({'; '.join(notes)})" if notes else ""


_SECRET_HELP = (
    "Signing key" + _notes([f.secret_use for f in registry.webhook_formats().values() if f.secret_use]) + "."
)
_PUSH = formats.with_push_api()
_SCOPE_HELP = (
    f"'subscribed' ({', '.join(f.name for f in _PUSH)} only): just the numbers subscribed through "
    f"{' or '.join(f.push_api for f in _PUSH)}."
)


class SubscriptionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048, description="Receiver URL; loopback only unless --webhook-allow.")
    secret: str = Field(min_length=1, max_length=512, description=_SECRET_HELP)
    carriers: list[str] | None = Field(
        None, max_length=16, description="Only these carriers' events (default: all the format speaks)."
    )
    format: Literal[formats.names()] = formats.SANDBOX  # type: ignore[valid-type]
    scope: Literal["all", "subscribed"] = Field("all", description=_SCOPE_HELP)
    retry: RetrySettings | None = None
    inject: InjectSettings | None = None


class DeliveryCounts(BaseModel):
    pending: int
    delivered: int
    failed: int
    attempts: int


class SubscriptionOut(BaseModel):
    id: str
    url: str
    format: str
    carriers: list[str]
    scope: str
    created_at: str = Field(description="Sandbox instant; events visible before it are not sent.")
    retry: dict[str, Any]
    inject: dict[str, Any]
    deliveries: DeliveryCounts


class AttemptOut(BaseModel):
    id: int
    delivery_id: str
    event_id: str
    tracking_number: str
    seq: int
    attempt: int
    status_code: int | None = Field(description="The receiver's HTTP status, or null (see error).")
    error: str | None = Field(description="'timeout' or the connection error, or null.")
    outcome: Literal["delivered", "retry", "failed", "duplicate"]
    at: str = Field(description="Wall-clock time of the attempt (UTC).")
    sandbox_at: str = Field(description="Sandbox instant of the attempt.")
    duration_ms: float


class AttemptPage(BaseModel):
    items: list[AttemptOut]
    next: str | None = Field(description="Cursor for the next page, or null at the end.")


class DeletedOut(BaseModel):
    id: str
    status: Literal["deleted"]


def build_webhooks_router(hub: WebhookHub) -> APIRouter:
    router = APIRouter(
        prefix="/_sandbox/webhooks",
        tags=["sandbox webhooks"],
        responses=problem_responses(400, 404),
    )

    def out(sid: str) -> SubscriptionOut | None:
        sub = hub.get(sid)
        if sub is None:
            return None
        return SubscriptionOut(**sub.public(), deliveries=DeliveryCounts(**hub.counts(sid)))

    def not_found(sid: str) -> Response:
        return problem(404, f"no webhook subscription {sid}")

    @router.post("", status_code=201, response_model=SubscriptionOut)
    async def subscribe(request: SubscriptionRequest) -> SubscriptionOut | Response:
        retry = None
        if request.retry is not None:
            given = request.retry.model_dump(exclude_none=True)
            retry = RetryPolicy(**{**_policy_fields(hub.config.retry), **given})
        inject = Injection(**request.inject.model_dump()) if request.inject is not None else None
        try:
            # Subscribing syncs the world first: CPU work, kept off the event loop.
            sub = await asyncio.to_thread(
                hub.subscribe,
                request.url,
                request.secret,
                request.format,
                request.carriers,
                request.scope,
                retry,
                inject,
            )
        except WebhookError as exc:
            return problem(400, str(exc))
        hub.ensure_started()
        result = out(sub.id)
        return result if result is not None else not_found(sub.id)

    @router.get("", response_model=list[SubscriptionOut])
    def list_subscriptions() -> list[SubscriptionOut]:
        return [s for s in (out(sub.id) for sub in hub.list()) if s is not None]

    @router.get("/{subscription_id}", response_model=SubscriptionOut)
    def get_subscription(subscription_id: str) -> SubscriptionOut | Response:
        result = out(subscription_id)
        return result if result is not None else not_found(subscription_id)

    @router.delete("/{subscription_id}", response_model=DeletedOut)
    def delete_subscription(subscription_id: str) -> DeletedOut | Response:
        if not hub.delete(subscription_id):
            return not_found(subscription_id)
        return DeletedOut(id=subscription_id, status="deleted")

    @router.get("/{subscription_id}/deliveries", response_model=AttemptPage)
    def deliveries(
        subscription_id: str,
        limit: int = Query(100, ge=1, le=1000),
        cursor: str | None = Query(None, description="The 'next' of the previous page."),
    ) -> AttemptPage | Response:
        if hub.get(subscription_id) is None:
            return not_found(subscription_id)
        after = parse_cursor(cursor)
        if after is None:
            return problem(400, CURSOR_PROBLEM)
        rows = hub.attempts(subscription_id, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return AttemptPage(
            items=[AttemptOut(**r) for r in rows],
            next=str(rows[-1]["id"]) if more and rows else None,
        )

    return router


def _policy_fields(policy: RetryPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in RetryPolicy.__dataclass_fields__}
