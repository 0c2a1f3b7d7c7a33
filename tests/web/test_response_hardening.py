"""Issue 13, security list: answers that were 500s on today's main (non-Latin-1 PDF names, time
zones such as ``Europe``, 300-character names, ``inf``/``1e400`` numbers) are clear 4xx form
errors; every response, a 500 included, carries the security headers; private pages and PDFs
are ``no-store``; HSTS when configured."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from glutefire.store.models import Person
from glutefire.store.repository import unit_of_work
from glutefire.web.app import create_app
from glutefire.web.routes.reports import attachment
from webtools import RED_FLAGS, add_client, fake_screen, make_settings, signup


def _post_client(client, csrf, name, time_zone="UTC"):
    return client.post(
        "/clients",
        data={"csrf_token": csrf, "display_name": name, "time_zone": time_zone},
        follow_redirects=False,
    )


@pytest.mark.parametrize("name", ["Łukasz 李", "Ζωή Παπαδοπούλου", "Ана-Мария", "🏋️ Lift"])
def test_report_pdf_downloads_under_a_non_latin1_client_name(client, name):
    csrf = signup(client)
    client_id = add_client(client, csrf, name)
    response = client.get(f"/clients/{client_id}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    disposition = response.headers["content-disposition"]
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and fallback.endswith(".pdf")
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == f"glutefire-{name}.pdf"


def test_attachment_header_is_ascii_and_bounded():
    header = attachment("glutefire-" + "Ł" * 300 + ".pdf")
    assert header.isascii() and header.count("%C5%81") == 80 - len("glutefire-")
    assert 'filename="glutefire-_ukasz_Jose.pdf"' in attachment("glutefire-Łukasz José.pdf")


@pytest.mark.parametrize("zone", ["Europe", "Etc", "Europe/", "../../etc/passwd", "Z" * 300, " "])
def test_bad_time_zones_are_form_errors(client, zone):
    csrf = signup(client)
    response = _post_client(client, csrf, "Ana", zone)
    assert response.status_code == 400 and "expected an IANA time zone" in response.text


def test_long_names_are_form_errors_and_the_longest_allowed_fits_its_column(client):
    csrf = signup(client)
    response = _post_client(client, csrf, "A" * 300)
    assert response.status_code == 400 and "1-200 characters" in response.text
    (message,) = re.findall(r'id="add-client-error"[^>]*>(.*?)</p>', response.text, re.S)
    assert "A" * 41 not in message  # the message quotes at most 40 of them (the field keeps all)
    assert _post_client(client, csrf, "B" * 200).status_code == 303
    with unit_of_work(client.app.state.engine) as uow:
        (person,) = uow.query(Person).all()
        assert len(person.name) <= 200  # PostgreSQL refuses longer: today's main gave a 500


def test_long_emails_and_names_on_sign_up_are_form_errors(client):
    from webtools import csrf_of

    for email, name in (("a" * 300 + "@example.org", "Coach"), ("c@example.org", "N" * 300)):
        token = csrf_of(client.get("/signup").text)
        response = client.post(
            "/signup",
            data={
                "csrf_token": token,
                "email": email,
                "password": "correct horse battery",
                "display_name": name,
            },
        )
        assert response.status_code == 400 and "expected" in response.text


BAD_NUMBERS = ["inf", "-inf", "1e400", "nan", "NaN", "1e300", "99999999999999999999"]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_non_finite_numbers_in_session_and_questionnaire_forms_are_form_errors(client, value):
    csrf = signup(client)
    client_id = add_client(client, csrf)
    session = client.post(
        f"/clients/{client_id}/sessions",
        data={"csrf_token": csrf, "pain": value, "effort": "5", "date": "2026-03-02"},
    )
    assert session.status_code == 400 and "expected" in session.text
    for field in ("minutes_per_session", "nprs", "weeks", "sessions_per_week"):
        answer = client.post(
            f"/clients/{client_id}/questionnaire",
            data={**QUESTIONNAIRE, "csrf_token": csrf, field: value},
        )
        assert answer.status_code == 400, (field, value)
        assert f'id="err-{field}"' in answer.text, (field, value)  # the message by the field
    for field in ("sitting_hours_per_day", "quad_dominant_percent"):
        answer = client.post(
            f"/clients/{client_id}/questionnaire",
            data={**QUESTIONNAIRE, "csrf_token": csrf, field: value},
        )
        assert answer.status_code == 400, (field, value)
        assert f'id="err-{field}"' in answer.text, (field, value)


#: A questionnaire that builds a plan (tests/web/test_workflow.py), one field replaced per test.
QUESTIONNAIRE = {
    "sitting_hours_per_day": "9",
    "quad_dominant_percent": "70",
    "abdominal_training": "crunches_situps",
    "jump_landing": "unsure",
    "minutes_per_session": "30",
    "weeks": "6",
    "start_date": "2026-11-23",
    **{f"flag_{flag}": "no" for flag in RED_FLAGS},  # warning signs must be answered
}


def _app_with_a_bug(tmp_path, **overrides) -> TestClient:
    app = create_app(make_settings(tmp_path, **overrides), screen=fake_screen)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug with /secret/server/path in its message")

    return TestClient(app, raise_server_exceptions=False)


def test_a_500_carries_the_security_headers_and_hides_the_bug(tmp_path):
    with _app_with_a_bug(tmp_path) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "/secret/server/path" not in response.text and "internal error" in response.text


def test_private_pages_and_pdfs_are_not_stored_static_files_may_be(client):
    csrf = signup(client)
    client_id = add_client(client, csrf)
    for url in ("/clients", f"/clients/{client_id}", f"/clients/{client_id}/report.pdf", "/login"):
        assert client.get(url).headers["cache-control"] == "no-store", url
    static = client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
    assert "strict-transport-security" not in static.headers  # off by default


def test_hsts_is_sent_when_the_deployment_enables_it(tmp_path):
    with _app_with_a_bug(tmp_path, hsts_max_age_s=31_536_000) as client:
        for response in (client.get("/login"), client.get("/boom")):
            assert (
                response.headers["strict-transport-security"]
                == "max-age=31536000; includeSubDomains"
            )


def test_every_security_setting_is_documented_with_its_default():
    from conftest import ROOT
    from glutefire.web.settings import WebSettings

    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    names = [
        "login_attempts", "login_address_attempts", "login_window_s", "trusted_proxies",
        "password_hash_slots", "password_hash_wait_s", "max_clip_duration_s", "max_clip_frames",
        "max_clip_pixels", "live_max_frame_pixels", "live_sockets_per_account", "hsts_max_age_s",
        "cookie_secure",
    ]  # fmt: skip
    for name in names:
        assert name in WebSettings.model_fields, name
        assert f"| `{name}` |" in text, f"{name} is not in the table of docs/security.md"


def test_a_far_plan_start_date_is_a_form_error(client):
    """Found by the property test: a start in year 9999 overflowed the calendar (500)."""
    csrf = signup(client)
    client_id = add_client(client, csrf)
    for day in ("9999-12-10", "0001-01-01"):
        answer = client.post(
            f"/clients/{client_id}/questionnaire",
            data={**QUESTIONNAIRE, "csrf_token": csrf, "start_date": day},
        )
        assert answer.status_code == 400 and "expected --start-date between" in answer.text
