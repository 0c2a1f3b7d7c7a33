"""Failed logins kept in the database, so that every server process (uvicorn or gunicorn
workers, several hosts on one PostgreSQL) counts against the same limit. Keys arrive already
hashed: the table holds no email address or client address in clear."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from glutefire.store.models import LoginFailure, utcnow

SCOPES = ("account", "address")


def recent_failures(
    uow: Session, scope: str, key_sha256: str, *, window_s: float
) -> tuple[int, dt.datetime | None]:
    """(failures of ``key_sha256`` in ``scope`` within the last ``window_s`` s, oldest of them)."""
    since = utcnow() - dt.timedelta(seconds=window_s)
    count, oldest = uow.execute(
        select(func.count(LoginFailure.id), func.min(LoginFailure.failed_at)).where(
            LoginFailure.scope == scope,
            LoginFailure.key_sha256 == key_sha256,
            LoginFailure.failed_at > since,
        )
    ).one()
    return int(count), oldest


def record_failure(uow: Session, keys: dict[str, str], *, window_s: float) -> None:
    """One failure for each ``scope -> key``; rows older than the window go on the way."""
    now = utcnow()
    uow.execute(
        delete(LoginFailure).where(LoginFailure.failed_at <= now - dt.timedelta(seconds=window_s))
    )
    for scope, key in keys.items():
        if scope not in SCOPES:
            raise ValueError(f"expected a scope in {SCOPES}, but got {scope!r}")
        uow.add(LoginFailure(scope=scope, key_sha256=key, failed_at=now))


def clear_failures(uow: Session, scope: str, key_sha256: str) -> None:
    """Forget the failures of one key (an account after a successful login)."""
    uow.execute(
        delete(LoginFailure).where(
            LoginFailure.scope == scope, LoginFailure.key_sha256 == key_sha256
        )
    )
