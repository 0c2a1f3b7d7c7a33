"""Issue 13, security list: property tests (hypothesis) over the web forms through FastAPI's
TestClient: whatever a form field holds, the answer is never a 500 (a form error is a 4xx
page), and nothing out of range is stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glutefire.store.models import Client, SessionLog
from glutefire.store.repository import unit_of_work
from glutefire.web.app import create_app
from webtools import add_client, csrf_of, fake_screen, make_settings, signup

FIELD_VALUE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["inf", "-inf", "nan", "NaN", "1e400", "-1e400", "1e300", "99", "-1", "3.5", "", " "]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["Europe", "Etc", "../../etc/passwd", "9999-12-31", "0001-01-01", "2026-02-30"]
    ),
    st.text(max_size=5).map(lambda t: t * 70),  # up to 350 characters
)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _client(tmp_path) -> TestClient:
    # A generous login limit: the property test logs in many times from one address.
    settings_ = make_settings(tmp_path, login_attempts=10_000, login_address_attempts=10_000)
    return TestClient(create_app(settings_, screen=fake_screen), raise_server_exceptions=False)


def test_property_client_and_session_forms_never_answer_500(tmp_path):
    with _client(tmp_path) as client:
        csrf = signup(client)
        client_id = add_client(client, csrf)

        @PROPERTY_SETTINGS
        @given(
            name=FIELD_VALUE,
            zone=FIELD_VALUE,
            pain=FIELD_VALUE,
            effort=FIELD_VALUE,
            notes=FIELD_VALUE,
            day=FIELD_VALUE,
        )
        def check(name, zone, pain, effort, notes, day):
            made = client.post(
                "/clients",
                data={"csrf_token": csrf, "display_name": name, "time_zone": zone},
                follow_redirects=False,
            )
            assert made.status_code in (303, 400), made.text[:300]
            logged = client.post(
                f"/clients/{client_id}/sessions",
                data={
                    "csrf_token": csrf,
                    "pain": pain,
                    "effort": effort,
                    "notes": notes,
                    "date": day,
                },
                follow_redirects=False,
            )
            assert logged.status_code in (303, 400), logged.text[:300]
            assert logged.headers["x-frame-options"] == "DENY"

        check()
        with unit_of_work(client.app.state.engine) as uow:
            for row in uow.query(SessionLog):
                assert row.pain_0_10 is None or 0 <= row.pain_0_10 <= 10
            for row in uow.query(Client):
                assert 1 <= len(row.display_name) <= 200 and len(row.person.name) <= 200


QUESTIONNAIRE = {
    "sitting_hours_per_day": "9",
    "quad_dominant_percent": "70",
    "abdominal_training": "crunches_situps",
    "jump_landing": "unsure",
    "minutes_per_session": "30",
    "weeks": "6",
    "start_date": "2026-11-23",
}


def test_property_questionnaire_form_never_answers_500(tmp_path):
    with _client(tmp_path) as client:
        csrf = signup(client)
        client_id = add_client(client, csrf)

        @PROPERTY_SETTINGS
        @given(
            changes=st.dictionaries(
                st.sampled_from(
                    [*QUESTIONNAIRE, "nprs", "sessions_per_week", "age_years", "maintenance"]
                ),
                FIELD_VALUE,
                min_size=1,
                max_size=4,
            )
        )
        def check(changes):
            answer = client.post(
                f"/clients/{client_id}/questionnaire",
                data={**QUESTIONNAIRE, **changes, "csrf_token": csrf},
                follow_redirects=False,
            )
            assert answer.status_code in (303, 400), answer.text[:300]

        check()


def test_property_sign_up_and_login_forms_never_answer_500(tmp_path):
    with _client(tmp_path) as client:

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(email=FIELD_VALUE, password=FIELD_VALUE, name=FIELD_VALUE)
        def check(email, password, name):
            client.cookies.clear()
            token = csrf_of(client.get("/signup").text)
            signed = client.post(
                "/signup",
                data={
                    "csrf_token": token,
                    "email": email,
                    "password": password,
                    "display_name": name,
                },
            )
            assert signed.status_code in (200, 400), signed.text[:300]
            token = csrf_of(client.get("/login").text)
            login = client.post(
                "/login",
                data={"csrf_token": token, "email": email, "password": password},
                follow_redirects=False,
            )
            assert login.status_code in (303, 400), login.text[:300]

        check()
