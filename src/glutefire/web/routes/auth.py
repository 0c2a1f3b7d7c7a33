"""Sign-up, login, logout and client invites."""

from __future__ import annotations

import math
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
from glutefire.web.passwords import check_password
from glutefire.web.render import anonymous_page, redirect
from glutefire.web.security import (
    DUMMY_HASH,
    SESSION_COOKIE,
    HashGate,
    LoginDecision,
    client_address,
    email_key,
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


def _gate(request: Request) -> HashGate:
    return request.app.state.hash_gate


#: Shown after every well-formed sign-up, new email or not: the page must not say which.
SIGNED_UP = (
    "if {email} had no account yet, it has one now: log in with the password you chose. "
    "If it had one already, log in with that account's password."
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
    """Create a trainer account. The answer is the same whether or not the email has an
    account already (the login page with one notice), so sign-up cannot be used to learn who
    has an account; the argon2 hash runs in both cases, so neither can its timing. Each client
    address has ``signup_address_attempts`` well-formed sign-ups per ``signup_window_s``; past
    them the answer is 429 with ``Retry-After``, before any hash."""
    try:
        clean_email = accounts.normalise_email(email)
        check_password(password, email=clean_email)
        limiter, address = request.app.state.signup_limiter, _client_address(request)
        decision = limiter.check(address)
        if not decision.allowed:
            return _too_many_signups(request, decision, email, display_name)
        limiter.record(address)
        with _gate(request).slot():
            password_hash = hash_password(password)
        with unit_of_work(engine) as uow:
            accounts.create_account(
                uow,
                email=clean_email,
                password_hash=password_hash,
                role="trainer",
                display_name=display_name,
            )
    except accounts.EmailTakenError:
        pass  # answered exactly like a new account (see the docstring)
    except RecordError as exc:
        return anonymous_page(
            request,
            "signup.html",
            status=400,
            error=str(exc),
            email=email,
            display_name=display_name,
        )
    return anonymous_page(
        request,
        "login.html",
        email=clean_email,
        notice=SIGNED_UP.format(email=clean_email),
        next="/clients",
    )


def _minutes(decision: LoginDecision) -> str:
    """The wait of a refused attempt in whole minutes, rounded up (``"1 minute"``, ``"15
    minutes"``): never shorter than the real wait."""
    minutes = max(1, math.ceil(decision.retry_after_s / 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _too_many_signups(
    request: Request, decision: LoginDecision, email: str, display_name: str
) -> Response:
    """The sign-up form again, 429, with what was typed and when to try again."""
    response = anonymous_page(
        request,
        "signup.html",
        status=429,
        error=f"too many sign-ups from this address; wait {_minutes(decision)} and try again",
        email=email,
        display_name=display_name,
    )
    response.headers["Retry-After"] = str(decision.retry_after_s)
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return anonymous_page(request, "login.html", next=_safe_next(next))


def _client_address(request: Request) -> str:
    return client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        request.app.state.settings.trusted_proxies,
    )


def _verified_account(request: Request, engine, email: str, password: str):
    """The account if ``password`` is its password, else None. Unknown emails verify against
    a dummy hash (same argon2 cost, so timing does not tell them apart) inside the same
    bounded :class:`HashGate` as real ones."""
    with unit_of_work(engine) as uow:
        account = accounts.find_account(uow, email)
    with _gate(request).slot():
        ok = verify_password(account.password_hash if account else DUMMY_HASH, password)
    return account if ok and account is not None else None


@router.post("/login", dependencies=[AnonCsrf])
def login(
    request: Request,
    engine: EngineDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/clients",
) -> Response:
    limiter = request.app.state.login_limiter
    address, key = _client_address(request), email_key(email)
    decision = limiter.check(address, key)
    if not decision.allowed:
        response = anonymous_page(
            request,
            "login.html",
            status=429,
            email=key,
            error=f"too many failed logins; wait {_minutes(decision)} and try again",
        )
        response.headers["Retry-After"] = str(decision.retry_after_s)
        return response
    account = _verified_account(request, engine, key, password)
    if account is None:
        limiter.failed(address, key)
        return anonymous_page(
            request,
            "login.html",
            status=400,
            email=key,
            error="wrong email or password",
            next=_safe_next(next),
        )
    limiter.succeeded(address, key)
    default = "/clients" if account.role == "trainer" else "/me"
    return _start_session(request, engine, account, _safe_next(next, default))


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, engine: EngineDep, principal: CurrentPrincipal) -> Response:
    with unit_of_work(engine) as uow:
        accounts.end_web_session(uow, principal.session_digest)
    request.app.state.live_sockets.end_session(principal.session_digest)
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
        check_password(password, email=email)
        with _gate(request).slot():
            password_hash = hash_password(password)
        with unit_of_work(engine) as uow:
            invite = accounts.open_invite(uow, token_digest(token))
            if invite is None:
                raise RecordError("this invite link is unknown, used or expired")
            account = accounts.create_account(
                uow,
                email=email,
                password_hash=password_hash,
                role="client",
                display_name=display_name,
            )
            accounts.accept_invite(uow, invite, account)
    except RecordError as exc:
        return anonymous_page(request, "invite.html", status=400, token=token, error=str(exc))
    return _start_session(request, engine, account, "/me")
