"""The control plane's fault routes: ``GET/PUT /_sandbox/faults`` (the live fault configuration,
the same models as a scenario's ``faults:`` section), ``POST /_sandbox/faults/token-storm`` and
``GET /_sandbox/metrics`` (every request and injected fault, Prometheus text format)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mock_carriers.carriers import registry
from mock_carriers.faults import ranges as fault_limits
from mock_carriers.faults.config import FaultsConfig
from mock_carriers.http.problems import problem, problem_responses
from mock_carriers.world.sandbox import Sandbox

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


class TokenStorm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carrier: str | None = Field(None, description="The carrier whose tokens expire; null: every carrier.")


class TokenStormResult(BaseModel):
    carrier: str | None
    expired: int = Field(description="How many live tokens were expired.")


def describe(exc: ValidationError, prefix: str = "faults") -> str:
    """Pydantic's errors as ``faults.field.path: message``, the way scenario files report them."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        field = ".".join([prefix, *loc]) if loc else prefix
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        parts.append(f"{field}: {msg}")
    return "; ".join(parts)


def build_faults_router(sandbox: Sandbox) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox faults"], responses=problem_responses(400))

    @router.get("/faults", response_model=FaultsConfig, summary="The live fault configuration")
    def get_faults() -> FaultsConfig:
        return sandbox.faults.config

    @router.put(
        "/faults",
        response_model=FaultsConfig,
        summary="Replace the fault configuration",
        description="The body is a scenario's `faults:` section as JSON; `{}` turns every fault off. "
        "Random streams and rate-limit counters start afresh. 400 names the bad field.",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaultsConfig"}}},
            }
        },
        responses=problem_responses(400),
    )
    async def put_faults(request: Request) -> Any:
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return problem(400, "faults: the body is not valid JSON")
        if not isinstance(data, dict):
            return problem(400, f"faults: expected a JSON object, got {type(data).__name__}")
        try:
            config = FaultsConfig.model_validate(data)
        except (ValidationError, RecursionError) as exc:
            detail = describe(exc) if isinstance(exc, ValidationError) else "faults: nested too deeply"
            return problem(400, detail)
        out_of_range = fault_limits.check(config)
        if out_of_range:
            return problem(400, "; ".join(out_of_range))
        sandbox.faults.set_config(config)
        return config

    @router.post("/faults/token-storm", response_model=TokenStormResult, summary="Expire live tokens now")
    def token_storm(body: TokenStorm) -> TokenStormResult | Response:
        if body.carrier is not None and body.carrier not in registry.KEYS:
            known = ", ".join(registry.KEYS)
            return problem(400, f"carrier: unknown carrier {body.carrier!r} (known: {known})")
        expired = sandbox.faults.token_storm(body.carrier, trigger="control")
        return TokenStormResult(carrier=body.carrier, expired=expired)

    @router.get(
        "/metrics",
        response_class=PlainTextResponse,
        summary="Requests and injected faults (Prometheus text format)",
    )
    def metrics() -> PlainTextResponse:
        return PlainTextResponse(sandbox.faults.metrics.render(), media_type=PROMETHEUS_TEXT)

    return router
