"""Engine and sessions.

Reads run in the request's session with an ordinary (deferred) transaction. Writes go through
:meth:`Database.transaction`, which on SQLite starts with ``BEGIN IMMEDIATE``: a deferred
transaction that reads and then writes fails at once with "database is locked" when another
connection wrote in between, and ``busy_timeout`` cannot help it. Every SQLite connection
also gets WAL, a busy timeout and foreign keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "quizapp_write"


class Database:
    """One engine per application, with a read-session factory and a write transaction."""

    def __init__(self, url: str, *, echo: bool = False, **engine_options: Any) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            engine_options.setdefault("connect_args", {})["check_same_thread"] = False
            if self.url.database in (None, "", ":memory:"):
                raise ValueError("quizapp needs a file-backed SQLite database, not :memory:")
        self.engine: Engine = create_engine(self.url, echo=echo, **engine_options)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    def read_session(self) -> Session:
        return self._read_sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self._write_sessions() as session, session.begin():
            yield session

    def reachable(self) -> bool:
        """Whether the database answers a trivial query, for the health check."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds only A-Z; learners are named Ñúñez and Øster.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def init_app(app: Flask) -> Database:
    database = Database(app.config["DATABASE_URL"], echo=app.config["SQLALCHEMY_ECHO"])
    app.extensions["quizapp.db"] = database
    app.teardown_appcontext(_close_request_session)
    return database


def get_db() -> Database:
    database: Database = current_app.extensions["quizapp.db"]
    return database


def request_session() -> Session:
    """The read session of the current request, closed when the app context ends."""
    if "db_session" not in g:
        g.db_session = get_db().read_session()
    session: Session = g.db_session
    return session


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
