"""URL resolution: --db > GLUTEFIRE_DATABASE_URL > SQLite in the user data folder."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from glutefire.errors import DatabaseError
from glutefire.store.engine import make_engine
from glutefire.store.settings import ENV_VAR, resolve_database_url


def test_precedence(tmp_path):
    env = {ENV_VAR: "postgresql://u@h/env"}
    assert resolve_database_url("sqlite:///cli.db", environ=env) == "sqlite:///cli.db"
    assert resolve_database_url(None, environ=env) == "postgresql+psycopg://u@h/env"
    assert resolve_database_url(None, environ={}, data_dir=tmp_path) == (
        f"sqlite:///{tmp_path / 'glutefire.sqlite3'}"
    )


def test_postgres_scheme_alias():
    assert resolve_database_url("postgres://a:b@h:5433/db", environ={}) == (
        "postgresql+psycopg://a:b@h:5433/db"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "expected a database URL"), ("mysql://h/db", "expected a sqlite or postgresql")],
)
def test_bad_urls(url, message):
    with pytest.raises(DatabaseError, match=message):
        resolve_database_url(url, environ={})


def test_sqlite_engine_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


def test_unreachable_postgres_is_one_clear_error():
    from glutefire.store.engine import open_database

    with pytest.raises(DatabaseError, match="cannot open the database"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_postgres_without_the_driver_is_one_clear_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    with pytest.raises(DatabaseError, match=r"glutefire\[postgres\]"):
        resolve_database_url("postgresql://u@h/db", environ={})


def test_cli_reports_the_missing_driver(monkeypatch):
    import importlib.util

    from conftest import run_cli

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    code, text = run_cli("history", "--person", "ana", "--db", "postgresql://u@h/db")
    assert code == 2 and text.startswith("error:") and "glutefire[postgres]" in text
