"""The fast lane (mock_carriers.http.fastlane) answers byte for byte what the FastAPI routes answer.

Two sandboxes of the same world (same scenario, seed, deterministic tokens) get the same long
sequence of requests — valid reads, unknown numbers, bad and expired tokens, missing headers, bad
parameters and bodies, locales, clock moves, faults on and off, a reset — one app with the lane,
one without; every answer must have the same status, headers and body, and the lane must have
answered a good share of them itself (from its cache, too). In process (the lane on the ASGI way)
and over real servers (the lane answering in the HTTP protocol, ``mock_carriers.http.hotwire``).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from mock_carriers.app import SandboxApp, create_app
from mock_carriers.http.fastlane import FastLane, RenderCache
from mock_carriers.world.sandbox import Sandbox
from sim.scenario import Scenario
from tests.conftest import scenario_dict, small_scenario

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
FORM = "application/x-www-form-urlencoded"
UNKNOWN = {
    "ups": "1Z999AA10123456784",
    "dhl": "1234567890",
    "fedex": "123456789012",
    "usps": "9400100000000000000000",
    "amazon": "TBA000000000000",
    "hermes": "00000000000000000000",
}
JUNK_BODIES = [b"", b"{", b"[]", b"null", b'{"trackingInfo": []}', b"\xff\xfe", b'{"a": NaN}']


async def call(
    app: Any,
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Answer:
    raw = [(b"host", b"127.0.0.1:8000")]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT"):
        raw.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": quote(path).encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # nobody disconnects mid-test
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    headers_out = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"date"]
    return start["status"], headers_out, content


def call_http(
    client: httpx.Client,
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Answer:
    """``call`` over HTTP to a live server (a header value's outer blanks are not sent: the
    client refuses them, and a server drops them)."""
    raw = [(k.lower().encode("latin-1"), v.strip().encode("latin-1")) for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT"):
        raw.append((b"content-length", str(len(body)).encode()))
    url = quote(path) + (f"?{query}" if query else "")
    got = client.request(method, url, headers=raw, content=body)
    return got.status_code, [(k, v) for k, v in got.headers.raw if k.lower() != b"date"], got.content


@dataclass
class Counting:
    """Wraps a lane to count the requests it answered itself: ``answered`` in all (the protocol
    and the ASGI way both ask ``answer``), ``on_asgi`` on the ASGI way."""

    lane: FastLane
    answered: int = 0
    on_asgi: int = 0

    def install(self, app: SandboxApp) -> None:
        answer, serve = self.lane.answer, self.lane.serve

        def counted(claim: Any, scope: Any, body: bytes) -> Any:
            got = answer(claim, scope, body)
            if got is not None:
                self.answered += 1
            return got

        async def counted_serve(scope: Any, receive: Any, send: Any) -> Any:
            left = await serve(scope, receive, send)
            if left is None:
                self.on_asgi += 1
            return left

        self.lane.answer = counted  # type: ignore[method-assign]
        self.lane.serve = counted_serve  # type: ignore[method-assign]


@dataclass
class Pair:
    lane: SandboxApp
    plain: SandboxApp
    counter: Counting
    sandboxes: tuple[Sandbox, Sandbox]
    #: Set: requests go over HTTP to live servers of the two apps (lane first).
    clients: tuple[httpx.Client, httpx.Client] | None = None
    sent: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    async def both(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        compare: Callable[[bytes], Any] = lambda body: body,
    ) -> Answer:
        """Send to both apps; ``compare`` picks what must agree of the bodies (token answers
        carry the wall-clock instant they were issued at)."""
        if self.clients is not None:
            a = call_http(self.clients[0], method, path, query, headers, body)
            b = call_http(self.clients[1], method, path, query, headers, body)
        else:
            a = await call(self.lane, method, path, query, headers, body)
            b = await call(self.plain, method, path, query, headers, body)
        where = f"{method} {path}?{query} {headers} {body[:200]!r}"
        assert a[0] == b[0], where
        assert [h for h in a[1] if h[0] != b"content-length"] == [
            h for h in b[1] if h[0] != b"content-length"
        ]
        assert compare(a[2]) == compare(b[2]), where
        if compare(a[2]) is a[2]:
            assert a[1] == b[1], where
        self.sent += 1
        self.by_status[a[0]] = self.by_status.get(a[0], 0) + 1
        return a


def _sans_length(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [h for h in headers if h[0] != b"content-length"]


def _access_token(body: bytes) -> Any:
    return json.loads(body).get("access_token")


def _jwt_signature(body: bytes) -> Any:
    """Hermes's token is a JWT whose claims carry the wall-clock second it was issued in; its
    signature part is the sandbox's token, the same on both sides."""
    return str(json.loads(body).get("access_token")).rsplit(".", 1)[-1]


