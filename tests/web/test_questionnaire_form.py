"""The questionnaire form as a trainer meets it: a wrong answer is named next to its field in
words and every other answer stays; warning signs must be answered; options read as words; the
Kujala and Oswestry scales are asked as in ``glutefire intake``; the next visit starts from the
last answers (warning signs asked afresh)."""

from __future__ import annotations

import re

import pytest

from glutefire.store.models import Client
from glutefire.store.repository import unit_of_work
from webtools import RED_FLAGS, add_client, signup


@pytest.fixture
def trainer(client):
    csrf = signup(client)
    return csrf, add_client(client, csrf)


def _form(csrf, **extra):
    return {
        "csrf_token": csrf,
        "age_years": "41",
        "sitting_hours_per_day": "9.5",
        "quad_dominant_percent": "70",
        "abdominal_training": "crunches_situps",
        "jump_landing": "stiff_loud",
        "sport_running": "on",
        "pain_knee": "4",
        "minutes_per_session": "25",
        "weeks": "6",
        **{f"flag_{flag}": "no" for flag in RED_FLAGS},
        **extra,
    }


def _error_of(html: str, field: str) -> str:
    match = re.search(rf'class="error field-error" id="err-{field}"[^>]*>([^<]*)</span>', html)
    assert match, f"no message next to {field}"
    return match.group(1)


def _intake(client, cid) -> dict:
    with unit_of_work(client.app.state.engine) as uow:
        intakes = uow.get_one(Client, cid).person.intakes
        return dict(intakes[-1].answers) if intakes else {}


def test_a_wrong_answer_is_named_next_to_its_field_and_the_others_stay(client, trainer):
    csrf, cid = trainer
    response = client.post(
        f"/clients/{cid}/questionnaire", data=_form(csrf, sitting_hours_per_day="30")
    )
    assert response.status_code == 400
    html = response.text
    assert _error_of(html, "sitting_hours_per_day") == "expected a number from 0 to 24, but got 30"
    assert "{" not in html.split("<main>", 1)[1].split("</main>", 1)[0]  # no Python dict
    assert 'name="sitting_hours_per_day" type="number"' in html and 'value="30"' in html
    assert 'name="age_years" type="number"' in html and 'value="41"' in html
    assert '<option value="crunches_situps" selected>' in html
    assert '<option value="stiff_loud" selected>' in html
    assert 'name="sport_running" checked' in html
    assert re.search(r'name="pain_knee"[^>]*value="4"', html)
    assert 'name="minutes_per_session" type="number"' in html and 'value="25"' in html
    assert _intake(client, cid) == {}


def test_every_warning_sign_must_be_answered(client, trainer):
    csrf, cid = trainer
    data = _form(csrf)
    for flag in RED_FLAGS:
        del data[f"flag_{flag}"]
    response = client.post(f"/clients/{cid}/questionnaire", data=data)
    assert response.status_code == 400
    for flag in RED_FLAGS:
        assert "please answer yes or no" in _error_of(response.text, f"flag_{flag}")
    assert _intake(client, cid) == {}
    form = client.get(f"/clients/{cid}/questionnaire").text
    for flag in RED_FLAGS:  # no starting answer, and the browser asks for one
        assert re.search(rf'name="flag_{flag}" value="yes"[^>]* required', form)
        assert not re.search(rf'name="flag_{flag}" value="\w+" checked', form)


def test_options_read_as_words(client, trainer):
    _, cid = trainer
    form = client.get(f"/clients/{cid}/questionnaire").text
    shown = re.sub(r"<[^>]+>", " ", form)  # the text a person reads, without tags
    for words in ("Crunches or sit-ups", "Field sports (football, rugby, hockey)", "Lower back"):
        assert words in shown
    for raw in ("crunches_situps", "field_sports", "lower_back", "Enter to skip"):
        assert raw not in shown


def test_kujala_and_oswestry_are_scored_as_in_the_cli(client, trainer):
    csrf, cid = trainer
    kujala = {f"kujala_{i}": "a" for i in range(1, 14)}
    oswestry = {f"oswestry_{i}": "1" for i in range(1, 10)}  # 9 of 10 answered
    response = client.post(
        f"/clients/{cid}/questionnaire",
        data=_form(csrf, nprs="3", **kujala, **oswestry),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    scales = _intake(client, cid)["scales"]
    assert scales["kujala"] == ["a"] * 13 and scales["nprs"] == 3
    assert scales["oswestry"] == [1] * 9 + [None]


def test_half_a_scale_is_refused_with_the_missing_items_marked(client, trainer):
    csrf, cid = trainer
    response = client.post(
        f"/clients/{cid}/questionnaire",
        data=_form(csrf, kujala_1="a", kujala_2="b", oswestry_1="2"),
    )
    assert response.status_code == 400
    assert _error_of(response.text, "kujala_3") == "answer every Kujala item, or none of them"
    assert "answer at least 8 of the 10 Oswestry sections" in _error_of(response.text, "oswestry_1")
    assert '<details id="kujala" open>' in response.text
    assert '<option value="b" selected>' in response.text


def test_the_next_visit_starts_from_the_last_answers_but_asks_the_warning_signs_again(
    client, trainer
):
    csrf, cid = trainer
    assert "Filled in from the last" not in client.get(f"/clients/{cid}/questionnaire").text
    client.post(
        f"/clients/{cid}/questionnaire",
        data=_form(csrf, kujala_1="a", **{f"kujala_{i}": "c" for i in range(2, 14)}),
        follow_redirects=False,
    )
    form = client.get(f"/clients/{cid}/questionnaire").text
    assert 'id="prefilled"' in form
    assert re.search(r'name="sitting_hours_per_day"[^>]*value="9.5"', form)
    assert re.search(r'name="pain_knee"[^>]*value="4"', form)
    assert '<option value="stiff_loud" selected>' in form
    assert 'name="sport_running" checked' in form
    assert re.search(r'name="kujala_1"[^>]*>.*?<option value="a" selected>', form, re.S)
    assert not re.search(r'name="flag_\w+" value="\w+" checked', form)


def test_a_plan_field_that_is_not_a_number_is_named_next_to_it(client, trainer):
    csrf, cid = trainer
    response = client.post(
        f"/clients/{cid}/questionnaire", data=_form(csrf, weeks="six", start_date="soon")
    )
    assert response.status_code == 400
    assert _error_of(response.text, "weeks") == "expected a number for weeks, but got &#39;six&#39;"
    assert "expected a date as YYYY-MM-DD" in _error_of(response.text, "start_date")
    assert re.search(r'name="weeks"[^>]*value="six"', response.text)
