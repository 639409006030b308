"""The pytest plugin's pool on its own: which servers a session needs (read from its tests'
markers), and that it starts them together rather than one after the other (the QA test's live
world and its replay's recording overlap). The servers themselves are tests/qa/'s."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from parcel_sandbox import pytest_plugin
from parcel_sandbox.pytest_plugin import SandboxPool, _session_keys, settings_of

pytestmark = pytest.mark.unit


class Item(SimpleNamespace):
    def get_closest_marker(self, name: str) -> Any:
        return self.marker if name == "sandbox" else None


def config(mode_option: str | None = None) -> Any:
    ini = {"sandbox_scenario": "baseline", "sandbox_mode": "serve"}
    return SimpleNamespace(getini=ini.__getitem__, getoption=lambda name: mode_option)


def item(marker: Any = None, param: str | None = None, cfg: Any = None, uses: bool = True) -> Item:
    callspec = SimpleNamespace(params={"sandbox": param}) if param else None
    return Item(
        marker=marker,
        config=cfg or config(),
        fspath="/qa/test_x.py",
        fixturenames=["sandbox"] if uses else [],
        callspec=callspec,
    )


def test_settings_come_from_the_marker_the_parameter_and_the_defaults() -> None:
    mark = pytest.mark.sandbox(scenario="stories.yaml", seed=3, mode=["serve", "replay"]).mark
    assert settings_of(item(mark), "replay") == (
        str(Path("/qa/stories.yaml")),
        3,
        "replay",
        False,
        "subprocess",
    )
    assert settings_of(item(), None) == ("baseline", None, "serve", False, "subprocess")
    assert settings_of(item(cfg=config("replay")), None)[2] == "replay"
    with pytest.raises(pytest.UsageError, match="unknown argument"):
        settings_of(item(pytest.mark.sandbox(scenery="x").mark), None)


def test_the_session_needs_each_server_once_in_the_order_tests_first_ask() -> None:
    mark = pytest.mark.sandbox(scenario="germany", mode=["serve", "replay"]).mark
    items = [
        item(mark, "serve"),
        item(mark, "replay"),
        item(mark, "serve"),
        item(uses=False),
        item(pytest.mark.sandbox(mode="sideways").mark),  # the test reports its own UsageError
        item(),
    ]
    keys = _session_keys(SimpleNamespace(items=items))  # type: ignore[arg-type]
    assert [(k[0], k[2]) for k in keys] == [
        ("germany", "serve"),
        ("germany", "replay"),
        ("baseline", "serve"),
    ]


def test_the_pool_starts_the_sessions_servers_together(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    both = threading.Barrier(2, timeout=10)

    def start(self: SandboxPool, scenario: str, *rest: Any) -> Any:
        started.append(scenario)
        both.wait()  # returns only once the other server is starting too
        return SimpleNamespace(scenario=scenario, stop=lambda: None)

    monkeypatch.setattr(SandboxPool, "_start", start)
    pool = SandboxPool(tmp=None)  # type: ignore[arg-type]
    keys = [("a", None, "serve", False, "subprocess"), ("b", None, "replay", False, "subprocess")]
    pool.prepare(keys)
    assert pool.get(*keys[0]).scenario == "a" and pool.get(*keys[1]).scenario == "b"
    assert sorted(started) == ["a", "b"]
    assert pool.get(*keys[0]) is pool.get(*keys[0])  # one server per key for the session
    pool.close()
    assert pool.servers == {}


def test_a_server_that_fails_to_start_fails_the_test_that_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def start(self: SandboxPool, scenario: str, *rest: Any) -> Any:
        raise RuntimeError(f"recording {scenario} failed")

    monkeypatch.setattr(SandboxPool, "_start", start)
    pool = SandboxPool(tmp=None)  # type: ignore[arg-type]
    pool.prepare([("bad", None, "replay", False, "subprocess")])
    with pytest.raises(RuntimeError, match="recording bad failed"):
        pool.get("bad", None, "replay", False, "subprocess")
    pool.close()
    assert pytest_plugin.STARTS_AT_ONCE >= 2
