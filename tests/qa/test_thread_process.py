"""The plugin's in-process server: the same sandbox on a thread, live and replayed."""

import pytest

pytestmark = pytest.mark.sandbox(scenario="qa_stories.yaml", mode=["serve", "replay"], process="thread")


def test_a_thread_served_sandbox_tells_the_same_story(sandbox) -> None:
    number = sandbox.cases["misdelivered"].tracking_number
    start = sandbox.clock.now
    assert (sandbox.clock.advance("12d") - start).days == 12
    truth = sandbox.truth(number)
    assert truth.final and truth.fate == "misdelivered"
    assert sandbox.health()["scenario"] == "qa_stories"
