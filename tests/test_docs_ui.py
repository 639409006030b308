"""Swagger UI comes from the installed package: ``/docs`` and every carrier's ``/_docs`` reference only
local URLs, and those URLs serve (issue 9: the page loaded from a CDN and was blank offline)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from mock_carriers.app import create_app
from mock_carriers.http.docs_ui import STATIC_DIR
from sim.events import CARRIERS
from tests.conftest import small_scenario
from tests.live import live_server

pytestmark = pytest.mark.live


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


def references(html: str) -> list[str]:
    """Every URL the page loads: src/href attributes and the OpenAPI url in its script."""
    parser = _Refs()
    parser.feed(html)
    return parser.refs + re.findall(r"url: '([^']+)'", html)


def test_every_docs_page_loads_only_from_the_sandbox() -> None:
    app = create_app(small_scenario(duration="1d", demand={"parcels_per_day": 10}))
    pages = ["/docs", *(f"/{c}/_docs" for c in CARRIERS)]
    with live_server(app) as base, httpx.Client(timeout=30) as http:
        for page in pages:
            r = http.get(base + page)
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), page
            assert "cdn" not in r.text.lower() and "unpkg" not in r.text.lower()
            refs = references(r.text)
            assert {urlsplit(u).path.rsplit("/", 1)[-1] for u in refs} >= {
                "swagger-ui-bundle.js",
                "swagger-ui.css",
                "favicon-32x32.png",
            }, (page, refs)
            for ref in refs:
                url = urljoin(base + page, ref)
                assert urlsplit(url).netloc == urlsplit(base).netloc, (page, ref)
                asset = http.get(url)
                assert asset.status_code == 200, (page, ref)
                name = urlsplit(url).path.rsplit("/", 1)[-1]
                if name.endswith(".js"):
                    assert asset.headers["content-type"].startswith("text/javascript")
                    assert asset.content == (STATIC_DIR / name).read_bytes()
                elif name.endswith(".css"):
                    assert asset.headers["content-type"].startswith("text/css")
                elif name.endswith(".json"):
                    assert asset.json()["openapi"].startswith("3.")
        # Only the listed assets: no file path from the request is ever served.
        for probe in ("/docs/assets/LICENSE", "/docs/assets/..%2F..%2Fapp.py", "/ups/_docs/assets/NOTICE"):
            assert http.get(base + probe).status_code == 404, probe


def test_the_validator_badge_is_off() -> None:
    # Swagger UI would otherwise fetch a badge from validator.swagger.io.
    app = create_app(small_scenario(duration="1d", demand={"parcels_per_day": 10}))
    with live_server(app) as base:
        html = httpx.get(f"{base}/docs").text
    assert '"validatorUrl": null' in html
