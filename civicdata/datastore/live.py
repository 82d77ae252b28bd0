"""Read-only connections to an office's own databases (PostgreSQL, MySQL, SQL Server, SQLite), for live
tables: a table or view is copied on a schedule into the Data API, where it gets the same type inference,
personal-data review, filters, formats and limits as an uploaded file.

Safety rules, all enforced here:
- the connection address is checked like any fetched address: a host that resolves to a private,
  loopback or link-local address is refused unless LIVE_TABLE_ALLOWED_HOSTS names it (databases usually
  sit on the office's private network, so operators list them there); the connection goes to the vetted
  address, so a DNS answer cannot change between the check and the connection;
- SQLite files are only read from folders named in LIVE_TABLE_SQLITE_DIRS, opened read-only;
- every session is read-only where the database can say so (PostgreSQL and MySQL), has a statement
  timeout, and reads at most the row cap; only one SELECT of a reflected table is ever sent, with the
  names quoted by SQLAlchemy, so no text from the form reaches the database as SQL.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import hashlib
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from civicdata.core.errors import InvalidInput
from civicdata.core.fetch import HostRefused, check_host

DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "mssql": "mssql+pymssql",
    "sqlserver": "mssql+pymssql",
    "sqlite": "sqlite",
}
ENGINE_NAMES = {
    "postgresql+psycopg": "PostgreSQL",
    "mysql+pymysql": "MySQL",
    "mssql+pymssql": "SQL Server",
    "sqlite": "SQLite",
}
DEFAULT_PORTS = {"postgresql+psycopg": 5432, "mysql+pymysql": 3306, "mssql+pymssql": 1433}
CONNECT_TIMEOUT = 10


class LiveSourceError(InvalidInput):
    """A connection or read that failed, with a message for the person who set it up."""


@dataclass(frozen=True, slots=True)
class Connection:
    """A checked connection address: the SQLAlchemy URL, the vetted IP to connect to, and what to show."""

    url: Any  # sqlalchemy.engine.URL
    address: str  # the vetted IP address ("" for SQLite)

    @property
    def engine_name(self) -> str:
        return ENGINE_NAMES[self.url.drivername]

    @property
    def display(self) -> str:
        """The address without its password, for pages and logs."""
        return self.url.render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class Snapshot:
    path: Path
    rows: int
    truncated: bool  # more rows than the cap: only the first `rows` were copied
    columns: list[str]


# --- the stored secret --------------------------------------------------------------------------------


def _fernet() -> Any:
    from cryptography.fernet import Fernet

    secret = settings.LIVE_TABLE_SECRET_KEY or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(b"civicdata live tables\0" + secret.encode()).digest())
    return Fernet(key)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise LiveSourceError(
            _("The saved connection can no longer be read (the site's secret key changed). Enter it again."),
            code="live.secret_changed",
        ) from None


# --- checking an address ------------------------------------------------------------------------------


def _sqlite_path(database: str) -> Path:
    if not database or database == ":memory:":
        raise LiveSourceError(_("Give the path of the SQLite file."), code="live.sqlite_path")
    path = Path(database).resolve()
    folders = [Path(folder).resolve() for folder in settings.LIVE_TABLE_SQLITE_DIRS]
    if not any(path.is_relative_to(folder) for folder in folders):
        raise LiveSourceError(
            _("SQLite files can only be read from the folders an administrator lists in LIVE_TABLE_SQLITE_DIRS."),
            code="live.sqlite_folder",
        )
    if not path.is_file():
        raise LiveSourceError(_("There is no SQLite file at %(path)s.") % {"path": path}, code="live.sqlite_missing")
    return path


def check_connection_url(text: str) -> Connection:
    """Parse and vet a connection address such as postgresql://reader:secret@db.city.gov/permits."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise LiveSourceError(_("Enter the database's connection address."), code="live.url_missing")
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise LiveSourceError(
            _("This is not a connection address. It looks like postgresql://user:password@host/database."),
            code="live.url_malformed",
        ) from None
    backend = url.drivername.split("+")[0].lower()
    if backend not in DRIVERS:
        raise LiveSourceError(
            _("civicdata reads PostgreSQL, MySQL, SQL Server and SQLite databases, not “%(kind)s”.")
            % {"kind": backend},
            code="live.unsupported",
        )
    url = url.set(drivername=DRIVERS[backend])
    if url.drivername == "sqlite":
        _sqlite_path(url.database or "")
        return Connection(url=url.set(query={}), address="")
    if not url.host:
        raise LiveSourceError(_("The address has no host name."), code="live.no_host")
    if not url.database:
        raise LiveSourceError(_("The address names no database."), code="live.no_database")
    host = url.host.lower()
    port = url.port or DEFAULT_PORTS[url.drivername]
    try:
        address = check_host(host, port, allowed=settings.LIVE_TABLE_ALLOWED_HOSTS)
    except HostRefused as refused:
        if refused.address is None:
            raise LiveSourceError(
                _("The host %(host)s could not be found.") % {"host": host}, code="live.dns"
            ) from None
        raise LiveSourceError(
            _(
                "%(host)s is on a private or internal network (%(address)s). An administrator can allow "
                "it with LIVE_TABLE_ALLOWED_HOSTS."
            )
            % {"host": host, "address": refused.address},
            code="live.blocked_address",
        ) from None
    # Only options we set ourselves reach the driver: none from the address (sslmode etc. excepted).
    query = {k: v for k, v in url.query.items() if k in {"sslmode", "sslrootcert", "charset"}}
    return Connection(url=url.set(query=query, port=port), address=address)


