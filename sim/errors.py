"""Errors a user can cause, shared by the simulation and the served sandbox.

``UsageError`` is bad input that is not a scenario-file problem (a foreign ``--db`` file, a port
out of range, an unwritable ``--out``): the CLI prints its one-line message and exits 2.
"""

from __future__ import annotations


class UsageError(Exception):
    """Bad input that is not a scenario file problem (exit 2, one line, no traceback)."""
