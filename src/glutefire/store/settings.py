"""Which database to use: ``--db`` > ``GLUTEFIRE_DATABASE_URL`` > SQLite in the user data dir."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from glutefire.errors import DatabaseError

ENV_VAR = "GLUTEFIRE_DATABASE_URL"
DEFAULT_FILENAME = "glutefire.sqlite3"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def default_sqlite_url(data_dir: Path | None = None) -> str:
    """The embedded default: ``sqlite:///<user data dir>/glutefire.sqlite3``."""
    folder = data_dir or Path(platformdirs.user_data_dir("glutefire", appauthor=False))
    return f"sqlite:///{folder / DEFAULT_FILENAME}"


def resolve_database_url(
    cli_value: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
) -> str:
    """Return the database URL to use, normalised and validated.

    ``postgresql://`` and ``postgres://`` are mapped to the psycopg 3 driver.
    """
    env = os.environ if environ is None else environ
    raw = cli_value or env.get(ENV_VAR) or default_sqlite_url(data_dir)
    return normalise_url(raw)


def normalise_url(raw: str) -> str:
    """Validate a URL and pick our driver for PostgreSQL."""
    text = raw.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseError(
            f"expected a database URL such as sqlite:///path/to/file.sqlite3 or "
            f"postgresql://user@host/db, but got {raw!r}"
        ) from None
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise DatabaseError(
            f"expected a sqlite or postgresql database URL, but got {url.get_backend_name()!r}"
        )
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername == "postgresql+psycopg" and importlib.util.find_spec("psycopg") is None:
        raise DatabaseError(
            "a PostgreSQL database needs the psycopg driver, which is not installed; install "
            "glutefire[postgres] (pip install 'glutefire[postgres]')"
        )
    return url.render_as_string(hide_password=False)
