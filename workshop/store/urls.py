"""Turn the database URLs people type into the ones SQLAlchemy needs."""

from __future__ import annotations

import os
from pathlib import Path


def normalise(url: str) -> str:
    """Return url with PostgreSQL pointed at psycopg 3 (the driver we install)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for another database or an in-memory one."""
    if not url.startswith("sqlite:///"):
        return None
    name = url[len("sqlite:///") :].split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def make_private(path: Path) -> None:
    """Make the database file, and its WAL and shared-memory files, readable by the owner only.

    They hold names and notes. The file is created 0600 before SQLite opens it, and
    SQLite gives the -wal and -shm files the database file's mode; files left by an
    earlier run are tightened too.
    """
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            os.chmod(each, 0o600)
