"""Issue 13's QA test with the plugin: lost and misdelivered, through UPS's API and the truth."""

import httpx
import pytest

pytestmark = pytest.mark.sandbox(scenario="qa_stories.yaml", mode=["serve", "replay"])


def ups_status(sandbox, number: str) -> str:
    base, form = sandbox.base_url("ups"), {"grant_type": "client_credentials"}
    token = httpx.post(f"{base}/security/v1/oauth/token", auth=("id", "s"), data=form).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "transId": "qa-1", "transactionSrc": "qa"}
    body = httpx.get(f"{base}/api/track/v1/details/{number}", headers=headers).json()
    return body["trackResponse"]["shipment"][0]["package"][0]["currentStatus"]["description"]


def test_the_lost_parcel(sandbox) -> None:
    number = sandbox.cases["lost"].tracking_number
    sandbox.clock.advance("12d")
    truth = sandbox.truth(number)
    assert truth.final and truth.fate == "lost" and truth.lost_at is not None
    assert ups_status(sandbox, number) != "Delivered"


def test_the_misdelivered_parcel(sandbox) -> None:
    number = sandbox.cases["misdelivered"].tracking_number
    sandbox.clock.advance("12d")
    truth = sandbox.truth(number)
    assert truth.fate == "misdelivered" and truth.delivered_to.address != truth.destination.address
    assert ups_status(sandbox, number) == "Delivered"  # the carrier believes it delivered
