"""Credentials nobody can predict, and a ``--db`` file that never costs anyone their data (issue 9:
tokens were derived from the published seed; ``--db`` ran ``DELETE FROM parcels`` on any file)."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from mock_carriers.world.dbfile import APPLICATION_ID, SCHEMA_VERSION, inspect
from mock_carriers.world.sandbox import Sandbox
from parcel_sandbox.cli import main as cli_main
from sim.errors import UsageError
from tests.conftest import small_scenario
from tests.live import free_port
from tests.served_process import sandbox_process, small_world

ISSUE = (
    "from mock_carriers.world.credentials import TokenIssuer; "
    "print(TokenIssuer(42, deterministic={}).issue('ups', 'c', 60).access_token)"
)


def tiny(**overrides: object):
    return small_scenario(duration="1d", demand={"parcels_per_day": 20}, **overrides)


# --- tokens ---------------------------------------------------------------------------------------------


@pytest.mark.live
def test_two_processes_with_the_same_seed_issue_different_tokens() -> None:
    def token(deterministic: bool) -> str:
        code = ISSUE.format(deterministic)
        return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout

    assert token(False) != token(False)
    assert token(True) == token(True)


@pytest.mark.live
@pytest.mark.slow
def test_two_served_sandboxes_hand_out_different_tokens(tmp_path: Path) -> None:
    world = small_world(tmp_path)
    tokens = []
    for _ in range(2):
        with sandbox_process(world) as served:
            r = httpx.post(
                f"{served.base}/ups/security/v1/oauth/token",
                auth=("client", "secret"),
                data={"grant_type": "client_credentials"},
            )
            assert r.status_code == 200, r.text
            tokens.append(r.json()["access_token"])
            health = httpx.get(f"{served.base}/_sandbox/health").json()
    assert tokens[0] != tokens[1]
    # What health publishes (the seed) does not yield the token any more.
    key = hashlib.sha256(f"parcel-sandbox-tokens:{health['seed']}".encode()).digest()
    assert hmac.new(key, b"ups:1", hashlib.sha256).hexdigest() not in tokens


@pytest.mark.unit
def test_a_reset_never_reissues_a_token_from_before() -> None:
    issuer = TokenIssuer(1)
    old = issuer.issue("ups", "c", 60).access_token
    issuer.reset()
    assert issuer.check("ups", old) == "invalid"
    assert issuer.issue("ups", "c", 60).access_token != old
    stable = TokenIssuer(1, deterministic=True)
    first = stable.issue("ups", "c", 60).access_token
    stable.reset()
    assert stable.issue("ups", "c", 60).access_token == first  # replays start over identically


@pytest.mark.unit
def test_an_allowed_secret_is_checked_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    policy = CredentialPolicy(allowed={"ups": {"id": "s3cret"}}, api_keys={"dhl": {"k1"}})
    assert policy.accepts("ups", "id", "s3cret") and not policy.accepts("ups", "id", "s3cre")
    assert policy.accepts_key("dhl", "k1") and not policy.accepts_key("dhl", "k2")
    assert not policy.accepts("ups", "id", "\ud800")  # a lone surrogate from JSON compares, never raises
    assert len(calls) == 5


@pytest.mark.unit
def test_deterministic_tokens_only_when_asked() -> None:
    assert not Sandbox(tiny()).tokens.deterministic
    app = create_app(tiny(), deterministic_tokens=True)
    assert app.state.sandbox.tokens.deterministic


# --- --db -------------------------------------------------------------------------------------------------


def foreign_db(path: Path) -> bytes:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE parcels (id INTEGER PRIMARY KEY, owner TEXT)")
    db.executemany("INSERT INTO parcels (owner) VALUES (?)", [("alice",), ("bob",)])
    db.commit()
    db.close()
    return path.read_bytes()


def written(path: Path, data: bytes) -> bytes:
    path.write_bytes(data)
    return data


def corrupt_db(path: Path) -> bytes:
    """A real SQLite header over garbled pages."""
    foreign_db(path)
    raw = path.read_bytes()
    path.write_bytes(raw[:100] + b"\xa5" * (len(raw) - 100))
    return path.read_bytes()


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (foreign_db, "an SQLite database parcel-sandbox did not create"),
        (lambda p: corrupt_db(p), "not a usable SQLite database"),
        (lambda p: written(p, b"just some notes\n"), "not an SQLite database"),
        (lambda p: written(p, b"\x00" * 50), "not an SQLite database"),
    ],
)
def test_a_foreign_or_corrupt_db_is_refused_and_left_byte_identical(
    tmp_path: Path, make, message: str
) -> None:
    path = tmp_path / "theirs.db"
    original = make(path)
    before = siblings(path)
    with pytest.raises(UsageError, match=message):
        Sandbox(tiny(), db=path)
    assert path.read_bytes() == original
    assert siblings(path) == before  # no journal left behind either


@pytest.mark.unit
def test_another_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.commit()
    db.close()
    original = path.read_bytes()
    with pytest.raises(UsageError, match="another application"):
        Sandbox(tiny(), db=path)
    assert path.read_bytes() == original


@pytest.mark.unit
def test_new_and_empty_files_are_taken_and_marked(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).close()  # an SQLite file with nothing in it
    for path in (tmp_path / "new.db", empty, blank):
        sandbox = Sandbox(tiny(), db=path)
        sandbox.store.archive.db.close()
        assert inspect(path) == "ours"
        header = path.read_bytes()[:100]
        assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
        assert int.from_bytes(header[60:64], "big") == SCHEMA_VERSION


@pytest.mark.unit
def test_a_file_of_another_world_is_refused_until_an_explicit_reset(tmp_path: Path) -> None:
    path = tmp_path / "world.db"
    first = Sandbox(tiny(), db=path)
    first.store.archive.db.close()
    again = Sandbox(tiny(), db=path)  # the same world restarting on its own file
    again.store.archive.db.close()
    with pytest.raises(UsageError, match="holds the sandbox world of scenario 'baseline' seed 42"):
        Sandbox(tiny(), seed=7, db=path)
    other = Sandbox(tiny(), db=path)
    other.reset(seed=7)  # explicit: the file now belongs to seed 7
    other.store.archive.db.close()
    Sandbox(tiny(), seed=7, db=path).store.archive.db.close()


@pytest.mark.unit
def test_an_archiving_sandbox_writes_its_tables_beside_its_marker(tmp_path: Path) -> None:
    from datetime import timedelta

    path = tmp_path / "mine.db"
    app = create_app(tiny(), db=path, retention=timedelta(days=1))
    with TestClient(app) as http:
        http.post("/_sandbox/clock", json={"advance": "8d"})
        # finished parcels move to the archive as the engine's batches come in, off the request
        deadline = time.monotonic() + 60
        while len(app.state.sandbox.store.archive) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(app.state.sandbox.store.archive) > 0
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert "parcels" in tables and "sandbox_meta" in tables


@pytest.mark.live
def test_serve_with_a_foreign_db_exits_2_and_leaves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "precious.sqlite"
    original = foreign_db(path)
    world = small_world(tmp_path)
    assert cli_main(["serve", str(world), "--db", str(path), "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "precious.sqlite" in err and "did not create" in err and "Traceback" not in err
    assert path.read_bytes() == original
