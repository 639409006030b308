"""Mutated SOAP requests against the DPD mock: whatever arrives, the answer is a SOAP envelope — a
result, a client fault (400) or one of DPD's typed service faults (500 with a detail) — never a
crash (a 500 without detail) and never a traceback; and every payload validates against DPD's
vendored XSDs (DPD is SOAP: its schemas are the response-schema check). Seeded mutations, so a
failure replays; 300 requests by default, 6000 with ``PARCEL_SANDBOX_FUZZ=long`` (``make fuzz``)."""

from __future__ import annotations

import os
import random
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers.dpd import create_carrier_app
from tests.carriers.client_dpd import (
    LOGIN_PATH,
    PLC_PATH,
    SOAP_NS,
    DpdClient,
    auth_header,
    envelope,
    validate,
)
from tests.carriers.dpd_world import NUMBERS, make_ctx

pytestmark = pytest.mark.fuzz
COUNT = 6000 if os.environ.get("PARCEL_SANDBOX_FUZZ") == "long" else 300

FRAGMENTS = [
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"&a;",
    b"<![CDATA[x]]>",
    b"<?pi x?>",
    b"<!-- c -->",
    b"\x00",
    b"\xff",
    b"</soapenv:Body>",
    b"<soapenv:Body>",
    b'xmlns:ns="urn:x"',
    b"<parcelLabelNumber>01405400945058</parcelLabelNumber>",
    b"<delisId/>",
    "ü€𝄞".encode(),
    b"<a>" * 50,
]


def _mutate(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[at:at] = rng.choice(FRAGMENTS)
        elif op == 2 and data:
            del data[at : at + rng.randint(1, 40)]
        elif op == 3:
            data = data[:at]
        else:
            start = rng.randrange(len(data) + 1)
            data[at:at] = data[start : start + rng.randint(1, 60)]
    return bytes(data)


def test_mutated_requests_never_crash_the_dpd_mock() -> None:
    http = TestClient(create_carrier_app(make_ctx()), raise_server_exceptions=False)
    client = DpdClient(http, "http://testserver")
    token = client.authenticate()
    seeds = [
        (
            LOGIN_PATH,
            envelope("<log:getAuth><delisId>a</delisId><password>b</password></log:getAuth>").encode(),
        ),
        (
            PLC_PATH,
            envelope(
                f"<plc:getTrackingData><parcelLabelNumber>{NUMBERS['delivered']}</parcelLabelNumber></plc:getTrackingData>",
                auth_header("sandbox01", token),
            ).encode(),
        ),
        (PLC_PATH, envelope("<plc:getParcelLabelNumberForWebNumber><webNumber>1</webNumber>", "").encode()),
    ]
    rng = random.Random(20261104)
    statuses: set[int] = set()
    validated = 0
    for i in range(COUNT):
        path, seed = seeds[i % len(seeds)]
        body = _mutate(rng, seed)
        r = http.post(path, content=body, headers={"Content-Type": "text/xml"})
        statuses.add(r.status_code)
        assert r.status_code in (200, 400, 413, 500), (body, r.status_code)
        assert "Traceback" not in r.text
        root = ET.fromstring(r.content)
        assert root.tag == f"{{{SOAP_NS}}}Envelope", body
        fault = root.find(f"{{{SOAP_NS}}}Body/{{{SOAP_NS}}}Fault")
        if r.status_code == 500:  # only DPD's typed faults, never "Server was unable to process"
            assert fault is not None and fault.find("detail") is not None, (body, r.text)
        if r.status_code == 400:
            assert fault is not None and fault.findtext("faultcode") in (
                "soap:Client",
                "soap:VersionMismatch",
            )
        # Every answer's payload (a result, or a typed fault's detail) against DPD's own XSDs, less
        # the one deviation FIDELITY.md records (client_dpd.schema: ShipmentInfo label/description).
        validate(r)
        validated += 1
    assert {200, 400} <= statuses
    assert validated == COUNT
