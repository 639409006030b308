"""The browser UI at ``/_sandbox/ui`` (docs/ui.md): the page and its assets (``pages``), the live
summary, its event stream and the feed (``live``), the map's network (``network``)."""

from __future__ import annotations

import weakref
from typing import Any

from fastapi import FastAPI

from mock_carriers.ui.live import build_live_router
from mock_carriers.ui.pages import build_ui_router
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.world.sandbox import Sandbox
from mock_carriers.world.tally import Tally


def start_tally(sandbox: Sandbox) -> Tally:
    """A running ``Tally`` fed by ``sandbox``'s pump (and started over with its world). It holds
    the sandbox weakly: a sandbox nobody uses any more stops its tally."""
    owner = weakref.ref(sandbox)

    def now() -> float | None:
        live = owner()
        return live.now().timestamp() if live is not None else None

    tally = Tally(now)
    sandbox.listeners.append(tally.on_events)
    sandbox.finish_listeners.append(tally.on_finished)
    sandbox.on_reset.append(tally.reset)
    # A world resumed from its --db file: the parcels it holds in memory count from the start.
    held = sandbox.store.records()
    tally.on_events([e for rec in held for e in rec.events])
    tally.on_finished(
        [(r.tracking_number, r.finished_at, r.truth) for r in held if r.finished_at is not None]
    )
    tally.start()
    return tally


def add_ui(app: FastAPI, sandbox: Sandbox, hub: WebhookHub | None, dependencies: list[Any]) -> Tally:
    """Mount the UI's routes on ``app`` (behind the control plane's ``dependencies``)."""
    tally = start_tally(sandbox)
    app.include_router(build_live_router(sandbox, tally, hub), dependencies=dependencies)
    app.include_router(build_ui_router(sandbox), dependencies=dependencies)
    return tally