def make_pair(scenario: Scenario | None = None) -> Pair:
    scenario = scenario or small_scenario(duration="2d", demand={"parcels_per_day": 300})
    sandboxes = []
    apps = []
    for lane in (True, False):
        sandbox = Sandbox(scenario, deterministic_tokens=True)
        sandboxes.append(sandbox)
        apps.append(create_app(sandbox=sandbox, fast_lane=lane))
    lane_app, plain_app = apps
    assert lane_app.fast_lane is not None and plain_app.fast_lane is None
    counter = Counting(lane_app.fast_lane)
    counter.install(lane_app)
    return Pair(lane_app, plain_app, counter, (sandboxes[0], sandboxes[1]))


def numbers_of(sandbox: Sandbox, carrier: str) -> list[str]:
    now = sandbox.now().timestamp()
    # the engine runs ahead of the clock: only the parcels that exist at the sandbox's instant
    records = [r for r in sandbox.store._records.values() if r.carrier == carrier and r.exists(now)]
    shown = [r.tracking_number for r in records if r.visible_events(now)]
    hidden = [r.tracking_number for r in records if not r.visible_events(now)]
    return shown[:40] + hidden[:5]


CARRIERS = ("ups", "dhl", "fedex", "usps", "amazon")
LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "xx_YY", "", "de", "EN_us"]
FLAGS = ["true", "false", "TRUE", " true ", "yes", ""]


