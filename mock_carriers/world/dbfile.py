"""``--db FILE``: the sandbox's SQLite file, and the rule that it never touches anyone else's.

A file is opened only when it is new, empty (0 bytes, or an SQLite database without a single
table), or was created by parcel-sandbox: ``PRAGMA application_id`` holds ``APPLICATION_ID`` and
``PRAGMA user_version`` the schema version. Both live in the 100-byte SQLite header, so a foreign
or corrupt file is recognised by reading bytes, before SQLite ever opens it for writing — it stays
byte-identical, and the caller gets a ``UsageError`` (the CLI's one line and exit 2).

A parcel-sandbox file also records which world it belongs to (scenario and seed). The same world
restarting on its file rebuilds its parcel archive and keeps its webhook outbox; a different world
is refused, so one world's data is never silently replaced by another's. ``POST /_sandbox/reset``
(with a new seed) is the explicit way to hand the file to another world.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sim.errors import UsageError

#: "PSBX" — parcel-sandbox's mark in the SQLite header (offset 68).
APPLICATION_ID = 0x50534258
#: The layout of the tables parcel-sandbox writes (offset 60, ``user_version``).
SCHEMA_VERSION = 1
_MAGIC = b"SQLite format 3\x00"
_ADVICE = "--db needs a new file, an empty one, or one parcel-sandbox created"


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the --db file ({exc.strerror or exc})") from None


def _has_tables(path: Path) -> bool:
    """Whether an SQLite file without parcel-sandbox's mark holds anything (opened read-only)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UsageError(f"{path}: not a usable SQLite database ({exc}); {_ADVICE}") from None
    try:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    except sqlite3.Error as exc:
        raise UsageError(f"{path}: not a usable SQLite database ({exc}); {_ADVICE}") from None
    finally:
        conn.close()


def inspect(path: str | Path) -> str:
    """``"new"`` (absent, empty, or an SQLite file with no tables) or ``"ours"``; anything else
    raises ``UsageError`` without writing to the file."""
    p = Path(path)
    if not p.exists():
        return "new"
    if not p.is_file():
        raise UsageError(f"{p}: not a file; {_ADVICE}")
    head = _header(p)
    if not head:
        return "new"
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise UsageError(f"{p}: not an SQLite database; {_ADVICE}")
    app_id = int.from_bytes(head[68:72], "big")
    version = int.from_bytes(head[60:64], "big")
    if app_id == APPLICATION_ID:
        if version != SCHEMA_VERSION:
            raise UsageError(
                f"{p}: written by another version of parcel-sandbox (schema {version}, this one "
                f"reads {SCHEMA_VERSION}); use a new --db file"
            )
        return "ours"
    if app_id != 0:
        raise UsageError(f"{p}: an SQLite database of another application (id {app_id:#x}); {_ADVICE}")
    if _has_tables(p):
        raise UsageError(f"{p}: an SQLite database parcel-sandbox did not create; {_ADVICE}")
    return "new"


def open_db(path: str | Path, world: str, label: str, *, claim: bool = False) -> sqlite3.Connection:
    """Open (creating and marking if new) the sandbox file for ``world`` (an identity string;
    ``label`` says it in words). A file of another world is refused unless ``claim`` (an explicit
    reset), which takes it over."""
    p = Path(path)
    state = inspect(p)
    try:
        conn = sqlite3.connect(str(p), check_same_thread=False, timeout=30)
    except sqlite3.Error as exc:
        raise UsageError(f"{p}: cannot open the --db file ({exc})") from None
    try:
        if state == "new":
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value TEXT)")
        meta = dict(conn.execute("SELECT key, value FROM sandbox_meta").fetchall())
        if state == "ours" and meta.get("world") not in (None, world) and not claim:
            raise UsageError(
                f"{p}: holds the sandbox world of {meta.get('label', 'another scenario')}; this is "
                f"{label}, which would replace its parcels and webhook outbox. Use another --db "
                "file, or delete this one to start over"
            )
        conn.executemany(
            "INSERT OR REPLACE INTO sandbox_meta VALUES (?, ?)", [("world", world), ("label", label)]
        )
        conn.commit()
    except UsageError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise UsageError(f"{p}: not a usable SQLite database ({exc}); {_ADVICE}") from None
    return conn


def ensure_ours(path: str | Path) -> None:
    """For a second connection to a file ``open_db`` already marked: refuse anything else."""
    if inspect(path) != "ours":
        raise UsageError(f"{path}: not marked as a parcel-sandbox file; open it with open_db first")
