"""Issue 13, security list: the login rate limit (one normalised email, per account and per
client address, trusted proxies only, shared through the database), the sign-up rate limit per
client address, bounded password hashing, sign-up that does not reveal accounts, and the
password policy."""

from __future__ import annotations

import ipaddress
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glutefire.store.models import Account
from glutefire.store.repository import unit_of_work
from glutefire.web.app import create_app
from glutefire.web.passwords import password_problem
from glutefire.web.security import HashGate, ServerBusy, client_address
from webtools import PASSWORD, csrf_of, fake_screen, make_settings, signup

EMAIL = "victim@example.org"
#: 20 spellings of one address: padding and case (the audit's bypass of today's main).
VARIANTS = [
    f"{pad_left}{email}{pad_right}"
    for email in (
        EMAIL,
        EMAIL.upper(),
        "Victim@Example.org",
        "VICTIM@example.ORG",
        "victim@EXAMPLE.org",
    )
    for pad_left, pad_right in (("", " "), (" ", ""), ("\t", ""), ("  ", "\n"))
]


def _login(client: TestClient, email: str, password: str, **headers: str):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        headers=headers,
        follow_redirects=False,
    )


def _app_client(tmp_path: Path, peer: str = "203.0.113.7", **overrides) -> TestClient:
    settings = make_settings(tmp_path, **overrides)
    return TestClient(create_app(settings, screen=fake_screen), client=(peer, 50000))


def test_100_guesses_over_20_padded_variants_are_refused(tmp_path):
    assert len(set(VARIANTS)) == 20
    with _app_client(tmp_path) as client:
        signup(client, EMAIL)
        client.cookies.clear()
        codes = [
            _login(client, VARIANTS[i % 20], f"guess number {i}").status_code for i in range(100)
        ]
        limit = client.app.state.settings.login_attempts
        assert codes[:limit] == [400] * limit
        assert codes[limit:] == [429] * (100 - limit)
        refused = _login(client, EMAIL, PASSWORD)  # even the right password, for the window
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_two_server_processes_share_one_count(tmp_path):
    """Two app instances on one database (as two uvicorn workers): failures add up."""
    with _app_client(tmp_path) as first, _app_client(tmp_path) as second:
        signup(first, EMAIL)
        first.cookies.clear()
        limit = first.app.state.settings.login_attempts
        for i in range(limit):
            assert _login((first, second)[i % 2], EMAIL, f"wrong guess {i}").status_code == 400
        assert _login(second, EMAIL, PASSWORD).status_code == 429
        assert _login(first, EMAIL, PASSWORD).status_code == 429


def test_one_address_cannot_spread_guesses_over_many_accounts(tmp_path):
    with _app_client(tmp_path, login_address_attempts=4) as client:
        codes = [
            _login(client, f"user{i}@example.org", "some wrong password").status_code
            for i in range(6)
        ]
    assert codes == [400] * 4 + [429] * 2


def _signup_post(client: TestClient, email: str, password: str = PASSWORD):
    token = csrf_of(client.get("/signup").text)
    return client.post(
        "/signup",
        data={"csrf_token": token, "email": email, "password": password, "display_name": "C"},
    )