class Traffic:
    """Request makers for each carrier's tracking read, valid and not, drawn from a seeded stream."""

    def __init__(self, pair: Pair, rng: random.Random) -> None:
        self.pair = pair
        self.rng = rng
        self.tokens: dict[str, str] = {}
        self.numbers: dict[str, list[str]] = {}

    async def refresh(self) -> None:
        """New tokens (the same on both sides: deterministic) and the numbers now in the world."""
        status, _, body = await self.pair.both(
            "POST",
            "/ups/security/v1/oauth/token",
            headers={
                "authorization": "Basic aWQ6c2VjcmV0",
                "content-type": "application/x-www-form-urlencoded",
            },
            body=b"grant_type=client_credentials",
            compare=_access_token,
        )
        assert status == 200
        self.tokens["ups"] = json.loads(body)["access_token"]
        status, _, body = await self.pair.both(
            "POST",
            "/fedex/oauth/token",
            headers={"content-type": FORM},
            body=b"grant_type=client_credentials&client_id=id&client_secret=secret",
            compare=_access_token,
        )
        assert status == 200
        self.tokens["fedex"] = json.loads(body)["access_token"]
        status, _, body = await self.pair.both(
            "POST",
            "/usps/oauth2/v3/token",
            headers={"content-type": "application/json"},
            body=b'{"grant_type":"client_credentials","client_id":"id","client_secret":"secret"}',
            compare=_access_token,
        )
        assert status == 200
        self.tokens["usps"] = json.loads(body)["access_token"]
        status, _, body = await self.pair.both(
            "POST",
            "/amazon/auth/o2/token",
            headers={"content-type": FORM},
            body=b"grant_type=refresh_token&refresh_token=Atzr|x&client_id=id&client_secret=secret",
            compare=_access_token,
        )
        assert status == 200
        self.tokens["amazon"] = json.loads(body)["access_token"]
        # The numbers come from one world's memory: when each moves finished parcels to its archive
        # is timing, so the two memories may differ; the answers (from memory or archive) may not.
        for carrier in CARRIERS:
            self.numbers[carrier] = numbers_of(self.pair.sandboxes[0], carrier)

    def number(self, carrier: str) -> str:
        r = self.rng.random()
        known = self.numbers[carrier]
        if r < 0.75 and known:
            return self.rng.choice(known)
        if r < 0.85:
            return UNKNOWN[carrier]
        if r < 0.9 and known:
            return self.rng.choice(known).lower()
        return self.rng.choice(["abc", "1Z$%", "x" * 40, " ", "12 34", "ÄÖ", "1Z999AA1012345678\n4", "TBA0"])

    def bearer(self, carrier: str) -> dict[str, str]:
        r = self.rng.random()
        if r < 0.85:
            return {"authorization": f"Bearer {self.tokens[carrier]}"}
        if r < 0.9:
            return {}
        if r < 0.95:
            return {"authorization": "Bearer not-a-token"}
        return {"authorization": f"bearer  {self.tokens[carrier]} "}

    async def ups(self) -> None:
        rng = self.rng
        headers = self.bearer("ups")
        if rng.random() < 0.95:
            headers["transId"] = rng.choice(["t1", "abc-123", " spaced "])
        if rng.random() < 0.95:
            headers["transactionSrc"] = rng.choice(["test", "qa"])
        query: dict[str, str] = {}
        if rng.random() < 0.5:
            query["locale"] = rng.choice(LOCALES)
        for flag in ("returnSignature", "returnMilestones", "returnPOD"):
            if rng.random() < 0.3:
                query[flag] = rng.choice(FLAGS)
        method = "GET" if rng.random() < 0.97 else rng.choice(["HEAD", "POST"])
        suffix = "/" if rng.random() < 0.02 else ""
        path = f"/ups/api/track/v1/details/{self.number('ups')}{suffix}"
        await self.pair.both(method, path, urlencode(query), headers)

    async def dhl(self) -> None:
        rng = self.rng
        headers = {} if rng.random() < 0.05 else {"DHL-API-Key": rng.choice(["key", "another"])}
        query: list[tuple[str, str]] = []
        if rng.random() < 0.97:
            number = self.number("dhl")
            if rng.random() < 0.05:
                number = " ".join([number[:4], number[4:]])
            query.append(("trackingNumber", number))
        if rng.random() < 0.2:
            query.append(("service", rng.choice(["express", "parcel-de", "ecommerce", "bogus"])))
        for name in ("offset", "limit"):
            if rng.random() < 0.15:
                query.append((name, rng.choice(["0", "1", "5", "5.0", "-1", "abc", "inf", "2.5", ""])))
        if rng.random() < 0.4:
            query.append(("language", rng.choice(["de", "en", "fr", "es", "zz", "de-DE", "DE"])))
        if rng.random() < 0.03:
            query.append(("trackingNumber", self.number("dhl")))  # the last value counts
        path = rng.choice(["/dhl/track/shipments", "/dhl/shipments"])
        method = "GET" if rng.random() < 0.97 else rng.choice(["HEAD", "OPTIONS"])
        await self.pair.both(method, path, urlencode(query), headers)

    async def fedex(self) -> None:
        rng = self.rng
        headers = self.bearer("fedex")
        headers["content-type"] = "application/json"
        if rng.random() < 0.3:
            headers["x-locale"] = rng.choice(["de_DE", "en_US", "fr_CA", "zz_ZZ", "ja_JP"])
        if rng.random() < 0.3:
            headers["x-customer-transaction-id"] = rng.choice(["ct-1", "ÿ", ""])
        r = rng.random()
        if r < 0.85:
            infos: list[Any] = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                number: Any = self.number("fedex")
                if rng.random() < 0.03:
                    number = rng.choice([123456789012, None, True, ["x"]])
                info: dict[str, Any] = {"trackingNumber": number}
                if rng.random() < 0.05:
                    info["carrierCode"] = rng.choice(["FDXE", "FDXG", "XXXX"])
                infos.append({"trackingNumberInfo": info})
            payload: dict[str, Any] = {"trackingInfo": infos}
            if rng.random() < 0.95:
                payload["includeDetailedScans"] = rng.choice([True, False, True, "yes"])
            body = json.dumps(payload).encode()
        elif r < 0.9:
            body = json.dumps(
                {
                    "includeDetailedScans": True,
                    "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": "1"}}] * 31,
                }
            ).encode()
        else:
            body = rng.choice(
                [b"", b"{", b"[]", b"null", b'{"trackingInfo": []}', b"\xff\xfe", b'{"a": NaN}']
            )
        await self.pair.both("POST", "/fedex/track/v1/trackingnumbers", headers=headers, body=body)

    async def usps(self) -> None:
        rng = self.rng
        headers = self.bearer("usps")
        query: dict[str, str] = {}
        if rng.random() < 0.6:
            query["expand"] = rng.choice(["DETAIL", "SUMMARY", "detail", " Detail ", "", "ALL"])
        if rng.random() < 0.1:
            query["destinationZIPCode"] = rng.choice(["60614", "6061", "abcde"])
        if rng.random() < 0.1:
            query["mailingDate"] = rng.choice(["2026-11-02", "2026-13-01", "yesterday"])
        number = self.number("usps")
        if rng.random() < 0.05:
            number = " ".join([number[:4], number[4:]])
        await self.pair.both("GET", f"/usps/tracking/v3/tracking/{number}", urlencode(query), headers)

    async def amazon(self) -> None:
        rng = self.rng
        r = rng.random()
        token = self.tokens["amazon"]
        headers = {} if r < 0.05 else {"x-amz-access-token": token if r < 0.9 else "Atza|nope"}
        if rng.random() < 0.1:
            headers["x-amzn-shipping-business-id"] = rng.choice(["AmazonShipping_US", "Nope"])
        query: dict[str, str] = {}
        if rng.random() < 0.95:
            query["trackingId"] = self.number("amazon")
        if rng.random() < 0.95:
            query["carrierId"] = rng.choice(["AMZN_US", "AMZN_US", "AMZN_UK", "UPS", ""])
        await self.pair.both("GET", "/amazon/shipping/v2/tracking", urlencode(query), headers)

    async def hermes_token(self) -> None:
        status, _, body = await self.pair.both(
            "POST",
            "/hermes/authorization-facade/oauth2/access_token",
            headers={"content-type": FORM},
            body=b"grant_type=password&username=u&password=p&client_id=id&client_secret=secret",
            compare=_jwt_signature,
        )
        assert status == 200, body
        self.tokens["hermes"] = json.loads(body)["access_token"]
        self.numbers["hermes"] = numbers_of(self.pair.sandboxes[0], "hermes")

    async def hermes(self) -> None:
        rng = self.rng
        headers = self.bearer("hermes")
        if rng.random() < 0.2:
            headers["accept"] = rng.choice(["application/json", "text/xml", "*/*", "application/json;q=0"])
        if rng.random() < 0.3:
            headers["accept-language"] = rng.choice(["de-DE", "en", "fr", "de;q=0.5, en;q=0.9"])
        query: list[tuple[str, str]] = []
        r = rng.random()
        if r < 0.85:
            for _ in range(rng.choice([1, 1, 2, 3])):
                query.append(("shipmentID", self.number("hermes")))
        elif r < 0.9:
            query.append(("shipmentID", ",".join(self.number("hermes") for _ in range(2))))
        elif r < 0.95:
            query += [("clientID", "1234"), ("clientReference", "ref")]
        else:
            query.append(("shipmentID", ""))
        await self.pair.both("GET", "/hermes/services/hsi/shipmentinfo", urlencode(query), headers)

    async def burst(self, n: int) -> None:
        makers: list[Callable[[], Any]] = [self.ups, self.dhl, self.fedex, self.usps, self.amazon]
        for _ in range(n):
            await self.rng.choice(makers)()


