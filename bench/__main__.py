"""`make bench`: simulation throughput vs bare SimPy, a national network's day (1 M parcels), HTTP
throughput vs a static server, and scenario loading on hostile files vs libyaml's own scan.

    python -m bench [sim] [day] [http] [wrk] [loader] [pump]   # one or more; all by default
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.http_bench import run_http_bench
from bench.loader_bench import run_loader_bench
from bench.sim_bench import DAY_SCENARIO, in_subprocess

console = Console()


def main() -> int:
    only = set(sys.argv[1:]) or {"sim", "day", "http", "wrk", "loader", "pump"}
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    if "sim" in only:
        with console.status("simulation: baseline ×10, one week"):
            week = in_subprocess("run_world", 10.0, 7)
        with console.status("bare SimPy, same number of events"):
            bare = in_subprocess("run_bare_simpy", week["events"])
        results["sim"] = {
            "week": week,
            "bare_simpy": bare,
            "event_rate_ratio": round(week["events_per_s"] / bare["events_per_s"], 3),
            # the same ratio in CPU seconds: on a shared box the two runs get different shares of a core
            "event_rate_ratio_cpu": round(week["events_per_cpu_s"] / bare["events_per_cpu_s"], 3),
        }
        t = Table(title="simulation (baseline ×10, one week)")
        for col in ("run", "parcels", "events", "seconds", "parcels/s", "events/s", "peak RSS MB"):
            t.add_column(col, justify="right")
        t.add_row(
            "parcel-sandbox",
            f"{week['parcels']:,}",
            f"{week['events']:,}",
            str(week["seconds"]),
            f"{week['parcels_per_s']:,}",
            f"{week['events_per_s']:,}",
            str(week["peak_rss_mb"]),
        )
        t.add_row(
            "bare SimPy",
            "—",
            f"{bare['events']:,}",
            str(bare["seconds"]),
            "—",
            f"{bare['events_per_s']:,}",
            str(bare["peak_rss_mb"]),
        )
        console.print(t)
        console.print(
            f"event rate vs bare SimPy: [bold]{results['sim']['event_rate_ratio']}[/] (goal ≥ 0.3; "
            f"in CPU seconds {results['sim']['event_rate_ratio_cpu']}); "
            f"RSS with 25 / 50 / 100 % of parcels finished: {week['rss_mb_at_25pct_finished']} / "
            f"{week['rss_mb_at_50pct_finished']} / {week['rss_mb_at_100pct_finished']} MB"
        )
    if "day" in only:
        with console.status(f"a national day: {DAY_SCENARIO.name} (1 M parcels, minutes)"):
            day = in_subprocess("run_day", 1.0)
        results["day"] = day
        t = Table(title="a national network's day (bench/scenarios/national_day.yaml)")
        for col in ("parcels", "events", "CPU s", "wall s", "parcels/CPU s", "RSS MB at 25 / 50 / 100 %"):
            t.add_column(col, justify="right")
        t.add_row(
            f"{day['parcels']:,}",
            f"{day['events']:,}",
            str(day["cpu_s"]),
            str(day["wall_s"]),
            f"{day['parcels_per_cpu_s']:,}",
            f"{day['rss_mb_at_25pct_finished']} / {day['rss_mb_at_50pct_finished']} / "
            f"{day['rss_mb_at_100pct_finished']}",
        )
        console.print(t)
        console.print(f"a 1 M-parcel day in [bold]{day['cpu_s']} CPU s[/] (goal < 300 s on one core)")
    if "http" in only:
        with console.status("HTTP: UPS tracking route vs static server, 64 connections"):
            http = run_http_bench()
        results["http"] = http
        t = Table(title=f"{http['route']} at {http['connections']} connections ({http['body_bytes']} B body)")
        for col in ("server", "requests/s", "p50 ms", "p99 ms", "errors"):
            t.add_column(col, justify="right")
        for name in ("sandbox", "static"):
            r = http[name]
            t.add_row(name, f"{r['rps']:,}", str(r["p50_ms"]), str(r["p99_ms"]), str(r["errors"]))
        console.print(t)
        console.print(f"sandbox / static ceiling: [bold]{http['ratio']}[/] (goal ≥ 0.25, p99 < 50 ms)")
    if "wrk" in only:
        from bench.http_wrk import run_wrk_bench

        with console.status("wrk: UPS, DHL, FedEx tracking vs nginx, same core, interleaved"):
            wrk = run_wrk_bench()
        results["wrk"] = wrk
        title = f"wrk, {wrk['connections']} connections, {wrk['rounds']} interleaved rounds (medians)"
        t = Table(title=title)
        cols = ("route", "server", "requests/s", "p50 ms", "p99 ms", "× nginx")
        cols += ("CPU µs/req", "CPU × nginx", "errors")
        for col in cols:
            t.add_column(col, justify="right")
        for name, route in wrk["routes"].items():
            for label in [k for k in route if isinstance(route[k], dict)]:
                r = route[label]
                t.add_row(
                    f"{route['method']} {name}",
                    label,
                    f"{r['rps_median']:,}",
                    str(r["p50_ms_median"]),
                    str(r["p99_ms_median"]),
                    str(r["ratio_to_nginx"]),
                    str(r["cpu_us_per_req_median"]),
                    str(r["cpu_ratio_to_nginx"]),
                    str(r["errors"]),
                )
        console.print(t)
        console.print("goal: UPS and DHL ≥ 0.25 × nginx with p99 < 25 ms; FedEx ≥ 0.15 × nginx")
    if "workers" in only:  # not in the default set: `python -m bench workers` (needs redis-server)
        from bench.workers_bench import run_workers_bench

        with console.status("wrk: --workers 2 vs --workers 1 on Redis (and the embedded sandbox)"):
            results["workers"] = run_workers_bench()
        console.print_json(data=results["workers"])
    if "jump" in only:  # not in the default set: `python -m bench jump`
        from bench.http_wrk import run_jump_bench

        with console.status("UPS tracking while a 7-day clock jump runs"):
            jump = run_jump_bench()
        results["jump"] = jump
        console.print_json(data=jump)
    if "loader" in only:
        with console.status("scenario loading: hostile files up to 1 MiB"):
            loader = run_loader_bench()
        results["loader"] = loader
        t = Table(title="scenario loading (best of 3)")
        for col in ("file", "bytes", "outcome", "load s", "libyaml scan s", "ratio"):
            t.add_column(col, justify="right" if col != "outcome" else "left")
        for r in loader["shapes"]:
            scan = "refused" if r["libyaml_scan_s"] is None else str(r["libyaml_scan_s"])
            t.add_row(
                r["shape"], f"{r['bytes']:,}", r["outcome"], str(r["load_s"]), scan, str(r["ratio"] or "—")
            )
        console.print(t)
        console.print(
            f"slowest load: [bold]{loader['worst_load_s']} s[/] (goal < 1 s for any file up to 1 MB); "
            f"the baseline read as before (pure-Python PyYAML): {loader['baseline_before_s']} s"
        )
    if "limits" in only:  # not in the default set: `python -m bench limits`
        from bench.limits_bench import run_limits_bench

        with console.status("request limits and control guard: per-request cost, in-process"):
            limits = run_limits_bench()
        results["limits"] = limits
        t = Table(title="RequestLimits + ControlGuard, per request (in-process)")
        for col in ("route", "with µs", "without µs", "without / with"):
            t.add_column(col, justify="right")
        for name, r in limits.items():
            t.add_row(name, str(r["with_us"]), str(r["without_us"]), str(r["ratio"]))
        console.print(t)
    if "pump" in only:
        from bench import lane_tail, pump_bench

        with console.status("the API process during advance 7d (default collector, then serve's)"):
            pump = [pump_bench.run(7.0, settle=False), pump_bench.run(7.0, settle=True)]
        with console.status("the hot reads' CPU per request, in-process"):
            tail = lane_tail.run()
        results["pump"] = {"advance_7d": pump, "lane_tail": tail}
        t = Table(title="the API process while the clock moves 7 days (CPU, and a 1 ms probe's lateness)")
        for col in ("collector", "events", "API CPU s / 1k events", "pump", "probe max ms", "p99.9", "gen2"):
            t.add_column(col, justify="right")
        for r in pump:
            probe, gc2 = r["gil_probe"], r["gc_pauses"]["gen2"]
            t.add_row(
                r["collector"],
                f"{r['events']:,}",
                str(r["api_cpu_s_per_1000_events"]),
                str(r["pump_cpu_s_per_1000_events"]),
                str(probe["max_ms"]),
                str(probe["p999_ms"]),
                f"{gc2['n']} (max {gc2['max_cpu_ms']} ms CPU)",
            )
        console.print(t)
        for row in tail:
            cpu = {k: v["cpu"] for k, v in row.items() if isinstance(v, dict)}
            console.print(f"lane CPU per request, collector {row['collector']}: {cpu}")
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    console.print("wrote bench/results/latest.json — record the figures in docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
