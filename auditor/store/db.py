"""Opening the store: SQLite by default, PostgreSQL by URL; migrated to the newest schema on open."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, delete, event, null, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from auditor.errors import AuditorError
from auditor.store.models import RunLock, StoredClassification, StoredPost

STORE_FILE = "auditor.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_SECONDS = 300  # workers write one person at a time; waiting beats failing
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_of(when: datetime) -> str:
    """``2026-11-03`` → ``2026Q4``."""
    return f"{when.year}Q{(when.month - 1) // 3 + 1}"


def check_quarter(text: str) -> str:
    """The quarter as given (``YYYYQn``), or AuditorError."""
    value = text.strip().upper()
    if not _QUARTER.match(value):
        raise AuditorError("--quarter", f"{text!r} is not a quarter like 2026Q4")
    return value


def store_url(out: Path | str, db: str | None) -> str:
    """``--db`` as given (a URL, or a path to an SQLite file), else ``OUT/auditor.db``."""
    if db and "://" in db:
        return db
    path = Path(db) if db else Path(out) / STORE_FILE
    return f"sqlite:///{path.resolve()}"


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _json_dumps(value: object) -> str:
    """JSON columns written by orjson (scores and evidence of every post: the stdlib encoder was a tenth of an
    audit's store time); the stdlib for anything orjson refuses."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()
    except TypeError:
        return json.dumps(value)


_JSON_CODEC = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not the older psycopg2
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **_JSON_CODEC)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writing worker
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10}, **_JSON_CODEC)


def shown_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Store:
    """The audit history of every person: opened (and migrated) once, shared by a run's workers."""

    def __init__(self, engine: Engine, where: str) -> None:
        self.engine = engine
        self.where = where
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Connect, refuse a store from a newer auditor, and upgrade an older one to this version's schema."""
        where = shown_url(url)
        try:
            engine = _engine(url)
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise AuditorError(where, f"not a database URL this version can use ({exc})") from None
        except OSError as exc:
            raise AuditorError(where, f"cannot create the store ({exc.strerror or exc})") from None
        store = cls(engine, where)
        try:
            with engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
            store._check_known(current)
            if migrate and current != store.head():
                with engine.begin() as conn:
                    cfg = _alembic_config()
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
        except OperationalError as exc:
            engine.dispose()
            raise AuditorError(where, f"cannot open the database ({_first_line(exc)})") from None
        except BaseException:
            engine.dispose()
            raise
        return store

    @staticmethod
    def head() -> str:
        return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""

    def _check_known(self, revision: str | None) -> None:
        if revision is None:
            return
        try:
            ScriptDirectory.from_config(_alembic_config()).get_revision(revision)
        except CommandError:
            raise AuditorError(
                self.where,
                f"written by a newer version of auditor (schema {revision}; this "
                f"version knows up to {self.head()}); upgrade auditor to use it",
            ) from None

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def run_lock(self) -> Iterator[None]:
        """Hold the store for one run: a second run is refused; a dead holder on this host is replaced."""
        host, pid = socket.gethostname(), os.getpid()
        try:
            with self.session() as s, s.begin():
                held = s.get(RunLock, 1)
                if held is not None and not _holder_dead(held, host):
                    since = held.started_at.strftime("%Y-%m-%d %H:%M")
                    raise AuditorError(
                        self.where,
                        f"another run holds this store (process {held.pid} on "
                        f"{held.host}, since {since} UTC); wait for it to finish",
                    )
                if held is not None:
                    s.delete(held)
                    s.flush()
                s.add(RunLock(id=1, host=host, pid=pid, started_at=datetime.now(timezone.utc)))
        except IntegrityError:
            raise AuditorError(self.where, "another run took this store a moment ago; wait for it") from None
        try:
            yield
        finally:
            with self.session() as s, s.begin():
                s.execute(delete(RunLock).where(RunLock.id == 1, RunLock.host == host, RunLock.pid == pid))

    def purge(self, before: datetime) -> int:
        """Drop the text (and evidence phrases) of posts stored before ``before``; counts and hashes stay."""
        with self.session() as s, s.begin():
            old = select(StoredPost.id).where(StoredPost.stored_at < before, StoredPost.text.is_not(None))
            ids = list(s.scalars(old))
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                s.execute(update(StoredPost).where(StoredPost.id.in_(chunk)).values(text=None))
                s.execute(
                    update(StoredClassification)
                    .where(StoredClassification.post_id.in_(chunk))
                    .values(evidence=null())
                )
        return len(ids)


@contextlib.contextmanager
def opened_store(url: str) -> Iterator[Store]:
    """A store for one command; an SQLite file this command created is removed again if the command fails."""
    database = make_url(url).database if url.startswith("sqlite") else None
    created = Path(database) if database and not Path(database).exists() else None
    store = Store.open(url)
    try:
        yield store
    except BaseException:
        store.close()
        if created is not None:
            for path in (created, Path(f"{created}-wal"), Path(f"{created}-shm")):
                path.unlink(missing_ok=True)
        raise
    finally:
        store.close()


def _holder_dead(lock: RunLock, host: str) -> bool:
    """A lock left by a process that no longer runs on this host (a killed run)."""
    if lock.host != host or lock.pid == os.getpid():
        return False
    try:
        os.kill(lock.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