# --- connecting ---------------------------------------------------------------------------------------


def _engine(connection: Connection, timeout: float) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    url, ms = connection.url, int(timeout * 1000)
    if url.drivername == "sqlite":
        path = _sqlite_path(url.database or "")

        def opened() -> sqlite3.Connection:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=CONNECT_TIMEOUT)
            deadline = time.monotonic() + timeout
            conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            return conn

        return create_engine("sqlite://", creator=opened, poolclass=NullPool)
    if url.drivername == "postgresql+psycopg":
        args = {
            "hostaddr": connection.address,
            "connect_timeout": CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={ms} -c default_transaction_read_only=on",
        }
        return create_engine(url, poolclass=NullPool, connect_args=args)
    if url.drivername == "mysql+pymysql":
        args = {
            "connect_timeout": CONNECT_TIMEOUT,
            "read_timeout": max(1, int(timeout)),
            "init_command": f"SET SESSION TRANSACTION READ ONLY, SESSION max_execution_time={ms}",
        }
        return create_engine(url.set(host=connection.address), poolclass=NullPool, connect_args=args)
    args = {"login_timeout": CONNECT_TIMEOUT, "timeout": max(1, int(timeout))}
    return create_engine(url.set(host=connection.address), poolclass=NullPool, connect_args=args)


@contextmanager
def connected(connection: Connection, *, timeout: float | None = None) -> Iterator[Any]:
    """A read-only SQLAlchemy connection; any failure becomes a LiveSourceError with the driver's words."""
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine(connection, timeout or settings.LIVE_TABLE_QUERY_TIMEOUT)
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise LiveSourceError(
            _("The database answered: %(detail)s") % {"detail": detail.replace(connection.url.password or "\0", "***")},
            code="live.database_error",
        ) from None
    finally:
        engine.dispose()


def list_relations(connection: Connection) -> list[str]:
    """Tables and views a person may choose, as `name` or `schema.name` outside the default schema."""
    from sqlalchemy import inspect

    with connected(connection) as conn:
        inspector = inspect(conn)
        names: list[str] = []
        default = inspector.default_schema_name
        schemas = [default] if connection.url.drivername == "sqlite" else inspector.get_schema_names()
        for schema in schemas:
            if schema in {"information_schema", "pg_catalog", "sys", "mysql", "performance_schema", "pg_toast"}:
                continue
            if schema and schema.startswith(("pg_temp", "pg_toast", "db_")):
                continue
            prefix = "" if schema == default else f"{schema}."
            for name in [*inspector.get_table_names(schema=schema), *inspector.get_view_names(schema=schema)]:
                names.append(prefix + name)
            if len(names) > 5000:
                break
    return sorted(set(names))[:5000]


def _split(relation: str) -> tuple[str | None, str]:
    schema, _sep, name = relation.strip().rpartition(".")
    return (schema or None), name


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ""  # binary columns (pictures, documents) are not table data
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def snapshot(connection: Connection, relation: str, folder: Path, *, row_cap: int, max_bytes: int) -> Snapshot:
    """Copy up to `row_cap` rows of `relation` into a new CSV file in `folder`."""
    from sqlalchemy import MetaData, Table, select
    from sqlalchemy.exc import NoSuchTableError

    schema, name = _split(relation)
    path = folder / f"live-{uuid.uuid4().hex}.csv"
    rows = 0
    truncated = False
    with connected(connection) as conn:
        try:
            table = Table(name, MetaData(), schema=schema, autoload_with=conn)
        except NoSuchTableError:
            raise LiveSourceError(
                _("The database has no table or view named %(name)s.") % {"name": relation}, code="live.no_table"
            ) from None
        columns = [column.name for column in table.columns]
        query = select(table).limit(row_cap + 1)
        try:
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                result = conn.execution_options(stream_results=True, yield_per=2000).execute(query)
                for row in result:
                    if rows == row_cap:
                        truncated = True
                        break
                    writer.writerow([_cell(value) for value in row])
                    rows += 1
                    if rows % 2000 == 0 and handle.tell() > max_bytes:
                        raise LiveSourceError(
                            _("The table is larger than the %(mb)s MB limit; choose a view with fewer rows.")
                            % {"mb": max_bytes >> 20},
                            code="live.too_large",
                        )
                result.close()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Snapshot(path=path, rows=rows, truncated=truncated, columns=columns)
