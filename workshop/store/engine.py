"""The database: SQLite (default, WAL) or PostgreSQL by URL, upgraded on open; it hands out Tx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from workshop.store import migrations
from workshop.store.transaction import Tx
from workshop.store.urls import make_private, normalise, sqlite_path


class Store:
    """Open the database at url, upgrade its schema, and hand out transactions."""

    def __init__(self, url: str) -> None:
        url = normalise(url)
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            if (path := sqlite_path(url)) is not None:
                make_private(path)  # it holds names and notes: 0600, and so do its WAL and SHM
            # One long-lived connection per process behind a lock: under green threads
            # a pool of SQLite connections halves throughput and grows memory.
            self.engine = create_engine(
                url,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
                hide_parameters=True,  # an error in the log must not show what people typed
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
            self._lock: threading.RLock | None = threading.RLock()
        else:
            self.engine = create_engine(
                url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
            )
            self._lock = None
        self._sqlite_conn: Connection | None = None
        self.schema_version = migrations.upgrade(self.engine.begin)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Yield a Tx; everything done through it commits together or not at all."""
        if self._lock is None:
            with self.engine.begin() as conn:
                tx = Tx(conn)
                yield tx
                tx.finish()
            return
        with self._lock:
            # SQLite: keep the one connection checked out instead of a pool checkout,
            # reset and checkin around every transaction (a third of a vote's time).
            held = self._sqlite_conn
            if held is None or held.closed or held.invalidated:
                held = self._sqlite_conn = self.engine.connect()
            conn = held
            with conn.begin():
                tx = Tx(conn)
                yield tx
                tx.finish()

    def close(self) -> None:
        """Release the connections."""
        if self._sqlite_conn is not None:
            self._sqlite_conn.close()
            self._sqlite_conn = None
        self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives a process crash; only an OS crash may lose the last commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin_immediate(conn: Connection) -> None:
    # Straight to the driver: SQLAlchemy's statement machinery cost more than the BEGIN.
    conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]  # open: "begin" fires on a live connection


__all__ = ["IntegrityError", "Store", "Tx"]
