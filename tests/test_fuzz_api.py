"""Schemathesis over the sandbox's own ``/openapi.json`` and over each carrier's official spec
(``vendor/specs``), against live servers: no 5xx, no traceback, no hang, documented status codes
and content types. Short in ``make test``; ``make fuzz`` (``PARCEL_SANDBOX_FUZZ=long``) sends over
20,000 requests and records the servers' peak memory (docs/security.md has the last numbers)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from schemathesis import GenerationMode

from tests.fuzz_api import Allowed, Tally, Violation, fuzz_operations, load, violations
from tests.served_process import Served, sandbox_process, small_world
from tests.spec_validation import _validator, load_spec, validate_response

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
    "ship24": ("ship24", "/ship24"),
}


@dataclass(frozen=True)
class Deviation:
    """An answer the carrier really gives that its spec does not document, reviewed and recorded
    in the carrier's FIDELITY.md (``quote`` is that record's text, verbatim).

    Without ``where``: the status itself is undocumented for the operation. With it: a body
    violation the fuzzer lets through — the violation's JSON path fully matches ``where`` and its
    failing keyword is ``keyword``; ``rest_valid`` (if any) must hold of the violating part, so the
    entry hides nothing else. ``probe`` (method, path, request kwargs; ``{number}``/``{tracker}``
    filled in) is a request that still shows it: ``test_every_deviation_is_still_needed``."""

    spec: str
    operation: str
    statuses: frozenset[int]
    carrier: str
    quote: str
    probe: tuple[str, str, dict[str, Any]]
    where: str | None = None
    keyword: str = ""
    rest_valid: Callable[[Any], bool] | None = None
    #: An undocumented status's body is still the carrier's documented error body: the spec's
    #: schema for (path, method, status) of another answer accepts it.
    like: tuple[str, str, int] | None = None


def _bulk_items_valid_but_input(items: Any) -> bool:
    """Bulk items that break the schema only in their echoed ``inputData``."""
    schema = load_spec("ship24")["components"]["schemas"]["bulk-create-trackers-response"]["properties"][
        "data"
    ]
    if not isinstance(items, list):
        return False
    fine = {"trackingNumber": "S24DEMO456393"}
    rest = [{**i, "inputData": fine} if isinstance(i, dict) else i for i in items]
    return not list(_validator("ship24", schema).iter_errors(rest))


_SHIP24_UNDOCUMENTED = "those operations document only their success"

DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "dhl",
        "GET /shipments",
        frozenset({400}),
        "dhl",
        "for a missing/blank `trackingNumber`, a `service` outside the spec's enum",
        ("GET", "/shipments", {"params": {"trackingNumber": " "}}),
        like=("/shipments", "get", 404),
    ),
    Deviation(
        "fedex_oauth",
        "POST /oauth/token",
        frozenset({400}),
        "fedex",
        "An unknown grant type gets a 400 `BAD.REQUEST.ERROR`",
        ("POST", "/oauth/token", {"data": {"grant_type": "nope", "client_id": "a", "client_secret": "b"}}),
        like=("/oauth/token", "post", 401),
    ),
    *(
        Deviation(
            "ship24",
            op,
            frozenset({status}),
            "ship24",
            _SHIP24_UNDOCUMENTED,
            probe,
            like=("/public/v1/trackers", "post", 400),
        )
        for op, status, probe in (
            (
                "GET /public/v1/trackers",
                400,
                ("GET", "/public/v1/trackers", {"params": {"page": "0", "limit": "1"}}),
            ),
            ("POST /public/v1/trackers/track", 400, ("POST", "/public/v1/trackers/track", {"json": {}})),
            (
                "GET /public/v1/trackers/{trackerId}",
                400,
                ("GET", "/public/v1/trackers/{tracker}", {"params": {"searchBy": "x"}}),
            ),
            (
                "PATCH /public/v1/trackers/{trackerId}",
                404,
                ("PATCH", "/public/v1/trackers/nope", {"json": {}}),
            ),
            (
                "GET /public/v1/trackers/{trackerId}/results",
                400,
                ("GET", "/public/v1/trackers/{tracker}/results", {"params": {"searchBy": "x"}}),
            ),
            (
                "POST /public/v1/trackers/{trackerId}/webhook-events/resend",
                400,
                (
                    "POST",
                    "/public/v1/trackers/{tracker}/webhook-events/resend",
                    {"params": {"searchBy": "x"}},
                ),
            ),
            (
                "POST /public/v1/trackers/{trackerId}/webhook-events/resend",
                404,
                ("POST", "/public/v1/trackers/nope/webhook-events/resend", {}),
            ),
        )
    ),
    Deviation(
        "ship24",
        "POST /public/v1/trackers/bulk",
        frozenset({207, 400}),
        "ship24",
        'The spec\'s own "Bad request" example echoes `"trackingNumber": "TEST"`',
        ("POST", "/public/v1/trackers/bulk", {"json": [{"trackingNumber": "TEST"}]}),
        where="data",
        keyword="anyOf",
        rest_valid=_bulk_items_valid_but_input,
    ),
    Deviation(
        "ship24",
        "POST /public/v1/trackers/{trackerId}/webhook-events/resend",
        frozenset({201}),
        "ship24",
        "| `totalResent` of a resend | a JSON number |",
        ("POST", "/public/v1/trackers/{tracker}/webhook-events/resend", {}),
        where="data/summary/totalResent",
        keyword="type",
    ),
)


def known_status(spec: str, label: str, status: int) -> bool:
    return any(
        d.where is None and (d.spec, d.operation) == (spec, label) and status in d.statuses
        for d in DEVIATIONS
    )


def allowed_body(spec: str) -> Allowed:
    entries = [d for d in DEVIATIONS if d.spec == spec and d.where is not None]

    def allowed(label: str, status: int, found: Violation) -> bool:
        return any(
            d.operation == label
            and status in d.statuses
            and re.fullmatch(d.where or "", found.where)
            and d.keyword == found.keyword
            and (d.rest_valid is None or d.rest_valid(found.instance))
            for d in entries
        )

    return allowed


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
        # Generous: on a loaded machine the world takes longer than httpx's default 5 s to get there.
        httpx.post(f"{served.base}/_sandbox/clock", json={"advance": "2d"}, timeout=180)
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
        "ship24": {"Authorization": "Bearer apik_fuzz"},
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
    # Ship24 ships nothing of its own: it tracks the carriers' numbers.
    numbers = real_numbers(base, "ups" if carrier == "ship24" else carrier) or ["0"]
    tally = Tally()
    raw = load(fixed_spec(spec))
    url = base + prefix

    # As a client sends them (credential valid), with one real number where the path takes one,
    # then with everything generated, the credential included.
    def known(label: str, status: int) -> bool:
        if label in NOT_SERVED.get(spec, frozenset()) or (spec == "amazon" and label not in AMAZON_SERVED):
            return True
        return known_status(spec, label, status)

    # Short runs spend their examples on what the mock serves; long runs cover every operation.
    def only(operation: Any) -> bool:
        return (
            LONG or spec != "amazon" or operation.label in AMAZON_SERVED or operation.label.startswith("POST")
        )

    allowed = allowed_body(spec)
    fuzz_operations(raw, url, tally, examples=EXAMPLES, headers=auth, known=known, allowed=allowed, only=only)
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
            allowed=allowed,
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


FIDELITY = Path(__file__).resolve().parents[1] / "mock_carriers" / "carriers"


def test_every_deviation_is_documented() -> None:
    """Each allow-list entry is a line of its carrier's FIDELITY.md, and names a spec operation."""
    for d in DEVIATIONS:
        text = (FIDELITY / d.carrier / "FIDELITY.md").read_text(encoding="utf-8")
        assert d.quote in text, (d.carrier, d.quote)
        method, path = d.operation.split(" ", 1)
        responses = load_spec(d.spec)["paths"][path][method.lower()]["responses"]
        documented = {str(k) for k in responses}
        if d.where is None:
            assert not {str(s) for s in d.statuses} & documented, d  # else it is no deviation
        else:
            assert {str(s) for s in d.statuses} <= documented, d