def test_one_address_can_sign_up_only_so_many_times(tmp_path, monkeypatch):
    """Sign-ups per client address are limited like failed logins: past the limit a 429 with
    ``Retry-After``, before any hash, for new and taken emails alike; another address (or the
    same address on another server process) sees its own (shared) count."""
    import glutefire.web.routes.auth as auth

    hashed = []
    real_hash = auth.hash_password
    monkeypatch.setattr(auth, "hash_password", lambda pw: hashed.append(pw) or real_hash(pw))
    with _app_client(tmp_path, signup_address_attempts=3) as client:
        codes = [_signup_post(client, f"coach{i}@example.org").status_code for i in range(3)]
        assert _signup_post(client, "short", password="x").status_code == 400  # not counted
        refused = [_signup_post(client, email) for email in ("new@example.org", EMAIL)]
        taken = _signup_post(client, "coach0@example.org")
        assert codes == [200] * 3
        for response in [*refused, taken]:
            assert response.status_code == 429
            assert "too many sign-ups from this address; wait 60 minutes" in response.text
            assert 3500 < int(response.headers["retry-after"]) <= 3600
        assert 'value="coach0@example.org"' in taken.text  # what was typed is kept
        assert len(hashed) == 3  # no hash for a refused sign-up
        with unit_of_work(client.app.state.engine) as uow:
            assert uow.query(Account).count() == 3
        assert _login(client, "coach1@example.org", PASSWORD).status_code == 303  # logins go on
    with _app_client(tmp_path, signup_address_attempts=3) as same_address:
        assert _signup_post(same_address, "other@example.org").status_code == 429
    with _app_client(tmp_path, peer="198.51.100.9", signup_address_attempts=3) as other:
        assert _signup_post(other, "other@example.org").status_code == 200


def test_a_short_login_window_does_not_clear_the_sign_up_count(engine):
    """Each scope has its own window: a failed login (15 min window) deletes old login rows,
    never the sign-up rows of the last hour (SQLite and PostgreSQL)."""
    import datetime as dt

    from glutefire.store import login_limits
    from glutefire.store.models import LoginFailure

    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)
    with unit_of_work(engine) as uow:
        for scope in ("signup", "address"):
            uow.add(LoginFailure(scope=scope, key_sha256="k" * 64, failed_at=old))
    with unit_of_work(engine) as uow:
        login_limits.record_failure(uow, {"address": "a" * 64}, window_s=15 * 60)
    with unit_of_work(engine) as uow:
        assert login_limits.recent_failures(uow, "signup", "k" * 64, window_s=3600)[0] == 1
        assert login_limits.recent_failures(uow, "address", "k" * 64, window_s=3600)[0] == 0
    with pytest.raises(ValueError, match="expected a scope in"):
        with unit_of_work(engine) as uow:
            login_limits.record_failure(uow, {"nonsense": "k" * 64}, window_s=60)


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(tmp_path):
    # Untrusted peer (today's main trusted X-Forwarded-For from 127.0.0.1): a new forged
    # address per guess does not escape the per-address count.
    with _app_client(tmp_path, peer="127.0.0.1", login_address_attempts=3) as client:
        codes = [
            _login(
                client,
                f"u{i}@example.org",
                "some wrong password",
                **{"x-forwarded-for": f"10.9.0.{i}"},
            ).status_code
            for i in range(5)
        ]
    assert codes == [400] * 3 + [429] * 2
    # Behind a configured proxy, each forwarded client has its own count.
    with _app_client(
        tmp_path / "proxied",
        peer="10.0.0.2",
        login_address_attempts=3,
        trusted_proxies=["10.0.0.0/24"],
    ) as client:
        codes = [
            _login(
                client,
                f"u{i}@example.org",
                "some wrong password",
                **{"x-forwarded-for": f"198.51.100.{i}"},
            ).status_code
            for i in range(5)
        ]
    assert codes == [400] * 5


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("127.0.0.1", "1.2.3.4", "127.0.0.1"),  # no proxy configured: header ignored
        ("10.0.0.2", "1.2.3.4", "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.3", "1.2.3.4"),  # client-written entries ignored
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("8.8.8.8", "1.2.3.4", "8.8.8.8"),  # untrusted peer
        (None, None, "unknown"),
    ],
)
def test_client_address(peer, header, expected):
    trusted = [ipaddress.ip_network("10.0.0.0/24")] if peer != "127.0.0.1" else []
    assert client_address(peer, header, trusted) == expected


def test_password_hashing_is_bounded_and_refused_early_under_load(tmp_path):
    """With every hashing slot taken, a login (known email or not) is refused with 503 and
    Retry-After instead of queueing another 64 MiB argon2 check."""
    with _app_client(tmp_path, password_hash_slots=1, password_hash_wait_s=0.05) as client:
        signup(client, EMAIL)
        client.cookies.clear()
        with client.app.state.hash_gate.slot():
            for email in (EMAIL, "nobody@example.org"):
                busy = _login(client, email, "some wrong password")
                assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
                assert busy.headers["x-frame-options"] == "DENY"
        assert _login(client, EMAIL, PASSWORD).status_code == 303  # slot free again


