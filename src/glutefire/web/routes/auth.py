"""Sign-up, login, logout and client invites."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from glutefire.errors import RecordError
from glutefire.store import accounts
from glutefire.store.repository import unit_of_work
from glutefire.web.deps import (
    AnonCsrf,
    Csrf,
    CurrentPrincipal,
    EngineDep,
    SettingsDep,
    optional_principal,
)
from glutefire.web.render import anonymous_page, redirect
from glutefire.web.security import (
    DUMMY_HASH,
    MIN_PASSWORD_LENGTH,
    SESSION_COOKIE,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

router = APIRouter()


def _start_session(request: Request, engine, account, next_url: str) -> Response:
    settings = request.app.state.settings
    token = new_token()
    with unit_of_work(engine) as uow:
        accounts.create_web_session(
            uow,
            account,
            token_sha256=token_digest(token),
            csrf_token=new_token(),
            ttl_s=settings.session_ttl_s,
        )
    response = redirect(next_url)
    response.set_cookie(
        SESSION_COOKIE,
        request.app.state.signer.sign(token),
        max_age=settings.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


def _safe_next(url: str | None, default: str = "/clients") -> str:
    return url if url and url.startswith("/") and not url.startswith("//") else default


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RecordError(
            f"expected a password of at least {MIN_PASSWORD_LENGTH} characters, "
            f"but got {len(password)}"
        )


@router.get("/")
def home(request: Request) -> Response:
    principal = optional_principal(request)
    return redirect("/clients" if principal is not None else "/login")


@router.get("/signup")
def signup_form(request: Request) -> Response:
    return anonymous_page(request, "signup.html")


@router.post("/signup", dependencies=[AnonCsrf])
def signup(
    request: Request,
    engine: EngineDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
) -> Response:
    try:
        _check_password(password)
        with unit_of_work(engine) as uow:
            account = accounts.create_account(
                uow,
                email=email,
                password_hash=hash_password(password),
                role="trainer",
                display_name=display_name,
            )
    except RecordError as exc:
        return anonymous_page(
            request,
            "signup.html",
            status=400,
            error=str(exc),
            email=email,
            display_name=display_name,
        )
    return _start_session(request, engine, account, "/clients")


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return anonymous_page(request, "login.html", next=_safe_next(next))


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", dependencies=[AnonCsrf])
def login(
    request: Request,
    engine: EngineDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/clients",
) -> Response:
    limiter = request.app.state.login_limiter
    ip = _client_ip(request)
    if limiter.blocked(ip, email):
        return anonymous_page(
            request,
            "login.html",
            status=429,
            email=email,
            error="too many failed logins; wait 15 minutes and try again",
        )
    with unit_of_work(engine) as uow:
        account = accounts.find_account(uow, email)
    if (
        not verify_password(account.password_hash if account else DUMMY_HASH, password)
        or account is None
    ):
        limiter.failed(ip, email)
        return anonymous_page(
            request,
            "login.html",
            status=400,
            email=email,
            error="wrong email or password",
            next=_safe_next(next),
        )
    limiter.succeeded(ip, email)
    default = "/clients" if account.role == "trainer" else "/me"
    return _start_session(request, engine, account, _safe_next(next, default))


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, engine: EngineDep, principal: CurrentPrincipal) -> Response:
    with unit_of_work(engine) as uow:
        accounts.end_web_session(uow, principal.session_digest)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/invite/{token}")
def invite_form(request: Request, token: str, engine: EngineDep) -> Response:
    with unit_of_work(engine) as uow:
        invite = accounts.open_invite(uow, token_digest(token))
    if invite is None:
        return anonymous_page(
            request,
            "error.html",
            status=404,
            message="this invite link is unknown, used or expired",
            status_code=404,
        )
    return anonymous_page(request, "invite.html", token=token)


@router.post("/invite/{token}", dependencies=[AnonCsrf])
def accept_invite(
    request: Request,
    token: str,
    engine: EngineDep,
    settings: SettingsDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
) -> Response:
    try:
        _check_password(password)
        with unit_of_work(engine) as uow:
            invite = accounts.open_invite(uow, token_digest(token))
            if invite is None:
                raise RecordError("this invite link is unknown, used or expired")
            account = accounts.create_account(
                uow,
                email=email,
                password_hash=hash_password(password),
                role="client",
                display_name=display_name,
            )
            accounts.accept_invite(uow, invite, account)
    except RecordError as exc:
        return anonymous_page(request, "invite.html", status=400, token=token, error=str(exc))
    return _start_session(request, engine, account, "/me")
