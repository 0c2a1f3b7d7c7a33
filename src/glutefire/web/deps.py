"""Typed dependencies: engine, the logged-in account, CSRF check, and clients the account owns.

Every route that takes a ``client_id`` goes through :func:`owned_client` (or
:func:`trainer_client`): another trainer's id is answered 404, exactly like an unknown id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from glutefire.store.accounts import client_for, live_web_session
from glutefire.store.models import Account
from glutefire.store.repository import unit_of_work
from glutefire.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    CookieSigner,
    same,
    token_digest,
)
from glutefire.web.settings import WebSettings

ANON_CSRF_COOKIE = "gf_csrf"


class LoginRequired(Exception):
    """No valid session: HTML routes redirect to the login page, others answer 401."""


@dataclass(frozen=True)
class Principal:
    """The logged-in account, detached from the database."""

    account_id: int
    email: str
    role: str
    display_name: str
    csrf_token: str
    session_digest: str

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer"


@dataclass(frozen=True)
class ClientRef:
    """A client the principal may see."""

    id: int
    display_name: str
    person_name: str
    person_id: int
    trainer_id: int
    has_login: bool


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def principal_from_cookie(
    engine: Engine, signer: CookieSigner, cookie: str | None
) -> Principal | None:
    token = signer.unsign(cookie) if cookie else None
    if token is None:
        return None
    digest = token_digest(token)
    with unit_of_work(engine) as uow:
        row = live_web_session(uow, digest)
        if row is None:
            return None
        a = row.account
        return Principal(a.id, a.email, a.role, a.display_name, row.csrf_token, digest)


def optional_principal(request: Request) -> Principal | None:
    return principal_from_cookie(
        request.app.state.engine, request.app.state.signer, request.cookies.get(SESSION_COOKIE)
    )


def current_principal(request: Request) -> Principal:
    principal = optional_principal(request)
    if principal is None:
        raise LoginRequired()
    return principal


def current_trainer(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.is_trainer:
        raise HTTPException(status_code=403, detail="only trainers can do this")
    return principal


async def _submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


async def check_csrf(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> None:
    """Every state-changing request of a logged-in account carries its session's CSRF token."""
    if not same(await _submitted_token(request), principal.csrf_token):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")


async def check_anonymous_csrf(request: Request) -> None:
    """Login and sign-up forms: double-submit token (cookie and hidden field must agree)."""
    cookie = request.cookies.get(ANON_CSRF_COOKIE, "")
    if not cookie or not same(await _submitted_token(request), cookie):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")


def load_client(engine: Engine, principal: Principal, client_id: int) -> ClientRef:
    """The client if the principal may see it; 404 otherwise (also for other trainers' ids)."""
    with unit_of_work(engine) as uow:
        client = client_for(uow, uow.get_one(Account, principal.account_id), client_id)
        if client is None:
            raise HTTPException(status_code=404, detail="no such client")
        return ClientRef(
            client.id,
            client.display_name,
            client.person.name,
            client.person_id,
            client.trainer_id,
            client.account_id is not None,
        )


def owned_client(
    client_id: int, request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> ClientRef:
    return load_client(request.app.state.engine, principal, client_id)


def trainer_client(
    client_id: int, request: Request, principal: Annotated[Principal, Depends(current_trainer)]
) -> ClientRef:
    return load_client(request.app.state.engine, principal, client_id)


SettingsDep = Annotated[WebSettings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentTrainer = Annotated[Principal, Depends(current_trainer)]
OwnedClient = Annotated[ClientRef, Depends(owned_client)]
TrainerClient = Annotated[ClientRef, Depends(trainer_client)]
Csrf = Depends(check_csrf)
AnonCsrf = Depends(check_anonymous_csrf)