def test_hash_gate_never_runs_more_than_its_slots():
    gate = HashGate(2, wait_s=0.5)
    running, peak, lock = [0], [0], threading.Lock()
    refused: list[int] = []
    release = threading.Event()

    def work() -> None:
        try:
            with gate.slot():
                with lock:
                    running[0] += 1
                    peak[0] = max(peak[0], running[0])
                release.wait(2)
                with lock:
                    running[0] -= 1
        except ServerBusy:
            refused.append(1)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads[:1]:
        t.join(0.8)
    release.set()
    for t in threads:
        t.join()
    assert peak[0] == 2 and len(refused) == 4


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "one character repeated"),
        (" " * 10, "more than spaces"),
        ("coach@example.org", "your email"),
        (" COACH@example.org", "your email"),
        ("longlocalpart@example.org"[:13], "your email"),
        ("password123", "common passwords"),
        ("1234567890", "common passwords"),
        ("Qwertyuiop", "common passwords"),
        ("short", "at least 10"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    email = "longlocalpart@example.org" if password.startswith("longlocal") else "coach@example.org"
    problem = password_problem(password, email=email)
    assert problem is not None and reason in problem


def test_weak_passwords_are_refused_on_the_sign_up_page(client):
    for weak in ("aaaaaaaaaa", " " * 10, "coach@example.org", "password123"):
        token = csrf_of(client.get("/signup").text)
        response = client.post(
            "/signup",
            data={
                "csrf_token": token,
                "email": "coach@example.org",
                "password": weak,
                "display_name": "C",
            },
        )
        assert response.status_code == 400
        assert "expected a password" in response.text or "common passwords" in response.text
    with unit_of_work(client.app.state.engine) as uow:
        assert uow.query(Account).count() == 0
    assert password_problem(PASSWORD, email="coach@example.org") is None


def test_serve_ignores_uvicorns_proxy_headers_and_takes_trusted_proxies(tmp_path, monkeypatch):
    """uvicorn rewrites the client address from X-Forwarded-For when the peer is 127.0.0.1
    unless told not to: the audit's bypass. ``serve`` turns that off and passes its own list."""
    import uvicorn

    from conftest import run_cli

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(app=app, **kwargs))
    code, text = run_cli(
        "serve", "--data-dir", tmp_path, "--trusted-proxy", "10.0.0.0/8", "--hsts-max-age-s", "600"
    )
    assert code == 0, text
    assert seen["proxy_headers"] is False
    settings = seen["app"].state.settings
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.0/8"]
    assert settings.hsts_max_age_s == 600
    code, text = run_cli("serve", "--data-dir", tmp_path, "--trusted-proxy", "nonsense")
    assert code == 2 and "error: expected valid web settings" in text


def test_shared_count_and_long_names_on_both_backends(db_url, tmp_path):
    """Two app instances share the limit on SQLite and PostgreSQL; the longest client name and
    an over-long email are handled within the columns (PostgreSQL enforces their lengths)."""
    settings = make_settings(tmp_path, db_url)
    apps = [create_app(settings, screen=fake_screen) for _ in range(2)]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        csrf = signup(first, EMAIL)
        made = first.post(
            "/clients",
            data={"csrf_token": csrf, "display_name": "N" * 200},
            follow_redirects=False,
        )
        assert made.status_code == 303
        first.cookies.clear()
        assert _login(first, "a" * 250 + "@example.org", "wrong guess").status_code == 400
        for i in range(settings.login_attempts):
            assert (
                _login((first, second)[i % 2], f" {EMAIL.upper()}", f"guess {i}").status_code == 400
            )
        assert _login(second, EMAIL, PASSWORD).status_code == 429
