"""Sessions logged per exercise with loads and units, shown in progress; Strong/Hevy import in
the web app with the glute:quad balance (the CLI's reader, store and balance)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from glutefire.store.engine import open_database
from glutefire.store.models import SessionExercise
from glutefire.store.repository import unit_of_work
from tests.web.flows import quad_heavy_week, questionnaire, strong_csv
from webtools import add_client, signup


@pytest.fixture
def trainer(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    return csrf, cid


def _first_exercises(html: str) -> list[str]:
    return re.findall(r'name="sets_([a-z0-9_]+)"', html)


def test_a_session_is_logged_per_exercise_with_load_and_unit(client, trainer, settings):
    csrf, cid = trainer
    assert questionnaire(client, csrf, cid).status_code == 303
    form = client.get(f"/clients/{cid}/sessions/new").text
    ids = _first_exercises(form)
    assert len(ids) >= 2
    first, second = ids[0], ids[1]
    reps_field = "hold_" if f'name="hold_{first}"' in form else "reps_"
    data = {
        "csrf_token": csrf,
        "date": dt.date.today().isoformat(),
        f"sets_{first}": "2",
        f"{reps_field}{first}": "8",
        f"load_{first}": "22.5",
        f"unit_{first}": "kg",
        f"unit_{second}": "band",
        "pain": "1",
    }
    response = client.post(f"/clients/{cid}/sessions", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    engine = open_database(settings.database_url)
    with unit_of_work(engine) as uow:
        rows = {r.exercise_id: r for r in uow.query(SessionExercise)}
        assert (rows[first].done_sets, rows[first].done_load) == (2, "22.5 kg")
        assert (rows[first].done_load_value, rows[first].done_load_unit) == (22.5, "kg")
        assert (rows[second].done_load_value, rows[second].done_load_unit) == (None, "band")
        assert rows[second].done_sets == rows[second].target_sets  # sets not given: as planned
    engine.dispose()
    progress = client.get(f"/clients/{cid}/progress").text
    assert 'id="logged-sessions"' in progress
    assert "2x8 @ 22.5 kg" in progress or "2x8 s @ 22.5 kg" in progress
    assert "@ band" in progress


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"load": "20", "unit": ""}, "expected a unit"),
        ({"load": "-5", "unit": "kg"}, "expected a weight above 0"),
        ({"load": "inf", "unit": "lb"}, "expected a weight above 0"),
        ({"load": "20", "unit": "bodyweight"}, "expected no number with a bodyweight load"),
        ({"load": "", "unit": "stone"}, "expected a load unit from kg, lb, bodyweight, band"),
        ({"sets": "1e9"}, "expected sets of"),
        ({"sets": "21"}, "expected sets of"),
    ],
)
def test_bad_loads_are_refused_and_the_form_kept(client, trainer, fields, message):
    csrf, cid = trainer
    questionnaire(client, csrf, cid)
    xid = _first_exercises(client.get(f"/clients/{cid}/sessions/new").text)[0]
    data = {"csrf_token": csrf, "notes": "kept note"}
    data.update({f"{name}_{xid}": value for name, value in fields.items()})
    response = client.post(f"/clients/{cid}/sessions", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert "kept note" in response.text  # what was typed stays in the form
    assert 'id="logged-sessions"' not in client.get(f"/clients/{cid}/progress").text


def test_strong_import_shows_the_balance_and_skips_duplicates(client, trainer):
    csrf, cid = trainer
    text = quad_heavy_week(dt.date.today())
    files = {"log": ("strong.csv", text.encode(), "text/csv")}
    page = client.post(f"/clients/{cid}/training-log", data={"csrf_token": csrf}, files=files)
    assert page.status_code == 200, page.text
    assert "Imported 5 set(s) from a strong export (0 already stored" in page.text
    assert (
        "Quad-dominant work outweighs glute-dominant work: 3 knee-dominant vs 1 hip-dominant"
        in (page.text)
    )
    assert 'id="balance-plot" src="data:image/png;base64,' in page.text
    again = client.post(f"/clients/{cid}/training-log", data={"csrf_token": csrf}, files=files)
    assert "Imported 0 set(s) from a strong export (5 already stored" in again.text
    view = client.get(f"/clients/{cid}/training-log")
    assert "3 knee-dominant vs 1 hip-dominant" in view.text


def test_hevy_export_is_recognised(client, trainer):
    csrf, cid = trainer
    with open("tests/data/hevy_sample.csv", "rb") as fh:
        page = client.post(
            f"/clients/{cid}/training-log",
            data={"csrf_token": csrf},
            files={"log": ("hevy.csv", fh, "text/csv")},
        )
    assert page.status_code == 200 and "from a hevy export" in page.text
    assert "Imported 0 set(s)" not in page.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not text"),
        (b"a,b,c\n1,2,3\n", "expected a CSV export from strong or hevy"),
        (b'Date,Exercise Name,Set Order\n"unterminated,1,2\n', "expected"),
        (
            ("Date,Exercise Name,Set Order\n2026-01-01," + "x" * 140_000 + ",1\n").encode(),
            "expected",
        ),
    ],
)
def test_malformed_csvs_get_one_clear_error(client, trainer, content, message):
    csrf, cid = trainer
    page = client.post(
        f"/clients/{cid}/training-log",
        data={"csrf_token": csrf},
        files={"log": ("bad.csv", content, "text/csv")},
    )
    assert page.status_code == 422
    assert message in page.text
    assert "Traceback" not in page.text


def test_bad_rows_are_listed_with_their_line(client, trainer):
    csrf, cid = trainer
    text = strong_csv(dt.date.today(), [("Hip Thrust (Barbell)", "1", 100, 10)])
    text += f'{dt.date.today()} 18:00:00,"Lower",50m,"Hip Thrust (Barbell)",2,heavy,10,0,0,,,\n'
    page = client.post(
        f"/clients/{cid}/training-log",
        data={"csrf_token": csrf},
        files={"log": ("s.csv", text.encode(), "text/csv")},
    )
    assert "Imported 1 set(s)" in page.text
    assert "Skipped line 3:" in page.text and "heavy" in page.text