def _probe(d: Deviation, base: str, auth: dict[str, str], tracker: str) -> tuple[str, str, dict[str, Any]]:
    method, path, kwargs = d.probe
    prefix = CARRIER_SPECS[d.spec][1]
    return method, base + prefix + path.replace("{tracker}", tracker), {**kwargs, "headers": auth}


def test_every_deviation_is_still_needed(carriers_server: Served) -> None:
    """Each allow-list entry's probe still gets the answer the entry excuses: a status the spec
    leaves out, or a body its schema refuses at the entry's place (else the entry must go)."""
    base = carriers_server.base
    ship24 = credentials(base)["ship24"]
    number = real_numbers(base, "ups")[0]
    created = httpx.post(f"{base}/ship24/public/v1/trackers", json={"trackingNumber": number}, headers=ship24)
    tracker = created.json()["data"]["tracker"]["trackerId"]
    for d in DEVIATIONS:
        auth = credentials(base)[CARRIER_SPECS[d.spec][0]]
        method, url, kwargs = _probe(d, base, auth, tracker)
        if d.where is None:
            r = httpx.request(method, url, **kwargs)
            assert r.status_code in d.statuses, (d.operation, r.status_code, r.text[:200])
            if d.like is not None:
                validate_response(d.spec, *d.like, r.json())
            continue
        op_method, op_path = d.operation.split(" ", 1)
        operation = load(fixed_spec(d.spec))[op_path][op_method]
        path_parameters = {"trackerId": tracker} if "{trackerId}" in op_path else None
        extra = {"body": kwargs["json"], "media_type": "application/json"} if "json" in kwargs else {}
        case = operation.Case(path_parameters=path_parameters, headers=auth, **extra)
        response = case.call(base_url=base + CARRIER_SPECS[d.spec][1])
        assert response.status_code in d.statuses, (d.operation, response.status_code)
        found = violations(case, response)
        assert any(re.fullmatch(d.where or "", v.where) and v.keyword == d.keyword for v in found), (
            d.operation,
            found,
        )
        allowed = allowed_body(d.spec)
        assert all(allowed(d.operation, response.status_code, v) for v in found), found


