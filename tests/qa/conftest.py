"""tests/qa/ is written as a QA team writes tests with the plugin (no project markers in the
files); every test here serves a sandbox subprocess, so each is ``live`` and ``slow``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.live)
            item.add_marker(pytest.mark.slow)
