"""Errors a user can cause, shared by the simulation and the served sandbox.

``UsageError`` is bad input that is not a scenario-file problem (a foreign ``--db`` file, a port
out of range, an unwritable ``--out``): the CLI prints its one-line message and exits 2.
"""

from __future__ import annotations


class UsageError(Exception):
    """Bad input that is not a scenario file problem (exit 2, one line, no traceback)."""


# Characters that would split a message over lines, or move the terminal's cursor: escaped.
_BREAKS = {c: f"\\x{c:02x}" for c in range(32) if c != 9} | {0x7F: "\\x7f", 0x85: "\\x85"}
_BREAKS |= {0x2028: "\\u2028", 0x2029: "\\u2029", ord("\n"): "\\n", ord("\r"): "\\r"}


def one_line(text: str) -> str:
    """``text`` as a single printable line: newlines and other control characters escaped."""
    return text.translate(_BREAKS)
