"""Locustfile for measurements only: every user sends the same GET (``--route-path`` with
``--route-header 'Name: value'`` headers) back to back, no think time — a closed loop that finds a
server's ceiling. ``python -m loadtests.measure`` points it at the sandbox and at a static server
answering the same bytes; it is not a behaviour, so it takes no tracking numbers from the sandbox."""

from __future__ import annotations

from typing import Any

from locust import FastHttpUser, constant, events, task


@events.init_command_line_parser.add_listener
def _add_options(parser: Any) -> None:
    parser.add_argument("--route-path", default="/", help="The path every request asks for")
    parser.add_argument(
        "--route-header", action="append", default=[], help="'Name: value', repeatable (e.g. a Bearer token)"
    )


class OneRouteUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.path = str(getattr(options, "route_path", "/"))
        self.headers = dict(
            (part.strip() for part in header.split(":", 1))
            for header in getattr(options, "route_header", [])
            if ":" in header
        )

    @task
    def same_request_again(self) -> None:
        self.client.get(self.path, headers=self.headers, name="route")
