"""Schemathesis over the sandbox's own ``/openapi.json`` and over each carrier's official spec
(``vendor/specs``), against live servers: no 5xx, no traceback, no hang, documented status codes
and content types. Short in ``make test``; ``make fuzz`` (``PARCEL_SANDBOX_FUZZ=long``) sends over
20,000 requests and records the servers' peak memory (docs/security.md has the last numbers)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from schemathesis import GenerationMode

from tests.fuzz_api import Tally, fuzz_operations, load
from tests.served_process import Served, sandbox_process, small_world
from tests.spec_validation import load_spec

pytestmark = [pytest.mark.fuzz, pytest.mark.live, pytest.mark.slow]

LONG = os.environ.get("PARCEL_SANDBOX_FUZZ") == "long"
#: Examples per operation and generation mode (long: over 20,000 requests in all).
EXAMPLES = 120 if LONG else 6
MB = 1 << 20

#: Each vendored spec, and where its paths live on the sandbox (the carrier's prefix plus the
#: part of the carrier's server URL its paths are relative to).
CARRIER_SPECS: dict[str, tuple[str, str]] = {
    "ups": ("ups", "/ups/api"),
    "ups_oauth": ("ups", "/ups"),
    "ups_trackalert": ("ups", "/ups/api/track/v1"),
    "fedex": ("fedex", "/fedex"),
    "fedex_oauth": ("fedex", "/fedex"),
    "dhl": ("dhl", "/dhl/track"),
    "usps": ("usps", "/usps/tracking/v3"),
    "amazon": ("amazon", "/amazon"),
    "hermes_de": ("hermes", "/hermes/services/hsi"),
    "hermes_de_auth": ("hermes", "/hermes"),
}

#: Answers a spec does not document but the real carrier gives, each recorded with its evidence in
#: the carrier's FIDELITY.md: (spec, operation label) -> statuses.
KNOWN_UNDOCUMENTED: dict[tuple[str, str], frozenset[int]] = {
    # dhl/FIDELITY.md: 400 for a missing/blank trackingNumber, a bad service, offset or limit.
    ("dhl", "GET /shipments"): frozenset({400}),
    # fedex/FIDELITY.md: missing/duplicated fields and unknown grant types get 400 BAD.REQUEST.ERROR.
    ("fedex_oauth", "POST /oauth/token"): frozenset({400}),
}

#: Operations of the specs the mock does not serve (it answers them with the carrier's 404, which
#: their documents do not list): fuzzed for server errors, not checked for conformance.
NOT_SERVED: dict[str, frozenset[str]] = {
    "ups_trackalert": frozenset({"POST /subscription/{type}/account", "DELETE /subscription/{type}/account"}),
    "hermes_de_auth": frozenset({"GET /authorization-facade/oauth2/authorize"}),
}
#: Amazon's Shipping v2 document covers rating, purchase and documents; the mock serves tracking.
AMAZON_SERVED = frozenset({"GET /shipping/v2/tracking"})

RESULTS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module", autouse=True)
def totals() -> Iterator[None]:
    """After the module: the totals over every document, printed and kept in runs/fuzz/."""
    yield
    if not RESULTS:
        return
    keys = ("requests", "server_errors", "tracebacks", "hangs", "transport_errors")
    total: dict[str, Any] = {k: sum(r[k] for r in RESULTS.values()) for k in keys}
    total["slowest_s"] = max(r["slowest_s"] for r in RESULTS.values())
    total["server_peak_rss_mb"] = max(r["server_peak_rss_mb"] for r in RESULTS.values())
    total["mode"] = "long" if LONG else "short"
    out = Path(__file__).resolve().parents[1] / "runs" / "fuzz"
    out.mkdir(parents=True, exist_ok=True)
    (out / "api.json").write_text(json.dumps({"total": total, "by_document": RESULTS}, indent=2) + "\n")
    print(f"\nfuzz total: {json.dumps(total)}")


def fixed_spec(name: str) -> dict[str, Any]:
    """The vendored spec with its servers pointed nowhere in particular (the base URL decides),
    and ``{version}`` of UPS Track Alert's server pinned to the one the mock serves."""
    spec = json.loads(json.dumps(load_spec(name), default=str))  # YAML dates in examples become text
    spec.pop("servers", None)
    spec.pop("host", None)
    spec.pop("basePath", None)
    return spec


@pytest.fixture(scope="module")
def carriers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    world = small_world(tmp_path_factory.mktemp("fuzz-carriers"), name="fuzzed")
    with sandbox_process(world) as served:
        httpx.post(f"{served.base}/_sandbox/clock", json={"advance": "2d"})
        yield served


