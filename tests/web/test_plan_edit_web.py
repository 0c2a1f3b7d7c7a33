"""A trainer edits or copies a plan in the browser's forms without the questionnaire: a swap,
other minutes and sessions a week, a new start date; each save is a new version."""

from __future__ import annotations

import re

from glutefire.store.engine import open_database
from glutefire.store.models import Plan
from glutefire.store.repository import unit_of_work
from tests.web.flows import questionnaire
from tests_upload_helpers import upload_sample
from webtools import add_client, signup


def _setup(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    upload_sample(client, csrf, cid)
    assert questionnaire(client, csrf, cid).status_code == 303
    return csrf, cid


def _first_swap(html: str) -> tuple[str, str, str]:
    """(exercise id, replacement id, replacement name) of the first exercise with a choice."""
    for xid, options in re.findall(r'<select name="swap_([a-z0-9_]+)">(.*?)</select>', html, re.S):
        found = re.search(r'<option value="([a-z0-9_]+)">([^<]+)</option>', options)
        if found:
            return xid, found.group(1), found.group(2)
    raise AssertionError("no exercise with a swap choice")


def _plans(settings) -> list[Plan]:
    engine = open_database(settings.database_url)
    with unit_of_work(engine) as uow:
        rows = uow.query(Plan).order_by(Plan.id).all()
        uow.expunge_all()
    engine.dispose()
    return rows


def test_a_plan_is_edited_swapped_and_re_dosed_as_a_new_version(client, settings):
    csrf, cid = _setup(client)
    form = client.get(f"/clients/{cid}/plan/edit")
    assert form.status_code == 200
    old, new, new_name = _first_swap(form.text)
    response = client.post(
        f"/clients/{cid}/plan/edit",
        data={
            "csrf_token": csrf,
            "minutes_per_session": "20",
            "sessions_per_week": "2",
            f"swap_{old}": new,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/clients/{cid}/plan").text
    assert "2 session(s) a week, up to 20 minutes each" in page
    assert new_name in page and "your trainer&#39;s choice" in page
    minutes = [float(m) for m in re.findall(r"<h3>Session [AB] \(about ([\d.]+) min\)", page)]
    assert minutes and max(minutes) <= 20
    first, second = _plans(settings)
    assert (first.status, second.status) == ("superseded", "active")
    assert second.intake_id == first.intake_id and second.screening_id == first.screening_id
    assert first.screening_id is not None
    assert second.plan["swaps"] == [{"exercise_id": old, "replaced_by": new}]
    assert old not in {
        x["exercise_id"]
        for p in second.plan["phases"]
        for s in p["sessions"]
        for x in s["exercises"]
    }


def test_a_bad_edit_is_explained_and_nothing_saved(client, settings):
    csrf, cid = _setup(client)
    bad = client.post(
        f"/clients/{cid}/plan/edit",
        data={"csrf_token": csrf, "minutes_per_session": "3", "sessions_per_week": "2"},
    )
    assert bad.status_code == 400 and "between 5 and 180, but got 3" in bad.text
    assert 'name="sessions_per_week" min="1" max="6" value="2"' in bad.text  # kept
    none = client.post(
        f"/clients/{cid}/plan/edit", data={"csrf_token": csrf, "sessions_per_week": "0"}
    )
    assert none.status_code == 400 and "between 1 and 6, but got 0" in none.text
    html = client.get(f"/clients/{cid}/plan/edit").text
    old = _first_swap(html)[0]
    wrong = client.post(
        f"/clients/{cid}/plan/edit",
        data={"csrf_token": csrf, f"swap_{old}": "half_kneeling_hip_flexor_stretch"},
    )
    assert wrong.status_code == 400 and "phase in place of" in wrong.text
    huge = client.post(f"/clients/{cid}/plan/edit", data={"csrf_token": csrf, "weeks": "1e400",
                       "minutes_per_session": "1e400"})  # fmt: skip
    assert huge.status_code == 400 and "whole number" in huge.text
    assert len(_plans(settings)) == 1


def test_a_plan_is_copied_to_a_new_start(client, settings):
    csrf, cid = _setup(client)
    response = client.post(
        f"/clients/{cid}/plan/copy",
        data={"csrf_token": csrf, "start_date": "2027-02-01"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    first, second = _plans(settings)
    assert second.start_date.isoformat() == "2027-02-01" and second.status == "active"
    assert second.plan["phases"] == first.plan["phases"]
    assert "Start 2027-02-01" in client.get(f"/clients/{cid}/plan").text


def test_a_plan_without_stored_answers_asks_for_the_questionnaire(client, settings):
    from conftest import sample_plan
    from glutefire.store.models import Client
    from glutefire.store.repository import record_plan

    csrf = signup(client)
    cid = add_client(client, csrf)
    engine = open_database(settings.database_url)
    with unit_of_work(engine) as uow:
        record_plan(uow, uow.get_one(Client, cid).person.name, sample_plan())
    engine.dispose()
    page = client.get(f"/clients/{cid}/plan/edit")
    assert page.status_code == 400
    assert "fill in the questionnaire to build a new plan" in page.text
