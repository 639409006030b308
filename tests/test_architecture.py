"""The layout's rules, enforced (docs/architecture.md §2): which package may import which, no module
over 400 lines unless it is a data table with a reason, and no carrier fact in the shared core. Each
checker is also fed a synthetic violation, so a rule that stopped catching anything would fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_carriers.carriers import registry
from tests.architecture import (
    MAX_LINES,
    RULES,
    Rule,
    carrier_literals,
    carrier_rules,
    import_violations,
    size_violations,
    sources,
)
from tests.markers import kind_problems

pytestmark = pytest.mark.unit

#: Modules allowed past MAX_LINES: tables of data, not code, each with why it stays whole.
LONG_MODULES: dict[str, str] = {
    # 280 status rows of Hermes's published code catalogue (3x3 and 2x2 codes, German and English
    # texts), kept in one table as Hermes publishes it.
    "mock_carriers.carriers.hermes.codes": "Hermes status-code catalogue",
    # UPS's texts in four more languages, keyed by the English text: one translation table.
    "mock_carriers.carriers.ups.texts": "UPS translation table",
}

#: The packages the shared core may use to learn about carriers.
CORE_EXEMPT = ("mock_carriers.carriers",)


def _files(modules: dict[str, str]) -> dict[str, tuple[Path, str]]:
    return {m: (Path(m.replace(".", "/") + ".py"), text) for m, text in modules.items()}


def all_rules() -> list[Rule]:
    return [*RULES, *carrier_rules(registry.KEYS)]


def test_the_packages_keep_to_their_import_rules() -> None:
    assert import_violations(sources(), all_rules()) == []


def test_the_import_rules_catch_each_kind_of_violation() -> None:
    synthetic = _files(
        {
            "sim.timing": "import simpy\nfrom mock_carriers.app import create_app\n",
            "sim.world": "def later():\n    import fastapi\n",
            "mock_carriers.faults.state": "from mock_carriers.carriers.ups import errors\n",
            "mock_carriers.webhooks.hub": "import importlib\n"
            "importlib.import_module('mock_carriers.carriers.dhl')\n",
            "mock_carriers.carriers.registry": "",
            "mock_carriers.carriers.ups": "",
            "mock_carriers.carriers.ups.errors": "",
            "mock_carriers.carriers.dhl": "",
            "mock_carriers.carriers.fedex.render": "from ..ups import errors\n",
            "mock_carriers.carriers.usps.routes": "from mock_carriers.carriers import registry\n",
            "mock_carriers.app": "from mock_carriers.carriers import registry\nimport parcel_sandbox.cli\n",
            "loadtests.shapes.daily": "def curve():\n    from sim.scenario import load_scenario\n",
            "bench.http_bench": "import mock_carriers.carriers.ups\n",
        }
    )
    rules = [*RULES, *carrier_rules(("ups", "fedex", "dhl", "usps"))]
    assert import_violations(synthetic, rules) == [
        "loadtests.shapes.daily: imports sim.scenario (load tests talk HTTP only)",
        "mock_carriers.app: imports parcel_sandbox.cli (the served sandbox never imports the application)",
        "mock_carriers.carriers.fedex.render: imports mock_carriers.carriers.ups.errors "
        "(carriers never import each other)",
        "mock_carriers.carriers.usps.routes: imports mock_carriers.carriers.registry "
        "(carriers never import each other)",
        "mock_carriers.faults.state: imports mock_carriers.carriers.ups.errors "
        "(the core reaches carriers only through the registry)",
        "mock_carriers.webhooks.hub: imports mock_carriers.carriers.dhl "
        "(the core reaches carriers only through the registry)",
        "sim.timing: imports mock_carriers.app (the simulation knows nothing of HTTP or the served sandbox)",
        "sim.timing: imports simpy (the pure simulation modules never import SimPy)",
        "sim.world: imports fastapi (the simulation knows nothing of HTTP or the served sandbox)",
    ]


def test_no_module_is_over_the_limit_unless_it_is_a_listed_table() -> None:
    files = sources(("sim", "mock_carriers", "parcel_sandbox"))
    assert size_violations(files, LONG_MODULES) == []


def test_the_size_limit_catches_long_modules_and_stale_allowances() -> None:
    long = "x = 1\n" * (MAX_LINES + 1)
    files = _files({"sim.big": long, "sim.table": long, "sim.small": "x = 1\n", "sim.was_long": "x = 1\n"})
    assert size_violations(files, {"sim.table": "data", "sim.was_long": "data", "sim.gone": "data"}) == [
        f"sim.big: {MAX_LINES + 1} lines, over {MAX_LINES} (split it by what its parts own)",
        f"sim.was_long: 1 lines, allow-listed but within {MAX_LINES} (drop it from the list)",
        "sim.gone: allow-listed but not found",
    ]


def test_the_shared_core_holds_no_carrier_key_or_carrier_path() -> None:
    core = {m: f for m, f in sources(("mock_carriers",)).items() if not m.startswith(CORE_EXEMPT)}
    assert carrier_literals(core, registry.KEYS) == []


def test_carrier_literals_are_found_outside_docstrings() -> None:
    files = _files(
        {
            "mock_carriers.faults.state": '"""About ups: fine in a docstring."""\n'
            'TABLE = {"ups": ("/oauth/",)}\n'
            'PATH = "/dhl/track/shipments"\n'
            'WORD = "upstream"\n',
        }
    )
    assert carrier_literals(files, ("ups", "dhl")) == [
        "mock_carriers.faults.state:2: 'ups' (a carrier fact in the shared core)",
        "mock_carriers.faults.state:3: '/dhl/track/shipments' (a carrier fact in the shared core)",
    ]


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name


class _Item:
    def __init__(self, nodeid: str, *marks: str) -> None:
        self.nodeid = nodeid
        self._marks = [_Marker(m) for m in marks]

    def iter_markers(self) -> list[_Marker]:
        return self._marks


def test_collection_refuses_tests_without_a_kind_or_with_contradictory_kinds() -> None:
    items = [
        _Item("t.py::ok_unit", "unit"),
        _Item("t.py::ok_live_slow", "live", "slow", "parametrize"),
        _Item("t.py::ok_fuzz", "fuzz", "live"),
        _Item("t.py::bare", "parametrize"),
        _Item("t.py::both", "unit", "slow"),
    ]
    assert kind_problems(items) == [
        "t.py::bare: no kind (mark it unit, live, slow or fuzz)",
        "t.py::both: unit and slow (a unit test is fast and in-process)",
    ]
