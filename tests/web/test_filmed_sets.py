"""Filmed sets on the session form (issue 14): a clip per exercise that has a check, checked
with the CLI's `log --clip` analysis (real pose model, shared samples); measured reps or hold next
to the target; refused clips keep the form and store nothing; another trainer's set is a 404."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from glutefire.store.engine import open_database
from glutefire.store.models import (
    ExerciseCheckItem,
    ExerciseCheckRecord,
    SessionExercise,
    SessionLog,
)
from glutefire.store.repository import unit_of_work
from tests.web.flows import questionnaire
from webtools import add_client, signup

ROOT = Path(__file__).resolve().parents[2]
BRIDGE = ROOT / "samples" / "glute_bridge_side_pexels_6525487.mp4"
SIDE_PLANK = ROOT / "samples" / "side_plank_pexels_6023266.mp4"


@pytest.fixture
def trainer(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    assert questionnaire(client, csrf, cid).status_code == 303
    return csrf, cid


def _film_fields(html: str) -> list[str]:
    return re.findall(r'name="clip_([a-z0-9_]+)"', html)


def _post(client, cid: int, csrf: str, files: dict, **fields: str):
    data = {"csrf_token": csrf, "date": dt.date.today().isoformat(), **fields}
    return client.post(f"/clients/{cid}/sessions", data=data, files=files, follow_redirects=False)


def _counts(settings) -> tuple[int, int, int]:
    engine = open_database(settings.database_url)
    with unit_of_work(engine) as uow:
        counts = (
            uow.query(SessionLog).count(),
            uow.query(ExerciseCheckRecord).count(),
            uow.query(ExerciseCheckItem).count(),
        )
    engine.dispose()
    return counts


def test_the_form_offers_a_clip_only_for_exercises_with_a_check(client, trainer):
    from glutefire.exercises.spec import check_for_library_exercise

    _, cid = trainer
    html = client.get(f"/clients/{cid}/sessions/new").text
    assert 'enctype="multipart/form-data"' in html
    planned = re.findall(r'name="sets_([a-z0-9_]+)"', html)
    expected = [x for x in planned if check_for_library_exercise(x) is not None]
    assert _film_fields(html) == expected
    assert {"glute_bridge", "side_plank"} <= set(expected)
    assert "smr_hip_flexors" in planned and "smr_hip_flexors" not in expected


def test_filmed_bridge_and_side_plank_fill_the_session_and_show_next_to_the_target(
    client, trainer, settings
):
    csrf, cid = trainer
    files = {
        "clip_glute_bridge": ("bridge.mp4", BRIDGE.read_bytes(), "video/mp4"),
        "clip_side_plank": ("plank.mp4", SIDE_PLANK.read_bytes(), "video/mp4"),
    }
    # typed reps are replaced by the measured ones; the rest of the row is kept
    response = _post(
        client,
        cid,
        csrf,
        files,
        reps_glute_bridge="10",
        load_glute_bridge="5",
        unit_glute_bridge="kg",
        notes="filmed at home",
    )
    assert response.status_code == 303, response.text
    engine = open_database(settings.database_url)
    with unit_of_work(engine) as uow:
        rows = {r.exercise_id: r for r in uow.query(SessionExercise)}
        bridge, plank = rows["glute_bridge"], rows["side_plank"]
        assert (bridge.done_reps, bridge.done_load, bridge.done_hold_s) == (2, "5 kg", None)
        assert plank.done_hold_s is not None and 6.5 <= plank.done_hold_s <= 8.5
        assert len(bridge.checks) == len(plank.checks) == 1
        record = bridge.checks[0]
        assert (record.exercise, record.view, record.complete_reps) == ("glute_bridge", "side", 2)
        assert record.result["clip"]["path"] == "bridge.mp4"  # never the server's path
        assert {i.code for i in record.items} == {c["code"] for c in record.result["checks"]}
        assert plank.checks[0].longest_hold_s == pytest.approx(plank.done_hold_s)
        bridge_id, plank_id = record.id, plank.checks[0].id
        assert rows["dead_bug"].checks == []
    engine.dispose()
    assert not list(settings.upload_dir.glob("*")), "filmed clips are not kept"

    progress = client.get(f"/clients/{cid}/progress").text
    table = progress[progress.index('id="filmed-sets"') :]
    week = dt.date.today().isocalendar()
    assert f"{week.year}-W{week.week:02d}" in table
    assert re.search(r"Glute bridge</a></td><td[^>]*>2 reps</td><td[^>]*>\d+ reps</td>", table)
    assert re.search(r">hold [678]\.\d s</td><td[^>]*>\d+ s</td>", table)
    assert "Hips not fully extended at the top: 17" in table  # the hip extension, deg

    page = client.get(f"/clients/{cid}/filmed/{bridge_id}").text
    checks = page[page.index('id="filmed-checks"') :]
    assert ">2 reps<" in page and "side view (fits)" in page
    for text in ("absent", "not assessable", "&lt; 165 deg", "needs a front view", "deg"):
        assert text in checks, text
    assert client.get(f"/clients/{cid}/filmed/{plank_id}").status_code == 200


def test_a_clip_of_another_exercise_is_refused_and_the_form_kept(client, trainer, settings):
    csrf, cid = trainer
    files = {"clip_side_plank": ("bridge.mp4", BRIDGE.read_bytes(), "video/mp4")}
    response = _post(client, cid, csrf, files, notes="kept note", reps_glute_bridge="11")
    assert response.status_code == 400
    text = response.text
    assert re.findall(r'role="alert">([^<]*)', text) == [
        "Side plank: expected a front or oblique view for Side plank, but the clip looks like a "
        "side view (Film facing the person&#39;s chest or back (the body across the image), the "
        "whole body in view)"
    ]
    assert (
        "kept note" in text
        and 'name="reps_glute_bridge" min="0" max="200" inputmode="numeric" value="11"' in text
    )
    assert _counts(settings) == (0, 0, 0)
    assert not list(settings.upload_dir.glob("*"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "expected a video file"),
        ("fake.mp4", b"not a video at all" * 20, "expected an MP4, MOV, AVI, MKV or WebM video"),
    ],
)
def test_bad_files_get_a_form_error_and_nothing_is_stored(
    client, trainer, settings, name, content, message
):
    csrf, cid = trainer
    files = {"clip_glute_bridge": (name, content, "video/mp4")}
    response = _post(client, cid, csrf, files, pain="2")
    assert response.status_code == 400
    assert f"Glute bridge: {message}" in response.text
    assert 'name="pain" min="0" max="10" value="2"' in response.text
    assert _counts(settings) == (0, 0, 0)
    assert not list(settings.upload_dir.glob("*"))


def test_a_clip_longer_than_a_filmed_set_is_refused(tmp_path):
    from fastapi.testclient import TestClient

    from glutefire.web.app import create_app
    from webtools import fake_screen, make_settings

    settings = make_settings(tmp_path, max_filmed_clip_s=3.0)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        csrf = signup(client)
        cid = add_client(client, csrf)
        assert questionnaire(client, csrf, cid).status_code == 303
        files = {"clip_glute_bridge": ("long.mp4", BRIDGE.read_bytes(), "video/mp4")}
        response = _post(client, cid, csrf, files)
        assert response.status_code == 400
        assert "expected a filmed set of at most 3 s, but got" in response.text
        assert _counts(settings) == (0, 0, 0)


def test_another_trainers_filmed_set_is_a_404(client, trainer, settings):
    csrf, cid = trainer
    files = {"clip_glute_bridge": ("bridge.mp4", BRIDGE.read_bytes(), "video/mp4")}
    assert _post(client, cid, csrf, files).status_code == 303
    engine = open_database(settings.database_url)
    with unit_of_work(engine) as uow:
        check_id = uow.query(ExerciseCheckRecord).one().id
    engine.dispose()
    assert client.get(f"/clients/{cid}/filmed/{check_id}").status_code == 200
    assert client.get(f"/clients/{cid}/filmed/{check_id + 1}").status_code == 404
    client.cookies.clear()
    other = signup(client, "other@example.org", "Other")
    own = add_client(client, other, "Bo")
    assert client.get(f"/clients/{cid}/filmed/{check_id}").status_code == 404
    assert client.get(f"/clients/{own}/filmed/{check_id}").status_code == 404
    posted = _post(client, cid, other, files)
    assert posted.status_code == 404


def _first_frames(source: Path, target: Path, n_frames: int) -> Path:
    """The first ``n_frames`` of ``source`` as an MP4 (OpenCV), written at test time."""
    import cv2

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    ok, frame = capture.read()
    height, width = frame.shape[:2]
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for _ in range(n_frames):
        assert ok
        writer.write(frame)
        ok, frame = capture.read()
    writer.release()
    capture.release()
    return target


def test_a_clip_too_short_for_a_rep_is_refused(client, trainer, settings, tmp_path):
    csrf, cid = trainer
    short = _first_frames(BRIDGE, tmp_path / "short.mp4", 10)
    files = {"clip_glute_bridge": ("short.mp4", short.read_bytes(), "video/mp4")}
    response = _post(client, cid, csrf, files, effort="6")
    assert response.status_code == 400
    alert = re.findall(r'role="alert">([^<]*)', response.text)
    assert len(alert) == 1 and alert[0].startswith("Glute bridge: short.mp4: the clip is too short")
    assert 'name="effort" min="1" max="10" value="6"' in response.text
    assert _counts(settings) == (0, 0, 0)


def test_a_typo_is_answered_before_the_clip_is_checked(client, trainer, settings, monkeypatch):
    import glutefire.web.filmed as filmed

    def never(*args, **kwargs):
        raise AssertionError("the clip was checked although the form has a typo")

    monkeypatch.setattr(filmed, "_check_stored", never)
    csrf, cid = trainer
    files = {"clip_glute_bridge": ("bridge.mp4", BRIDGE.read_bytes(), "video/mp4")}
    response = _post(client, cid, csrf, files, pain="11")
    assert response.status_code == 400
    assert re.findall(r'role="alert">([^<]*)', response.text) == [
        "expected pain (0-10) as a whole number from 0 to 10, but got &#39;11&#39;"
    ]
    assert _counts(settings) == (0, 0, 0)