FAULTS_HTTP = {"http": {"ups": {"track": {"errors": {"503": 0.3, "500": 0.1}, "token_storm": 0.02}}}}
FAULTS_HERMES = {"http": {"hermes": {"track": {"errors": {"503": 0.3}}}}}
FAULTS_SCAN = {"scan": {"duplicate": 0.3, "missing": 0.2, "carriers": ["dhl"]}}


def control_body(body: bytes) -> Any:
    """What two sandboxes agree on in a control answer: the clock's instant, not how far each
    engine worker has run ahead (its progress is timing)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    return doc.get("now") if isinstance(doc, dict) and "now" in doc else doc


async def scenario_run(per_phase: int, pair: Pair | None = None) -> Pair:
    pair = pair or make_pair()
    traffic = Traffic(pair, random.Random(20261207))

    async def control(method: str, path: str, payload: Any = None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"content-type": "application/json"} if payload is not None else {}
        status, _, text = await pair.both(method, path, headers=headers, body=body, compare=control_body)
        assert status < 300, text
        # A clock move under load may answer 202 before an engine has caught up; both worlds must
        # stand at the same instant before their answers are compared.
        for sandbox in pair.sandboxes:
            sandbox.sync()

    await control("POST", "/_sandbox/clock", {"advance": "1d"})
    await traffic.refresh()
    await traffic.burst(per_phase)  # views frozen: the cache answers repeats
    await control("POST", "/_sandbox/clock", {"advance": "20h"})  # new scans become visible
    traffic.numbers = {c: numbers_of(pair.sandboxes[0], c) for c in traffic.numbers}
    await traffic.burst(per_phase)
    await control("PUT", "/_sandbox/faults", FAULTS_HTTP)  # UPS faulted: its reads leave the lane
    await traffic.burst(per_phase)
    await control("PUT", "/_sandbox/faults", FAULTS_SCAN)  # DHL views altered: DHL leaves the lane
    await traffic.refresh()  # the storm expired the old tokens (kept ones now read "expired")
    await traffic.burst(per_phase)
    await control("PUT", "/_sandbox/faults", {})
    for sandbox in pair.sandboxes:  # a storm with no fault configured: every token expired
        sandbox.tokens.expire_all("fedex")
    await traffic.burst(per_phase // 4)
    await control("POST", "/_sandbox/reset")  # the world starts over: nothing kept may show
    await control("POST", "/_sandbox/clock", {"advance": "30h"})
    await traffic.refresh()
    await traffic.burst(per_phase)
    # The lane counted what it answered as the gateway would have.
    await pair.both("GET", "/_sandbox/metrics")
    return pair


@pytest.mark.parametrize(
    ("per_phase", "statuses"),
    [
        pytest.param(120, {200, 400, 401, 404}, marks=pytest.mark.unit, id="hundreds"),
        pytest.param(900, {200, 400, 401, 404, 500, 503}, marks=pytest.mark.slow, id="thousands"),
    ],
)
def test_the_lane_answers_what_the_routes_answer(
    per_phase: int, statuses: set[int], caplog: pytest.LogCaptureFixture
) -> None:
    pair = asyncio.run(scenario_run(per_phase))
    check_run(pair, per_phase, statuses, caplog)
    cache = pair.lane.fast_lane.cache  # type: ignore[union-attr]
    assert cache.hits > 0 and cache.misses > 0


@pytest.mark.live
def test_the_lane_in_the_protocol_answers_what_the_routes_answer(caplog: pytest.LogCaptureFixture) -> None:
    """The same traffic over two real servers: the lane answers in the HTTP protocol."""
    from tests.live import live_server

    pair = make_pair()
    with (
        live_server(pair.lane) as lane_base,
        live_server(pair.plain) as plain_base,
        httpx.Client(base_url=lane_base, timeout=60) as lane_client,
        httpx.Client(base_url=plain_base, timeout=60) as plain_client,
    ):
        pair.clients = (lane_client, plain_client)
        asyncio.run(scenario_run(60, pair))
    check_run(pair, 60, {200, 400, 401, 404}, caplog)
    # answered in the protocol, not on the ASGI way (a few may be, behind an ASGI answer)
    assert pair.counter.on_asgi < pair.counter.answered // 10, vars(pair.counter)


def check_run(pair: Pair, per_phase: int, statuses: set[int], caplog: pytest.LogCaptureFixture) -> None:
    # A handler that raises still gets an answer (the routes'), so only the log tells.
    failed = [r.getMessage() for r in caplog.records if r.name == "parcel_sandbox.fastlane"]
    assert not failed, failed[:3]
    assert pair.sent > per_phase * 5
    assert pair.counter.answered > pair.sent // 4, pair.counter.answered
    assert statuses <= set(pair.by_status), pair.by_status


@pytest.mark.unit
def test_the_lane_answers_what_the_routes_answer_for_hermes() -> None:
    data = scenario_dict("germany")
    data.update({"duration": "2d", "drain": "10d"})
    data["demand"] = {**data["demand"], "parcels_per_day": 300}

    async def run() -> Pair:
        pair = make_pair(Scenario.model_validate(data))
        traffic = Traffic(pair, random.Random(7))
        status, _, _ = await pair.both(
            "POST",
            "/_sandbox/clock",
            headers={"content-type": "application/json"},
            body=b'{"advance": "2d"}',
            compare=control_body,
        )
        assert status in (200, 202)
        for sandbox in pair.sandboxes:
            sandbox.sync()
        await traffic.hermes_token()
        assert traffic.numbers["hermes"]
        for _ in range(200):
            await traffic.hermes()
        await pair.both(
            "PUT",
            "/_sandbox/faults",
            headers={"content-type": "application/json"},
            body=json.dumps(FAULTS_HERMES).encode(),
        )
        for _ in range(40):
            await traffic.hermes()
        return pair

    pair = asyncio.run(run())
    assert pair.counter.answered > 60, pair.counter.answered
    assert {200, 400, 401} <= set(pair.by_status), pair.by_status


# --- the render cache -------------------------------------------------------------------------


@pytest.mark.unit
def test_the_render_cache_is_bounded_in_entries_and_bytes() -> None:
    cache = RenderCache(max_entries=3, max_bytes=100)
    for i in range(5):
        cache.put(i, b"x" * 10)
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) == b"x" * 10
    cache.put("big", b"y" * 90)
    assert cache.size_bytes <= 100 and cache.get("big") == b"y" * 90
    cache.put("huge", b"z" * 101)  # larger than the whole cache: never kept
    assert cache.get("huge") is None and cache.size_bytes <= 100


@pytest.mark.unit
def test_the_render_cache_keeps_the_recently_used() -> None:
    cache = RenderCache(max_entries=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"  # now the most recent
    cache.put("c", b"3")
    assert cache.get("b") is None and cache.get("a") == b"1"
    made: list[int] = []
    assert cache.render(None, lambda: made.append(1) or b"n") == b"n"
    assert cache.render(None, lambda: made.append(1) or b"n") == b"n"
    assert made == [1, 1]  # no key: rendered every time, never kept


# --- over a real server ---------------------------------------------------------------------


@pytest.mark.live
def test_the_lane_over_a_real_server_reads_bodies_and_leaves_the_rest_to_the_routes() -> None:
    """uvicorn delivers the body in its own chunks; the lane reads it, answers FedEx's valid POST,
    and hands a malformed one (the bytes it read, replayed) to the route for FedEx's 400."""
    import httpx

    from tests.live import live_server

    pair = make_pair()
    sandbox = pair.sandboxes[0]
    sandbox.clock.advance(2 * 86400)
    sandbox.sync()
    fedex = numbers_of(sandbox, "fedex")[0]
    ups = numbers_of(sandbox, "ups")[0]
    with live_server(pair.lane) as base, httpx.Client(base_url=base, timeout=30) as http:
        token = http.post(
            "/fedex/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"},
        ).json()["access_token"]
        auth = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        good = json.dumps(
            {
                "includeDetailedScans": True,
                "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": fedex}}],
            }
        ).encode()
        before = pair.counter.answered
        answers = [http.post("/fedex/track/v1/trackingnumbers", headers=auth, content=good) for _ in range(5)]
        assert pair.counter.answered == before + 5
        assert all(a.status_code == 200 for a in answers)
        # One body per request: each answer carries its own transaction id, the results are equal.
        assert len({a.json()["transactionId"] for a in answers}) == 5
        assert len({json.dumps(a.json()["output"]) for a in answers}) == 1
        assert "server" not in answers[0].headers and "date" in answers[0].headers
        bad = http.post("/fedex/track/v1/trackingnumbers", headers=auth, content=b'{"trackingInfo": [')
        assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "BAD.REQUEST.ERROR"
        assert "server" not in bad.headers  # uvicorn never names itself, on either path
        assert pair.counter.answered == before + 5
        ups_token = http.post(
            "/ups/security/v1/oauth/token", auth=("id", "secret"), data={"grant_type": "client_credentials"}
        ).json()["access_token"]
        headers = {"authorization": f"Bearer {ups_token}", "transId": "t", "transactionSrc": "s"}
        got = http.get(f"/ups/api/track/v1/details/{ups}", headers=headers)
        assert got.status_code == 200 and got.headers["transid"] == "t"
        assert pair.counter.answered == before + 6


@pytest.mark.unit
def test_a_request_past_the_head_limits_is_left_to_the_limits() -> None:
    pair = make_pair()
    headers = {f"x-filler-{i}": "x" for i in range(150)}

    async def go() -> Answer:
        return await call(pair.lane, "GET", "/dhl/track/shipments", "trackingNumber=1", headers)

    status, _, body = asyncio.run(go())
    assert status == 431 and b"header fields" in body
    assert pair.counter.answered == 0
