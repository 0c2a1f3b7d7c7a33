"""Accounts: sign-up, login, logout, CSRF, rate limit, expired and forged sessions."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import update

from glutefire.store.models import Account, WebSession
from glutefire.store.repository import unit_of_work
from glutefire.web.security import SESSION_COOKIE, hash_password, verify_password
from webtools import PASSWORD, csrf_of, signup


def _login(client, email="coach@example.org", password=PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        follow_redirects=False,
    )


def test_passwords_are_hashed_with_argon2_and_salted():
    first, second = hash_password("same password"), hash_password("same password")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "same password") and not verify_password(first, "other")


def test_signup_stores_only_a_hash(client):
    signup(client)
    with unit_of_work(client.app.state.engine) as uow:
        account = uow.query(Account).one()
        assert account.role == "trainer" and PASSWORD not in account.password_hash


def _signup(client, email="a@example.org", password=PASSWORD, name="A"):
    token = csrf_of(client.get("/signup").text)
    return client.post(
        "/signup",
        data={"csrf_token": token, "email": email, "password": password, "display_name": name},
    )


def test_signup_refuses_short_password(client):
    short = _signup(client, password="short")
    assert short.status_code == 400 and "at least 10 characters" in short.text


def test_signup_answers_alike_for_a_taken_email(client):
    """Sign-up must not tell whether an email has an account (today's main said so)."""
    first = _signup(client, "coach@example.org", name="A")
    client.cookies.clear()
    again = _signup(client, " Coach@Example.org", password="another long secret", name="B")
    assert first.status_code == again.status_code == 200
    token = re.compile(r'value="[^"]{20,}"')
    assert token.sub("", first.text) == token.sub("", again.text)  # word for word
    assert SESSION_COOKIE not in again.cookies and SESSION_COOKIE not in first.cookies
    with unit_of_work(client.app.state.engine) as uow:
        (account,) = uow.query(Account).all()  # the second did not replace the first
        assert verify_password(account.password_hash, PASSWORD)


def test_login_logout_round_trip(client):
    csrf = signup(client)
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/clients", follow_redirects=False).headers["location"].startswith("/login")
    ok = _login(client)
    assert ok.status_code == 303 and ok.headers["location"] == "/clients"
    assert client.get("/clients").status_code == 200


def test_logout_needs_csrf_and_ends_the_session_server_side(client):
    signup(client)
    cookie = client.cookies.get(SESSION_COOKIE)
    assert client.post("/logout", data={}).status_code == 403
    csrf = csrf_of(client.get("/clients").text)
    client.post("/logout", data={"csrf_token": csrf})
    client.cookies.set(SESSION_COOKIE, cookie)  # replaying the old cookie does not work
    assert client.get("/clients", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused(client):
    signup(client)
    client.cookies.delete(SESSION_COOKIE)
    response = _login(client, password="wrong password!")
    assert response.status_code == 400 and "wrong email or password" in response.text
    assert _login(client, email="nobody@example.org").status_code == 400


def test_login_is_rate_limited_per_ip_and_email(client):
    signup(client)
    client.cookies.delete(SESSION_COOKIE)
    for _ in range(client.app.state.settings.login_attempts):
        assert _login(client, password="wrong password!").status_code == 400
    blocked = _login(client)  # even the right password is refused now
    assert blocked.status_code == 429 and "too many failed logins" in blocked.text
    assert _login(client, email="other@example.org").status_code == 400  # other email: not blocked


def test_login_form_needs_its_csrf_token(client):
    signup(client)
    client.cookies.delete(SESSION_COOKIE)
    client.get("/login")
    response = client.post("/login", data={"email": "coach@example.org", "password": PASSWORD})
    assert response.status_code == 403


def test_posts_need_the_session_csrf_token(client):
    signup(client)
    assert client.post("/clients", data={"display_name": "Ana"}).status_code == 403
    assert (
        client.post("/clients", data={"display_name": "Ana", "csrf_token": "forged"}).status_code
        == 403
    )


def test_expired_session_is_refused(client):
    signup(client)
    with unit_of_work(client.app.state.engine) as uow:
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        uow.execute(update(WebSession).values(expires_at=past))
    response = client.get("/clients", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    json = client.get("/clients", headers={"accept": "application/json"})
    assert json.status_code == 401


def test_forged_or_stale_cookie_is_refused(client):
    signup(client)
    value = client.cookies.get(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, value[:-3] + "abc")
    assert client.get("/clients", follow_redirects=False).status_code == 303
    client.app.state.signer.max_age_s = -1  # signature older than the allowed age
    client.cookies.set(SESSION_COOKIE, value)
    assert client.get("/clients", follow_redirects=False).status_code == 303


def test_next_parameter_cannot_redirect_off_site(client):
    signup(client)
    client.cookies.delete(SESSION_COOKIE)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "coach@example.org",
            "password": PASSWORD,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/clients"


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "same-origin"
