"""The API fuzz harness: schemathesis cases from an OpenAPI document, sent to a live server, every
answer checked. Used by ``tests/test_fuzz_api.py`` (short in ``make test``, long in ``make fuzz``).

Per request: no 5xx, no traceback text, an answer within ``HANG_S``; and where the document
defines them, a documented status code, content type and a body its schema accepts (schemathesis's
``status_code_conformance``, ``content_type_conformance`` and ``response_schema_conformance``; a
schema violation the carrier really shows is let through by ``allowed``, the caller's reviewed
allow-list). Failures are collected, not raised one by one, so one run reports all it found.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.openapi.checks import JsonSchemaError
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: An answer slower than this is a hang.
HANG_S = 5.0
_TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "Exception in ASGI application")


@dataclass
class Tally:
    requests: int = 0
    server_errors: int = 0
    tracebacks: int = 0
    hangs: int = 0
    transport_errors: int = 0
    slowest_s: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    nonconforming: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(problem)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "server_errors": self.server_errors,
            "tracebacks": self.tracebacks,
            "hangs": self.hangs,
            "transport_errors": self.transport_errors,
            "slowest_s": round(self.slowest_s, 3),
            "statuses": dict(sorted(self.statuses.items())),
            "nonconforming": dict(self.nonconforming.most_common(20)),
        }


#: Whether a body's schema violation is a recorded deviation: (operation label, status, violation).
Allowed = Callable[[str, int, "Violation"], bool]


@dataclass(frozen=True)
class Violation:
    """One place where a body breaks its documented schema: the JSON path into the body
    (``data/tracker``) and the schema keyword that failed (``required``, ``type``, …)."""

    where: str
    keyword: str
    message: str
    instance: Any = field(default=None, compare=False, repr=False)


def violation(failure: JsonSchemaError) -> Violation:
    keyword = str(failure.schema_path[-1]) if failure.schema_path else ""
    where = "/".join(str(p) for p in failure.instance_path)
    return Violation(where, keyword, failure._raw_message.splitlines()[0][:160], failure.instance)


def _conformance(case: Any, response: Any, allowed: Allowed) -> list[str]:
    """The conformance checks' failures for this answer (status code, content type, body schema),
    less the body violations ``allowed`` accepts."""
    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    try:
        case.validate_response(response, checks=checks)
    except FailureGroup as group:
        failures = list(group.exceptions)
    except Failure as failure:
        failures = [failure]
    else:
        return []
    out = []
    for failure in failures:
        if isinstance(failure, JsonSchemaError):
            found = violation(failure)
            if not allowed(case.operation.label, response.status_code, found):
                where = f"/{found.where} ({found.keyword})"
                out.append(f"{failure.title}: {response.status_code} at {where}: {found.message}")
        else:
            out.append(_describe(failure, response))
    return out


def violations(case: Any, response: Any) -> list[Violation]:
    """Every place the answer's body breaks the schema documented for its status (none when the
    status is undocumented): what an allow-list entry must still be needed for."""
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except FailureGroup as group:
        failures = list(group.exceptions)
    except Failure as failure:
        failures = [failure]
    else:
        return []
    return [violation(f) for f in failures if isinstance(f, JsonSchemaError)]


def _describe(failure: Failure, response: Any) -> str:
    return f"{failure.title}: {response.status_code} {response.headers.get('content-type', ['-'])[0]}"


def load(raw_schema: dict[str, Any]) -> Any:
    """A schemathesis schema (load once per document: loading a large one takes seconds)."""
    return schemathesis.openapi.from_dict(raw_schema)


def fuzz_operations(
    schema: Any,
    base_url: str,
    tally: Tally,
    *,
    examples: int,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, Any] | None = None,
    only: Callable[[Any], bool] = lambda op: True,
    after_call: Callable[[Any, Any], None] = lambda case, response: None,
    check_conformance: bool = True,
    known: Callable[[str, int], bool] = lambda label, status: False,
    allowed: Allowed = lambda label, status, found: False,
    derandomize: bool = True,
) -> None:
    """Fuzz every operation of ``schema`` (from ``load``) against ``base_url``. ``known(label,
    status)`` says an undocumented answer is a recorded deviation, ``allowed`` a body's schema
    violation (both from the carrier's FIDELITY.md)."""
    prefix = urlsplit(base_url).path.rstrip("/")
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        if not only(operation):
            continue
        names = {p.name for p in operation.path_parameters}
        fixed_path = {k: v for k, v in (path_parameters or {}).items() if k in names}
        for mode in modes:
            strategy = operation.as_strategy(
                generation_mode=mode, headers=headers or None, path_parameters=fixed_path or None
            )
            send = _sender(
                operation.label,
                base_url,
                prefix,
                session,
                tally,
                after_call,
                check_conformance,
                known,
                allowed,
            )
            run = settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=derandomize,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(given(case=strategy)(send))
            try:
                run()
            except Unsatisfiable:
                pass  # nothing to generate in this mode (e.g. negative data for an operation without input)


def _sender(
    label: str,
    base_url: str,
    prefix: str,
    session: requests.Session,
    tally: Tally,
    after_call: Callable[[Any, Any], None],
    check_conformance: bool,
    known: Callable[[str, int], bool],
    allowed: Allowed,
) -> Callable[[Any], None]:
    """The body of one hypothesis test: send a case, check the answer, count."""

    def send(case: Any) -> None:
        tally.requests += 1
        started = time.monotonic()
        try:
            response = case.call(base_url=base_url, session=session, timeout=HANG_S * 2)
        except requests.exceptions.Timeout:
            tally.hangs += 1
            tally.note(f"hang: {label} {case.path_parameters} {case.query}")
            return
        except requests.exceptions.RequestException as exc:
            tally.transport_errors += 1
            tally.note(f"transport: {label}: {type(exc).__name__}: {str(exc)[:200]}")
            return
        elapsed = time.monotonic() - started
        tally.slowest_s = max(tally.slowest_s, elapsed)
        tally.statuses[response.status_code] += 1
        text = response.content.decode("utf-8", "replace")
        if elapsed > HANG_S:
            tally.hangs += 1
            tally.note(f"slow {elapsed:.1f}s: {label}")
        if response.status_code >= 500:
            tally.server_errors += 1
            tally.note(f"{response.status_code}: {label} {case.query} {case.body!r:.200} -> {text[:200]}")
        if any(marker in text for marker in _TRACEBACK_MARKERS):
            tally.tracebacks += 1
            tally.note(f"traceback: {label} -> {text[:300]}")
        # A generated path segment such as ".." can take the URL out of the API's prefix: what
        # answers there is not this API.
        inside = urlsplit(response.request.url).path.startswith(prefix + "/")
        if check_conformance and inside and not known(label, response.status_code):
            for failure in _conformance(case, response, allowed):
                tally.nonconforming[f"{label}: {failure}"] += 1
                tally.note(f"nonconforming: {case.method} {response.request.url} -> {text[:120]}")
        after_call(case, response)

    return send


@contextlib.contextmanager
def timed() -> Iterator[Callable[[], float]]:
    started = time.monotonic()
    yield lambda: time.monotonic() - started
