"""Engine and sessions.

Reads run in the request's session with an ordinary (deferred) transaction. Writes go through
:meth:`Database.transaction`, which on SQLite starts with ``BEGIN IMMEDIATE``: a deferred
transaction that reads and then writes fails at once with "database is locked" when another
connection wrote in between, and ``busy_timeout`` cannot help it. Every SQLite connection
also gets WAL, a busy timeout and foreign keys. A request's read transaction ends when the
request starts a write (what it read stays loaded), so no open read pins SQLite's log while
the write commits.

SQLite still has one writer at a time: a write that waited the whole busy timeout fails with
"database is locked". The write services are decorated with :func:`retry_when_locked`, which
runs such a unit of work again, a few times and after a short random pause, as long as it
committed nothing. PostgreSQL connections are checked when taken from the pool
(``pool_pre_ping``), so a connection the server closed while it was idle (a restart, a
failover, a killed backend) is replaced instead of failing the next request that takes it.
"""

from __future__ import annotations

import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5_000
LOCK_RETRIES = 3
"""How many times a write that lost SQLite's lock race runs again: with the busy timeout, a
learner waits at most about (1 + LOCK_RETRIES) × SQLITE_BUSY_TIMEOUT_MS before an error."""
LOCK_BACKOFF_SECONDS = 0.05
RETRY_AFTER_SECONDS = 30
"""What a 503 for an unavailable database asks clients to wait (``Retry-After``): a database
restart or failover takes about that long."""
_WRITE_OPTION = "quizapp_write"
_SQLITE_BUSY = 5
_MISSING_RELATION_STATES = {"42P01", "3F000"}  # PostgreSQL: undefined table, invalid schema
DatabaseError = SQLAlchemyError
"""Every error the database layer raises, for the error pages (which import no SQLAlchemy)."""

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
_commits: contextvars.ContextVar[int] = contextvars.ContextVar("quizapp_commits", default=0)
_retrying: contextvars.ContextVar[bool] = contextvars.ContextVar("quizapp_retrying", default=False)


class Database:
    """One engine per application, with a read-session factory and a write transaction."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
        **engine_options: Any,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            engine_options.setdefault("connect_args", {})["check_same_thread"] = False
            if self.url.database in (None, "", ":memory:"):
                raise ValueError("quizapp needs a file-backed SQLite database, not :memory:")
            # A request holds its read session's connection while a service writes with a
            # second one; SQLite connections are only file handles, so the pool never makes a
            # thread wait for one (with 25 gthread threads a worker, the default bound of 15
            # made requests wait the pool's 30 s timeout and fail).
            engine_options.setdefault("max_overflow", -1)
        else:
            # A connection the server closed (restart, failover, an idle timeout, a killed
            # backend) is replaced when taken from the pool instead of failing a request.
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: Engine = create_engine(self.url, echo=echo, **engine_options)
        if self.is_sqlite:
            _configure_sqlite(self.engine, busy_timeout_ms)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self.before_write: Callable[[], None] = _nothing
        """Run as each write transaction begins (the web app ends the request's read
        transaction there, see :func:`init_app`)."""

    def read_session(self) -> Session:
        return self._read_sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error.

        Each commit is counted, so that :func:`retry_when_locked` never runs again a unit of
        work that already committed something, and a request can tell whether it wrote.
        """
        self.before_write()
        with self._write_sessions() as session:
            with session.begin():
                yield session
            _commits.set(_commits.get() + 1)

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """:meth:`transaction` without the ORM: a Core connection whose transaction commits on
        success and rolls back on any error, counted the same way. For the posttest's start
        and submit, whose statements are all Core: the session's own bookkeeping around them
        cost more than SQLite spent running them."""
        self.before_write()
        with self._write_engine.begin() as connection:
            yield connection
        _commits.set(_commits.get() + 1)

    def schema_revisions(self) -> frozenset[str] | None:
        """The Alembic revisions the database is at (empty if it was never migrated), or None
        when it does not answer. One statement, so the health check costs what ``SELECT 1``
        did."""
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(text("SELECT version_num FROM alembic_version"))
                return frozenset(str(row[0]) for row in rows)
        except SQLAlchemyError as error:
            return frozenset() if missing_table(error) else None

    def dispose(self) -> None:
        self.engine.dispose()


def _nothing() -> None:
    pass


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
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