def credentials(base: str) -> dict[str, dict[str, str]]:
    """A valid credential header per carrier, so fuzzed requests reach past the gateway."""
    form = {"grant_type": "client_credentials", "client_id": "fuzz", "client_secret": "fuzz"}
    ups = httpx.post(f"{base}/ups/security/v1/oauth/token", auth=("fuzz", "fuzz"), data=form).json()
    fedex = httpx.post(f"{base}/fedex/oauth/token", data=form).json()
    usps = httpx.post(f"{base}/usps/oauth2/v3/token", json=form).json()
    amazon = httpx.post(
        f"{base}/amazon/auth/o2/token",
        data={**form, "grant_type": "refresh_token", "refresh_token": "Atzr|f"},
    ).json()
    hermes = httpx.post(
        f"{base}/hermes/authorization-facade/oauth2/access_token",
        data={"grant_type": "password", "username": "fuzz", "password": "fuzz"},
        auth=("fuzz", "fuzz"),
    ).json()
    return {
        "ups": {
            "Authorization": f"Bearer {ups['access_token']}",
            "transId": "fuzz",
            "transactionSrc": "fuzz",
        },
        "fedex": {"Authorization": f"Bearer {fedex['access_token']}"},
        "usps": {"Authorization": f"Bearer {usps['access_token']}"},
        "amazon": {"x-amz-access-token": amazon["access_token"]},
        "hermes": {"Authorization": f"Bearer {hermes['access_token']}"},
        "dhl": {"DHL-API-Key": "fuzz"},
    }


def real_numbers(base: str, carrier: str) -> list[str]:
    items = httpx.get(f"{base}/_sandbox/parcels", params={"carrier": carrier, "limit": 5}).json()["items"]
    return [p["tracking_number"] for p in items]


def assert_clean(name: str, tally: Tally, served: Served) -> None:
    RESULTS[name] = {**tally.summary(), "server_peak_rss_mb": round(served.peak_rss() / MB, 1)}
    print(f"\nfuzz {name}: {json.dumps(RESULTS[name])}")
    assert tally.requests > 0
    assert tally.server_errors == 0 and tally.tracebacks == 0 and tally.hangs == 0, tally.problems
    assert tally.transport_errors == 0, tally.problems
    assert served.alive()


@pytest.mark.parametrize("spec", list(CARRIER_SPECS))
def test_carrier_specs(carriers_server: Served, spec: str) -> None:
    carrier, prefix = CARRIER_SPECS[spec]
    base = carriers_server.base
    auth = credentials(base)[carrier]
    numbers = real_numbers(base, carrier) or ["0"]
    tally = Tally()
    raw = load(fixed_spec(spec))
    url = base + prefix

    # As a client sends them (credential valid), with one real number where the path takes one,
    # then with everything generated, the credential included.
    def known(label: str, status: int) -> bool:
        if label in NOT_SERVED.get(spec, frozenset()) or (spec == "amazon" and label not in AMAZON_SERVED):
            return True
        return status in KNOWN_UNDOCUMENTED.get((spec, label), frozenset())

    # Short runs spend their examples on what the mock serves; long runs cover every operation.
    def only(operation: Any) -> bool:
        return (
            LONG or spec != "amazon" or operation.label in AMAZON_SERVED or operation.label.startswith("POST")
        )

    fuzz_operations(raw, url, tally, examples=EXAMPLES, headers=auth, known=known, only=only)
    for number in numbers[:2]:
        path = {"inquiryNumber": number, "trackingNumber": number}
        fuzz_operations(
            raw,
            url,
            tally,
            examples=max(3, EXAMPLES // 4),
            headers=auth,
            path_parameters=path,
            modes=(GenerationMode.POSITIVE,),
            known=known,
        )
    fuzz_operations(raw, url, tally, examples=max(3, EXAMPLES // 2), check_conformance=False, only=only)
    assert_clean(spec, tally, carriers_server)
    assert not tally.nonconforming, tally.nonconforming


def test_sandbox_openapi(tmp_path: Path) -> None:
    world = small_world(tmp_path, name="control")
    with sandbox_process(world) as served:
        base = served.base
        raw = load(httpx.get(f"{base}/openapi.json").json())

        def undo(case: Any, response: Any) -> None:
            # Keep the world servable for the next case: no injected faults, no subscriptions.
            if case.path == "/_sandbox/faults" and case.method == "PUT" and response.status_code == 200:
                httpx.put(f"{base}/_sandbox/faults", json={})
            if case.path == "/_sandbox/webhooks" and case.method == "POST" and response.status_code == 201:
                httpx.delete(f"{base}/_sandbox/webhooks/{response.json()['id']}")

        tally = Tally()
        fuzz_operations(raw, base, tally, examples=EXAMPLES * 2, after_call=undo)
        assert_clean("sandbox", tally, served)
        assert not tally.nonconforming, tally.nonconforming
