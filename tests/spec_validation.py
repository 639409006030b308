"""Validate carrier responses against the carriers' official API specs vendored in ``vendor/specs``.

Usage in a test::

    validate_response("ups", "/api/track/v1/details/{inquiryNumber}", "get", 200, body)
    validate_schema("fedex", "ErrorResponseVO", body)

The specs are read as published; known defects are patched in memory only (the UPS YAML has TAB
characters on line 185, which strict YAML parsers reject).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator
from openapi_schema_validator import OAS30Validator, OAS31Validator

SPECS_DIR = Path(
    os.environ.get("PARCEL_SANDBOX_SPECS", Path(__file__).resolve().parents[1] / "vendor" / "specs")
)

SPEC_FILES: dict[str, str] = {
    "ups": "ups/Tracking.yaml",
    "ups_oauth": "ups/OAuthClientCredentials.yaml",
    "ups_trackalert": "ups/UPSTrackAlert.yaml",
    "fedex": "fedex/track-api.json",
    "fedex_oauth": "fedex/authorization-api.json",
    "dhl": "dhl/dhl-shipment-tracking-unified-1.4.1.yaml",
    "usps": "usps/tracking-v3.yaml",
    "amazon": "amazon/shippingV2.json",
    "hermes_de": "hermes_de/openapi-shipment.yaml",
    "hermes_de_auth": "hermes_de/openapi-auth.yaml",
    "ship24": "ship24/ship24-tracking-api.yaml",
}


@cache
def load_spec(name: str) -> dict[str, Any]:
    path = SPECS_DIR / SPEC_FILES[name]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if name == "ups":
        # Known defect of the published file: TABs on line 185 (see specs/SOURCES.md).
        lines = text.split("\n")
        lines[184] = lines[184].replace("\t", "")
        text = "\n".join(lines)
    return yaml.safe_load(text)


def _validator(name: str, schema: dict[str, Any]) -> Draft4Validator | OAS30Validator | OAS31Validator:
    spec = load_spec(name)
    if "swagger" in spec:  # Swagger 2.0 (Amazon): JSON Schema draft 4 with #/definitions refs
        root = {**schema, "definitions": spec.get("definitions", {})}
        return Draft4Validator(root)
    root = {**schema, "components": spec.get("components", {})}
    if str(spec.get("openapi", "")).startswith("3.1"):  # UPSTrackAlert.yaml: oneOf/const need 3.1
        return OAS31Validator(root)
    return OAS30Validator(root)


def _raise_first(
    validator: Draft4Validator | OAS30Validator | OAS31Validator, instance: Any, what: str
) -> None:
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        path = "/".join(str(p) for p in e.absolute_path)
        raise AssertionError(f"{what}: {len(errors)} schema error(s); first at /{path}: {e.message}")


def validate_schema(name: str, schema_name: str, instance: Any) -> None:
    """Validate ``instance`` against a named component schema (``definitions`` for Swagger 2)."""
    spec = load_spec(name)
    ref = "#/definitions/" if "swagger" in spec else "#/components/schemas/"
    _raise_first(_validator(name, {"$ref": ref + schema_name}), instance, f"{name}:{schema_name}")


def response_schema(name: str, path: str, method: str, status: int) -> dict[str, Any]:
    spec = load_spec(name)
    op = spec["paths"][path][method.lower()]
    responses = op["responses"]
    resp = responses.get(str(status)) or responses.get(status) or responses.get("default")
    if resp is None:
        raise AssertionError(f"{name}: {method.upper()} {path} documents no {status} response")
    if "$ref" in resp:  # shared response object
        ref = resp["$ref"].split("/")
        resp = spec
        for part in ref[1:]:
            resp = resp[part]
    if "swagger" in spec:
        return resp["schema"]
    content = resp.get("content", {})
    for media in ("application/json", "application/problem+json", "*/*"):
        if media in content:
            return content[media]["schema"]
    return next(iter(content.values()))["schema"]


def validate_response(name: str, path: str, method: str, status: int, body: Any) -> None:
    """Validate a response body against the spec's documented response for (path, method, status)."""
    schema = response_schema(name, path, method, status)
    _raise_first(_validator(name, schema), body, f"{name}: {method.upper()} {path} {status}")
