"""A ten-test QA file on one served world, as a team would write it with the plugin: each test
starts from a reset world (no restart), so the file runs in seconds after the server is up
(docs/pytest-plugin.md has the timing). It doubles as the client's and the plugin's test."""

from datetime import datetime, timedelta

import httpx
import pytest

from parcel_sandbox.client import SandboxError

pytestmark = pytest.mark.sandbox(scenario="qa_stories.yaml")
START = datetime.fromisoformat("2026-11-02T00:00:00-05:00")


def test_each_test_starts_at_the_scenario_start(sandbox) -> None:
    assert sandbox.clock.now == START
    assert sandbox.clock.advance("1d") == START + timedelta(days=1)


def test_the_previous_test_moved_a_clock_this_one_does_not_see(sandbox) -> None:
    assert sandbox.clock.now == START and list(sandbox.parcels()) == []  # none of its parcels


def test_cases_are_known_before_anything_ships(sandbox) -> None:
    assert set(sandbox.cases) == {"lost", "misdelivered"}
    assert sandbox.cases["lost"].tracking_number.startswith("1Z")
    with pytest.raises(KeyError, match="cases: lost, misdelivered"):
        sandbox.cases["stolen"]


def test_truth_of_an_unshipped_parcel_is_a_clear_error(sandbox) -> None:
    with pytest.raises(SandboxError) as refused:
        sandbox.truth(sandbox.cases["lost"].tracking_number)
    assert refused.value.status == 404


def test_parcels_filter_by_carrier_and_fate(sandbox) -> None:
    sandbox.clock.advance("12d")
    fedex = list(sandbox.parcels(carrier="fedex"))
    assert fedex and all(p.carrier == "fedex" for p in fedex)
    assert [p.case for p in sandbox.parcels(fate="misdelivered") if p.case] == ["misdelivered"]


def test_truths_stream_every_late_parcel(sandbox) -> None:
    sandbox.clock.advance("12d")
    late = list(sandbox.truths(late=True, final=True))
    assert late and all(t.late and t.final for t in late)
    assert sandbox.cases["lost"].tracking_number in {t.tracking_number for t in late}


def test_base_url_reaches_the_carrier(sandbox) -> None:
    sandbox.clock.advance("1d")
    form = {"grant_type": "client_credentials"}
    answer = httpx.post(f"{sandbox.base_url('ups')}/security/v1/oauth/token", auth=("a", "b"), data=form)
    assert answer.status_code == 200 and answer.json()["access_token"]


def test_webhooks_subscribe_and_unsubscribe(sandbox) -> None:
    made = sandbox.webhooks.subscribe("http://127.0.0.1:9/hook", "s3cret", carriers=["ups"])
    assert [s["id"] for s in sandbox.webhooks.list()] == [made["id"]]
    sandbox.webhooks.unsubscribe(made["id"])
    assert sandbox.webhooks.list() == []


def test_statuses_name_the_vocabulary(sandbox) -> None:
    vocab = sandbox.statuses()
    assert "lost" in [s["status"] for s in vocab["statuses"]]
    assert vocab["carriers"]["ups"]["011"] == ["delivered"]


def test_a_refused_clock_move_says_why(sandbox) -> None:
    with pytest.raises(SandboxError, match="advance"):
        sandbox.clock.advance("-1d")