def lost_lock_race(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked": another connection held the write
    lock for the whole busy timeout. Nothing else is worth running again."""
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == _SQLITE_BUSY
    return "database is locked" in str(error.orig)


def retry_when_locked(service: Callable[P, T]) -> Callable[P, T]:
    """Run a write service again when it lost SQLite's write-lock race and committed nothing.

    A service is one unit of work: it checks its input, opens one transaction with
    :meth:`Database.transaction`, and has no effect outside it, so running it again is
    running the whole unit again, from the reads that its decisions rest on. A lock error
    after a commit of this call (a service with two transactions) is not retried, and a
    service called from another retried one leaves the retrying to the outer call.
    """

    @wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        if _retrying.get():
            return service(*args, **kwargs)
        marker = _retrying.set(True)
        try:
            retries = 0
            while True:
                committed = _commits.get()
                try:
                    return service(*args, **kwargs)
                except OperationalError as error:
                    if (
                        retries == LOCK_RETRIES
                        or not lost_lock_race(error)
                        or _commits.get() != committed
                    ):
                        raise
                retries += 1
                pause = LOCK_BACKOFF_SECONDS * 2 ** (retries - 1) * random.uniform(0.5, 1.5)
                log.warning(
                    "%s lost the SQLite write-lock race; running it again in %.0f ms (%d of %d)",
                    service.__qualname__,
                    pause * 1000,
                    retries,
                    LOCK_RETRIES,
                )
                time.sleep(pause)
        finally:
            _retrying.reset(marker)

    return run


def missing_table(error: BaseException) -> bool:
    """Whether ``error`` says a table or schema is not there (never migrated, or dropped)."""
    if isinstance(error, OperationalError) and "no such table" in str(error.orig):
        return True
    if isinstance(error, ProgrammingError):
        return getattr(error.orig, "sqlstate", None) in _MISSING_RELATION_STATES
    return False


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be used for now (down, unreachable, locked
    past every retry, its file unreadable, its tables gone, no connection free) rather than a
    mistake in quizapp. Those requests get a 503 and may succeed when tried again."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if missing_table(error):
        return True
    return isinstance(error, DBAPIError) and "file is not a database" in str(error.orig)


def init_app(app: Flask) -> Database:
    database = Database(
        app.config["DATABASE_URL"],
        echo=app.config["SQLALCHEMY_ECHO"],
        busy_timeout_ms=int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)),
        **_pool_options(app),
    )
    app.extensions["quizapp.db"] = database
    database.before_write = _end_request_read
    app.before_request(_note_commits)
    app.teardown_appcontext(_close_request_session)
    return database


def _pool_options(app: Flask) -> dict[str, int]:
    options: dict[str, int] = {}
    for setting, option in (
        ("DATABASE_POOL_SIZE", "pool_size"),
        ("DATABASE_MAX_OVERFLOW", "max_overflow"),
    ):
        if app.config.get(setting) is not None:
            options[option] = int(app.config[setting])
    return options


def _note_commits() -> None:
    g.commits_before_request = _commits.get()


def committed_in_request() -> bool:
    """Whether the current request committed a write transaction (a gthread worker's thread
    serves many requests, so the count is compared with the one at the request's start)."""
    return _commits.get() != g.get("commits_before_request", _commits.get())


def get_db() -> Database:
    database: Database = current_app.extensions["quizapp.db"]
    return database


def request_session() -> Session:
    """The read session of the current request, closed when the app context ends."""
    if "db_session" not in g:
        g.db_session = get_db().read_session()
    session: Session = g.db_session
    return session


def _end_request_read() -> None:
    """End the request's read transaction before it writes: what it read stays loaded, and its
    next read sees the write. On SQLite an open read transaction pins the write-ahead log, and
    a commit while the log is over its checkpoint size then checkpoints again (with an fsync)
    without being able to restart the log, so every posttest paid for a disk flush."""
    if has_app_context():
        session: Session | None = g.get("db_session")
        if session is not None:
            session.commit()


def _close_request_session(_exc: BaseException | None) -> None:
    """Close the read session; a connection lost meanwhile is only logged, because this runs
    after the response is built and an error here would replace it with a bare 500, even
    after a write of this request had committed."""
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except SQLAlchemyError as error:
        log.warning("Closing the request's read session failed: %s", error)
