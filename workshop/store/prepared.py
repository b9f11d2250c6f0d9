"""Statements written once in SQLAlchemy Core, compiled once per dialect, run on the DBAPI cursor.

Building a Core statement, its cache key and its execution context costs about 0.2 ms
of Python each time, far more than SQLite takes to run it (a vote ran nine). So every
statement of the store is a module-level `Prepared`: written in Core (the SQL is what
SQLAlchemy emits for the dialect, FOR UPDATE included or dropped alike), compiled the
first time a dialect runs it, then run with plain parameters on the transaction's own
DBAPI connection. Rows come back as named tuples, read by column name.

A few cold statements need SQLAlchemy at run time (a list of ids of any length, a set
of columns known only at the call): `Runner.core` runs those through the connection,
in the same transaction.
"""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import Connection, Executable, Result, Table, bindparam, insert, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql import ClauseElement


class Compiled(NamedTuple):
    """A statement as the DBAPI takes it."""

    sql: str
    order: tuple[str, ...] | None  # positional parameter names; None for named ones
    defaults: dict[str, Any]  # values fixed in the statement, such as LIMIT 1
    returning: bool  # whether it returns the new row's id


class Prepared:
    """One statement with named bind parameters, compiled once per dialect."""

    def __init__(self, statement: ClauseElement, returns_id: bool = False) -> None:
        self.statement = statement
        self.returns_id = returns_id
        self._compiled: dict[tuple[str, str], Compiled] = {}
        self._row_types: dict[tuple[str, ...], Any] = {}

    def for_dialect(self, dialect: Dialect) -> Compiled:
        """Return the SQL, its parameter order (None: by name), defaults and RETURNING."""
        key = (dialect.name, dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            statement: Any = self.statement
            returning = False
            if self.returns_id and dialect.insert_returning:
                statement = statement.returning(statement.table.c.id)
                returning = True
            compiled = statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            # Values fixed in the statement itself (LIMIT 1, SET x = NULL), not bound per call.
            defaults = {
                key: bind.value for key, bind in compiled.binds.items() if not bind.required
            }
            found = self._compiled[key] = Compiled(compiled.string, order, defaults, returning)
        return found

    def row_type(self, names: tuple[str, ...]) -> Any:
        """Return the named-tuple type for rows with these column names (made once)."""
        found = self._row_types.get(names)
        if found is None:
            fields = [name.lower() for name in names]
            odd = any(keyword.iskeyword(f) or not f.isidentifier() for f in fields)
            found = self._row_types[names] = namedtuple("Row", fields, rename=odd)
        return found


def inserting(table: Table, *names: str) -> Prepared:
    """Return an INSERT of these columns that gives back the new row's id."""
    return Prepared(insert(table).values({name: bindparam(name) for name in names}), True)


def updating(table: Table, key: str, *names: str, **fixed: Any) -> Prepared:
    """Return an UPDATE setting `names` (bound as set_<name>) where `key` equals key_<key>.

    SQLAlchemy reserves a column's own name for its SET value, hence the prefixes.
    """
    values: dict[str, Any] = {name: bindparam(f"set_{name}") for name in names}
    values.update(fixed)
    statement = update(table).where(table.c[key] == bindparam(f"key_{key}")).values(values)
    return Prepared(statement)


class Runner:
    """Runs Prepared statements in one open transaction; every store statement goes through it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self._dbapi: Any = None  # the driver's connection, found on first use
        # Grows with every write, done or gathered for the commit (Tx.writes).
        self.writes = 0

    def _cursor(self, prepared: Prepared, params: Mapping[str, Any]) -> Any:
        sql, order, defaults, _returning = prepared.for_dialect(self.dialect)
        if self._dbapi is None:
            self._dbapi = self.conn.connection.dbapi_connection  # open: inside a transaction
        cursor = self._dbapi.cursor()
        if defaults:
            params = {**defaults, **params}
        arguments: Any = tuple(params[name] for name in order) if order is not None else params
        dbapi = self.dialect.loaded_dbapi
        try:
            cursor.execute(sql, arguments)
        except dbapi.Error as error:
            cursor.close()
            # The same exception SQLAlchemy raises (IntegrityError for a replayed request).
            raise DBAPIError.instance(
                sql, None, error, dbapi.Error, hide_parameters=True, dialect=self.dialect
            ) from error
        return cursor

    def rows(self, prepared: Prepared, **params: Any) -> list[Any]:
        """Return every row, each a named tuple read by column name."""
        cursor = self._cursor(prepared, params)
        try:
            found = cursor.fetchall()
            if not found:
                return []
            make = prepared.row_type(tuple(column[0] for column in cursor.description))._make
            return [make(row) for row in found]
        finally:
            cursor.close()

    def first(self, prepared: Prepared, **params: Any) -> Any:
        """Return the first row, or None."""
        found = self.rows(prepared, **params)
        return found[0] if found else None

    def one(self, prepared: Prepared, **params: Any) -> Any:
        """Return the only row, refusing none or several as Result.one() would."""
        found = self.rows(prepared, **params)
        if len(found) != 1:
            raise NoResultFound("No row was found") if not found else MultipleResultsFound()
        return found[0]

    def value(self, prepared: Prepared, **params: Any) -> Any:
        """Return the first column of the first row, or None."""
        cursor = self._cursor(prepared, params)
        try:
            row = cursor.fetchone()
            return row[0] if row else None
        finally:
            cursor.close()

    def insert(self, prepared: Prepared, **params: Any) -> int:
        """Run an INSERT made by `inserting` and return the new row's id."""
        self.writes += 1
        cursor = self._cursor(prepared, params)
        try:
            if prepared.for_dialect(self.dialect).returning:
                return int(cursor.fetchone()[0])
            return int(cursor.lastrowid)
        finally:
            cursor.close()

    def change(self, prepared: Prepared, **params: Any) -> int:
        """Run an UPDATE or DELETE and return how many rows it changed."""
        self.writes += 1
        cursor = self._cursor(prepared, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def core(self, statement: Executable) -> Result[Any]:
        """Run a statement SQLAlchemy must finish at run time (lists of ids, chosen columns)."""
        self.writes += 1  # it may be a write: counted as one, to be safe
        return self.conn.execute(statement)
