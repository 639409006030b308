"""Only the owner's tools drive the control plane: browser cross-origin requests and DNS-rebound
Hosts are refused, a control token is required when set, and non-browser clients keep working
(issue 9: a cross-origin POST /_sandbox/reset from any web page succeeded)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.http.guard import ControlGuard, split_host
from mock_carriers.serve import ALLOW_HOST_ENV, TOKEN_ENV
from tests.conftest import small_scenario
from tests.live import live_server
from tests.problems import assert_problem
from tests.served_process import sandbox_process, small_world


def tiny_app(**kwargs: object):
    return create_app(small_scenario(duration="1d", demand={"parcels_per_day": 20}), **kwargs)


@pytest.fixture(params=["in-process", "live"])
def http(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, str]]:
    app = tiny_app()
    if request.param == "in-process":
        with TestClient(app) as client:
            yield client, "http://testserver"
    else:
        with live_server(app) as base, httpx.Client(timeout=30) as client:
            yield client, base


def moved(client: httpx.Client, base: str) -> str:
    return str(client.get(f"{base}/_sandbox/clock").json()["now"])


@pytest.mark.live
def test_a_cross_origin_reset_is_refused(http: tuple[httpx.Client, str]) -> None:
    client, base = http
    assert client.post(f"{base}/_sandbox/clock", json={"advance": "6h"}).status_code == 200
    before = moved(client, base)
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost:3000"},  # another local app is another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": base},
    ):
        r = client.post(f"{base}/_sandbox/reset", headers=headers)
        detail = assert_problem(r, 403)
        assert "cannot change the sandbox" in detail
        assert "access-control-allow-origin" not in r.headers
    for method, path, body in (
        ("PUT", "/_sandbox/faults", {}),
        ("POST", "/_sandbox/clock", {"advance": "1d"}),
        ("POST", "/_sandbox/webhooks", {"url": "http://127.0.0.1:9/", "secret": "s"}),
        ("POST", "/_sandbox/faults/token-storm", {}),
    ):
        r = client.request(method, f"{base}{path}", json=body, headers={"Origin": "https://evil.example"})
        assert_problem(r, 403)
    assert moved(client, base) == before
    # The sandbox's own pages (same origin), and every client without Origin, still may.
    same = client.post(f"{base}/_sandbox/clock", json={"advance": "1h"}, headers={"Origin": base})
    assert same.status_code == 200
    assert client.post(f"{base}/_sandbox/reset").status_code == 200


@pytest.mark.live
def test_reads_are_allowed_cross_origin_but_never_shared(http: tuple[httpx.Client, str]) -> None:
    client, base = http
    r = client.get(f"{base}/_sandbox/health", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    preflight = client.options(
        f"{base}/_sandbox/reset",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code >= 400 and "access-control-allow-origin" not in preflight.headers


@pytest.mark.live
def test_a_dns_rebound_host_is_refused(http: tuple[httpx.Client, str]) -> None:
    client, base = http
    for host in ("evil.example", "evil.example:8000", "attacker.localhost.evil.example", "[not-a-host"):
        r = client.get(f"{base}/_sandbox/health", headers={"Host": host})
        assert_problem(r, 403)
    for host in ("localhost", "localhost:1234", "app.localhost", "127.0.0.1", "127.8.9.10:80", "[::1]:9"):
        assert client.get(f"{base}/_sandbox/health", headers={"Host": host}).status_code == 200, host
    # Carrier routes are the mocked public APIs: not guarded.
    r = client.get(
        f"{base}/dhl/track/shipments", params={"trackingNumber": "1"}, headers={"Host": "x.example"}
    )
    assert r.status_code != 403


@pytest.mark.unit
def test_allowed_hosts_are_answered() -> None:
    app = tiny_app(allow_hosts=["sandbox.internal", "ci-runner"])
    with TestClient(app) as client:
        for host in ("sandbox.internal", "SANDBOX.internal.", "ci-runner:8000"):
            assert client.get("/_sandbox/health", headers={"Host": host}).status_code == 200, host
        assert_problem(client.get("/_sandbox/health", headers={"Host": "other.internal"}), 403)
        r = client.post(
            "/_sandbox/reset", headers={"Host": "sandbox.internal", "Origin": "http://sandbox.internal"}
        )
        assert r.status_code == 200
    with TestClient(tiny_app(allow_hosts=["*"])) as client:
        assert client.get("/_sandbox/health", headers={"Host": "anything.example"}).status_code == 200


@pytest.mark.live
def test_the_control_token_is_required_when_set() -> None:
    token = "t0k3n-for-tests"
    app = tiny_app(control_token=token)
    with live_server(app) as base, httpx.Client(base_url=base) as client:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"X-Sandbox-Token": token[:-1]},
            {"Authorization": token},
        ):
            r = client.post("/_sandbox/reset", headers=headers)
            assert_problem(r, 401)
            assert r.headers["www-authenticate"].startswith("Bearer")
            assert_problem(client.get("/_sandbox/parcels", headers=headers), 401)
        assert client.post("/_sandbox/reset", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get("/_sandbox/health", headers={"X-Sandbox-Token": token}).status_code == 200
        # Carrier APIs and the docs stay open; the docs say how to authorize.
        dhl = client.get("/dhl/track/shipments", params={"trackingNumber": "1"}, headers={"DHL-API-Key": "k"})
        assert dhl.status_code == 404, dhl.text  # DHL's own "no result", not the control plane's 401
        assert client.get("/docs").status_code == 200
        spec = client.get("/openapi.json").json()
        assert "HTTPBearer" in spec["components"]["securitySchemes"]
        # Even with the token, a browser on another origin cannot use it.
        r = client.post(
            "/_sandbox/reset", headers={"Authorization": f"Bearer {token}", "Origin": "https://x.example"}
        )
        assert_problem(r, 403)


@pytest.mark.live
@pytest.mark.slow
def test_serve_reads_the_token_and_allowed_hosts_from_flags_and_environment(tmp_path: Path) -> None:
    world = small_world(tmp_path)
    env = {TOKEN_ENV: "from-env", ALLOW_HOST_ENV: "sandbox.test, other.test"}
    with sandbox_process(world, env=env) as served, httpx.Client(base_url=served.base) as client:
        assert_problem(client.get("/_sandbox/health"), 401)
        ok = {"X-Sandbox-Token": "from-env"}
        assert client.get("/_sandbox/health", headers=ok).status_code == 200
        assert client.get("/_sandbox/health", headers={**ok, "Host": "other.test"}).status_code == 200
        assert_problem(client.get("/_sandbox/health", headers={**ok, "Host": "evil.test"}), 403)
    with sandbox_process(world, env={TOKEN_ENV: "from-env"}, control_token="from-flag") as served:
        r = httpx.get(f"{served.base}/_sandbox/health", headers={"Authorization": "Bearer from-flag"})
        assert r.status_code == 200
        r = httpx.get(f"{served.base}/_sandbox/health", headers={"Authorization": "Bearer from-env"})
        assert r.status_code == 401


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("localhost:8000", ("localhost", 8000)),
        ("[::1]:9", ("::1", 9)),
        ("Example.COM.", ("example.com", None)),
        ("a@b", None),
        ("host/path", None),
        ("host:99999", None),
        ("", None),
    ],
)
def test_split_host(value: str, parsed: tuple[str, int | None] | None) -> None:
    assert split_host(value) == parsed


@pytest.mark.unit
def test_the_guard_compares_tokens_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    guard = ControlGuard(app=None, token="secret")  # type: ignore[arg-type]
    from starlette.datastructures import Headers

    assert guard._token_ok(Headers({"x-sandbox-token": "secret"}))
    assert not guard._token_ok(Headers({"authorization": "Bearer nope"}))
    assert calls == [(b"secret", b"secret"), (b"nope", b"secret")]
