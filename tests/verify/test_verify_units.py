"""verify's pure parts: the JSON paths, the word mapping, each scoring rule on hand-made
histories, the thresholds, and the command's refusals (exit 2, one line)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from parcel_sandbox.verify import jsonpath
from parcel_sandbox.verify.score import Observation, ParcelRun, accuracy, eta_error, exceptions, lags, score
from parcel_sandbox.verify.settings import Thresholds, VerifySettings

H = 3600.0


def run_of(*steps: tuple[str | None, str | None], lost_at: float | None = None, **kw: object) -> ParcelRun:
    """A parcel observed once an hour: (carrier showed, tracker said) per step."""
    obs = [
        Observation(t=i * H, carrier=c, tracker=t, lost=lost_at is not None and i * H >= lost_at)
        for i, (c, t) in enumerate(steps)
    ]
    return ParcelRun("N1", "ups", None, lost_at=lost_at, observations=obs, **kw)  # type: ignore[arg-type]


@pytest.mark.unit
def test_json_paths() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}]}, "x-y": "z"}
    assert jsonpath.get(doc, "$.a.b[1].c") == 2
    assert jsonpath.get(doc, "$.a.b[-1].c") == 2
    assert jsonpath.get(doc, "$['x-y']") == "z"
    assert jsonpath.get(doc, "$.a.b[5]") is None and jsonpath.get(doc, "$.nope.c") is None
    assert jsonpath.get(doc, "$") == doc
    for bad in ("status", "$.a[*]", "$..a"):
        with pytest.raises(jsonpath.PathError):
            jsonpath.compile_path(bad)


@pytest.mark.unit
def test_words_map_onto_the_canonical_vocabulary() -> None:
    s = VerifySettings(sandbox="x", tracker="y", status_map={"Zugestellt": "delivered", "delivered": None})
    assert s.word("Zugestellt") == (True, "delivered")
    assert s.word("delivered") == (True, None)  # the user's mapping wins over the default
    assert s.word("lost_suspected") == (True, "lost")
    assert s.word("pending") == (True, None)
    assert s.word("Unterwegs") == (False, None)


@pytest.mark.unit
def test_accuracy_counts_answers_where_the_carrier_shows_something() -> None:
    p = run_of(
        (None, None), ("in_transit", "in_transit"), ("delivered", "in_transit"), ("delivered", "delivered")
    )
    got = accuracy([p])
    assert (got["answers"], got["right"], got["accuracy"]) == (3, 2, 0.6667)
    assert got["wrong"] == {"delivered": {"in_transit": 1}}


@pytest.mark.unit
def test_lost_is_right_once_the_parcel_is_really_lost() -> None:
    p = run_of(("in_transit", "in_transit"), ("in_transit", "lost"), ("in_transit", "lost"), lost_at=1 * H)
    assert accuracy([p])["accuracy"] == 1.0
    early = run_of(("in_transit", "lost"), ("in_transit", "lost"), lost_at=1 * H)
    assert accuracy([early])["right"] == 1  # calling it lost before it was is wrong


@pytest.mark.unit
def test_lag_is_measured_from_the_carriers_change_to_the_trackers() -> None:
    p = run_of(
        ("in_transit", "in_transit"),
        ("out_for_delivery", "in_transit"),
        ("out_for_delivery", "in_transit"),
        ("out_for_delivery", "out_for_delivery"),
        ("delivered", "out_for_delivery"),
    )
    got = lags([p])
    assert (got["changes"], got["never"], got["p50_hours"], got["max_hours"]) == (2, 1, 2.0, 2.0)


@pytest.mark.unit
def test_exceptions_caught_and_how_late() -> None:
    delayed = run_of(("in_transit", "in_transit"), ("delayed", "in_transit"), ("delayed", "delayed"))
    missed = run_of(("failed_attempt", "in_transit"), ("out_for_delivery", "out_for_delivery"))
    got = exceptions([delayed, missed])
    assert (got["delayed"]["seen"], got["delayed"]["caught"], got["delayed"]["median_late_hours"]) == (
        1,
        1,
        1.0,
    )
    assert (got["failed_attempt"]["seen"], got["failed_attempt"]["caught"]) == (1, 0)
    assert got["failed_attempt"]["missed"] == ["N1"]
    assert got["exception"]["seen"] == 0 and got["exception"]["share"] is None


@pytest.mark.unit
def test_a_lost_parcel_counts_only_after_the_trackers_silence_window() -> None:
    steps = [("in_transit", "in_transit")] * 4 + [("in_transit", "lost")]
    p = run_of(*steps, lost_at=0.0, fate="lost")
    assert exceptions([p], lost_after_s=3 * H)["lost"] == {
        "seen": 1,
        "caught": 1,
        "share": 1.0,
        "median_late_hours": 4.0,
        "max_late_hours": 4.0,
        "missed": [],
    }
    assert exceptions([p], lost_after_s=10 * H)["lost"]["seen"] == 0  # the run ended too soon to judge


@pytest.mark.unit
def test_eta_error_against_the_true_delivery_day() -> None:
    p = run_of(("in_transit", "in_transit"), ("in_transit", "in_transit"), ("delivered", "delivered"))
    p.delivered_day = "2026-11-05"
    p.observations[0].eta, p.observations[0].carrier_eta = "2026-11-04", "2026-11-05"
    p.observations[1].eta, p.observations[1].carrier_eta = "2026-11-05", "2026-11-05"
    got = eta_error([p])
    assert got == {"answers": 2, "mean_abs_days": 0.5, "exact_share": 0.5, "carrier_mean_abs_days": 0.0}


@pytest.mark.unit
def test_thresholds_decide_pass_or_fail_and_say_why() -> None:
    good = run_of(("in_transit", "in_transit"), ("delayed", "delayed"))
    assert score([good], Thresholds())["passed"]
    bad = run_of(("in_transit", "in_transit"), ("delayed", "in_transit"), ("delayed", "in_transit"))
    result = score([bad], Thresholds(min_accuracy=0.9))
    assert not result["passed"]
    assert any(f.startswith("status accuracy 33.3% is below 90%") for f in result["findings"])
    assert any(f.startswith("delayed: caught 0 of 1") for f in result["findings"])
    lenient = score([bad], Thresholds(min_accuracy=0.3, max_lag_p90_hours=1e9, min_caught=0.0))
    assert [f for f in lenient["findings"] if "accuracy" in f or "caught" in f] == []


@pytest.mark.live
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--sandbox", "http://127.0.0.1:9"], "give --tracker URL_TEMPLATE or --adapter"),
        (
            ["--sandbox", "http://127.0.0.1:9", "--tracker", "http://t/{carrier}"],
            "needs {carrier} and {tracking_number}",
        ),
        (
            [
                "--sandbox",
                "x",
                "--tracker",
                "http://t/{carrier}/{tracking_number}",
                "--status-path",
                "status",
            ],
            "--status-path",
        ),
        (
            ["--sandbox", "x", "--tracker", "http://t/{carrier}/{tracking_number}", "--map", "a=arrived"],
            "--map",
        ),
        (["--sandbox", "x", "--tracker", "http://t/{carrier}/{tracking_number}", "--step", "soon"], "--step"),
        (
            ["--sandbox", "x", "--tracker", "http://t/{carrier}/{tracking_number}", "--min-accuracy", "2"],
            "--min-accuracy",
        ),
        (
            ["--sandbox", "http://127.0.0.1:9", "--tracker", "http://t/{carrier}/{tracking_number}"],
            "cannot reach it",
        ),
    ],
)
def test_the_command_refuses_mistakes_in_one_line(args: list[str], says: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "verify", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