def _answer(url: str, status: int, body: Any) -> Any:
    """A schemathesis response for ``body`` (to try the checks on a known answer)."""
    import requests
    from schemathesis.core.transport import Response

    request = requests.Request("POST", url).prepare()
    content = json.dumps(body).encode()
    headers = {"content-type": ["application/json"]}
    return Response(status, headers, content, request, elapsed=0.01, verify=True)


def test_the_body_check_refuses_what_the_allow_list_does_not_excuse() -> None:
    """The fuzzer's body check fails on a schema violation, and an allow-list entry excuses only
    its own: an echoed bad ``inputData`` passes, a bad ``itemStatus`` beside it does not."""
    from tests.fuzz_api import _conformance

    raw = load(fixed_spec("ship24"))
    bulk = raw["/public/v1/trackers/bulk"]["POST"].Case(body=[{"trackingNumber": "TEST"}])
    item = {
        "itemStatus": "error",
        "inputData": {"trackingNumber": "TEST"},
        "errors": [{"code": "c", "message": "m"}],
    }
    body = {"status": "error", "data": [item], "error": {"code": "processing_error", "message": "m"}}
    answer = _answer("http://x/public/v1/trackers/bulk", 400, body)
    assert _conformance(bulk, answer, lambda label, status, found: False)
    assert _conformance(bulk, answer, allowed_body("ship24")) == []
    worse = {**body, "data": [{**item, "itemStatus": "bogus"}]}
    assert _conformance(bulk, _answer("http://x/public/v1/trackers/bulk", 400, worse), allowed_body("ship24"))
    resend = raw["/public/v1/trackers/{trackerId}/webhook-events/resend"]["POST"].Case(
        path_parameters={"trackerId": "t"}
    )
    counted = _answer(
        "http://x/public/v1/trackers/t/webhook-events/resend", 201, {"data": {"summary": {"totalResent": 8}}}
    )
    assert _conformance(resend, counted, allowed_body("ship24")) == []
    assert _conformance(resend, counted, allowed_body("dhl"))  # another spec's entries excuse nothing
