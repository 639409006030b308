"""bench/workers_bench.py: the ceiling a load generator sharing the cores puts on ``--workers 2``,
and the wrk scripts of its two loads (plain and pipelined)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import workers_bench
from bench.http_wrk import Target, lua_script
from bench.workers_bench import load_ceiling, summarise

pytestmark = pytest.mark.unit

TARGET = Target("ups", "GET", "/track/v1/details/1Z", {"transId": "t"}, b"", "application/json", b"{}")


def test_the_ceiling_is_what_the_cores_serve_when_wrk_and_the_sandbox_share_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers_bench, "CPUS", 2)
    # one worker at 32,000 req/s; two workers cost 31.5 µs a request, wrk 14.5 µs:
    # two cores serve at most 2e6 / 46 = 43,478 req/s → 1.359 of one worker
    assert load_ceiling(32_000, 14.5, 31.5) == pytest.approx(1.359, abs=0.001)
    # a load generator that costs nothing leaves the whole machine to the sandbox
    assert load_ceiling(32_000, 1e-9, 31.25) == pytest.approx(2.0, abs=0.001)
    assert load_ceiling(0, 14.5, 31.5) is None
    assert load_ceiling(32_000, None, 31.5) is None


def test_a_pipelined_script_sends_its_depth_of_requests_per_write(tmp_path: Path) -> None:
    plain = lua_script(TARGET, tmp_path).read_text()
    piped_path = lua_script(TARGET, tmp_path, pipeline=8)
    piped = piped_path.read_text()
    assert piped_path.name == "ups-p8.lua"
    assert "request = function" not in plain and "done = function" in plain
    assert "for i = 1, 8 do batch[i] = wrk.format() end" in piped
    assert "request = function() return pipelined end" in piped
    assert 'wrk.headers["transId"] = "t"' in piped and "done = function" in piped


def test_the_summary_gives_each_load_its_ratio_and_the_plain_loads_ceiling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers_bench, "CPUS", 2)

    def run(rps: float, server: float, load: float) -> dict[str, float | int]:
        return {
            "rps": rps,
            "p50_ms": 1.0,
            "p99_ms": 3.0,
            "cpu_us_per_req": server,
            "load_cpu_us_per_req": load,
            "errors": 0,
        }

    runs = {}
    for route in workers_bench.ROUTES:
        runs[("plain", route, "embedded")] = [run(31_000, 32.0, 14.0)]
        runs[("plain", route, "workers1")] = [
            run(32_000, 32.0, 14.0),
            run(30_000, 33.0, 15.0),
            run(31_000, 1, 1),
        ]
        runs[("plain", route, "workers2")] = [run(43_000, 31.5, 14.5)]
        runs[("pipelined", route, "workers1")] = [run(33_000, 30.0, 3.0)]
        runs[("pipelined", route, "workers2")] = [run(55_000, 26.5, 3.5)]
    out = summarise(runs)
    ups = out["plain"]["ups"]
    assert ups["workers1"]["rps_median"] == 31_000
    assert ups["workers2_vs_workers1"] == pytest.approx(43_000 / 31_000, abs=0.001)
    assert ups["load_generator_ceiling"] == pytest.approx(2e6 / 46 / 31_000, abs=0.001)
    assert ups["share_of_ceiling"] == pytest.approx((43_000 / 31_000) / (2e6 / 46 / 31_000), abs=0.002)
    assert out["pipelined"]["dhl"]["workers2_vs_workers1"] == pytest.approx(55_000 / 33_000, abs=0.001)
    assert out["pipelined"]["dhl"]["embedded"]["rps_median"] is None  # not run: no figure, no crash
