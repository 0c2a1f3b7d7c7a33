"""Failed logins and sign-ups kept in the database, so that every server process (uvicorn or
gunicorn workers, several hosts on one PostgreSQL) counts against the same limit. Keys arrive
already hashed: the table holds no email address or client address in clear. Scopes:
``account`` and ``address`` (failed logins), ``signup`` (sign-ups per client address); each has
its own window, so old rows are deleted per scope."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from glutefire.store.models import LoginFailure, utcnow

SCOPES = ("account", "address", "signup")


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
    """One row for each ``scope -> key``; rows of these scopes older than the window go on the
    way (another scope's rows are left alone: its window may be longer)."""
    unknown = [scope for scope in keys if scope not in SCOPES]
    if unknown:
        raise ValueError(f"expected a scope in {SCOPES}, but got {unknown[0]!r}")
    now = utcnow()
    uow.execute(
        delete(LoginFailure).where(
            LoginFailure.scope.in_(list(keys)),
            LoginFailure.failed_at <= now - dt.timedelta(seconds=window_s),
        )
    )
    for scope, key in keys.items():
        uow.add(LoginFailure(scope=scope, key_sha256=key, failed_at=now))


def clear_failures(uow: Session, scope: str, key_sha256: str) -> None:
    """Forget the failures of one key (an account after a successful login)."""
    uow.execute(
        delete(LoginFailure).where(
            LoginFailure.scope == scope, LoginFailure.key_sha256 == key_sha256
        )
    )
