"""Uploads (good and bad), results, questionnaire -> plan, session logging, progress, reports,
client invites. The screener is faked here; the real pipeline runs in the e2e test."""

from __future__ import annotations

import time

import pytest

from conftest import SQUAT_FRONT
from glutefire.web.security import SESSION_COOKIE
from tests_upload_helpers import upload_sample
from webtools import PASSWORD, RED_FLAGS, add_client, csrf_of, fake_screen, signup


@pytest.fixture
def trainer(client):
    csrf = signup(client)
    return csrf, add_client(client, csrf)


def _post_clip(client, csrf, cid, name, content, ctype="video/mp4"):
    return client.post(
        f"/clients/{cid}/uploads",
        data={"csrf_token": csrf, "view": "auto"},
        files={"clip": (name, content, ctype)},
        follow_redirects=False,
    )


def test_upload_runs_screening_and_shows_results(client, trainer, settings):
    csrf, cid = trainer
    job = upload_sample(client, csrf, cid)
    assert job["status"] == "done" and job["progress"] == 1.0
    page = client.get(job["result_url"])
    assert page.status_code == 200
    assert "Knees cave in" in page.text or "knees_cave_in" in page.text
    assert 'id="reps"' in page.text and "knee_fppa_left_deg" in page.text
    stored = list(settings.upload_dir.iterdir())
    assert len(stored) == 1 and SQUAT_FRONT.name not in stored[0].name  # random stored name
    assert client.get(f"/clients/{cid}").text.count("/screenings/") >= 1


def test_front_and_side_clips_make_one_screening(client, trainer, settings):
    csrf, cid = trainer
    seen = []

    def record(clips, on_frame, keyframes, store):  # matches ScreenFn
        seen.append([(c.path.parent, c.view) for c in clips])
        return fake_screen(clips, on_frame, keyframes, store)

    client.app.state.jobs._screen = record
    with open(SQUAT_FRONT, "rb") as a, open(SQUAT_FRONT, "rb") as b:
        response = client.post(
            f"/clients/{cid}/uploads",
            data={"csrf_token": csrf, "view": "front", "view2": "side"},
            files={"clip": ("front.mp4", a, "video/mp4"), "clip2": ("side.mp4", b, "video/mp4")},
        )
    assert response.status_code == 200
    job = client.get(response.url.path + ".json").json()
    assert job["frames_total"] == 500 and job["original_name"] == "front.mp4 + side.mp4"
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [v.value for _, v in seen[0]] == ["front", "side"]
    assert all(folder == settings.upload_dir for folder, _ in seen[0])


def test_a_bad_second_clip_leaves_nothing_behind(client, trainer, settings):
    csrf, cid = trainer
    with open(SQUAT_FRONT, "rb") as a:
        response = client.post(
            f"/clients/{cid}/uploads",
            data={"csrf_token": csrf},
            files={
                "clip": ("front.mp4", a, "video/mp4"),
                "clip2": ("side.mp4", b"garbage" * 50, "video/mp4"),
            },
        )
    assert response.status_code == 422
    assert list(settings.upload_dir.iterdir()) == []


def test_upload_refuses_wrong_type(client, trainer, settings):
    csrf, cid = trainer
    response = _post_clip(client, csrf, cid, "notes.txt", b"hello", "text/plain")
    assert response.status_code == 415 and "expected a video file" in response.text
    assert list(settings.upload_dir.iterdir()) == []


def test_upload_refuses_a_file_that_is_not_a_video(client, trainer, settings):
    csrf, cid = trainer
    response = _post_clip(client, csrf, cid, "squat.mp4", b"not a video at all" * 100)
    assert response.status_code == 422 and "expected an MP4, MOV, AVI, MKV or WebM" in response.text
    assert list(settings.upload_dir.iterdir()) == []


def test_upload_refuses_a_truncated_video(client, trainer, settings):
    csrf, cid = trainer
    data = SQUAT_FRONT.read_bytes()
    response = _post_clip(client, csrf, cid, "squat.mp4", data[: len(data) // 2])
    assert response.status_code == 422
    assert "truncated" in response.text or "not a readable video" in response.text
    assert list(settings.upload_dir.iterdir()) == []


def test_upload_refuses_a_too_big_file(client, trainer, settings):
    csrf, cid = trainer
    big = b"\0" * (settings.max_upload_bytes + 1024)
    response = _post_clip(client, csrf, cid, "squat.mp4", big)
    assert response.status_code == 413
    assert list(settings.upload_dir.iterdir()) == []


def test_upload_too_big_by_content_length_is_refused_before_reading(client, trainer, settings):
    csrf, cid = trainer
    response = client.post(
        f"/clients/{cid}/uploads",
        content=b"x",
        headers={"content-length": str(settings.max_upload_bytes * 2), "x-csrf-token": csrf},
    )
    assert response.status_code == 413


def test_failed_screening_is_shown_on_the_job(client, trainer):
    from glutefire.errors import TooFewRepsError

    def failing(clips, on_frame, keyframes, store):  # matches ScreenFn
        raise TooFewRepsError("no complete squat found")

    client.app.state.jobs._screen = failing
    csrf, cid = trainer
    job = upload_sample(client, csrf, cid)
    assert job["status"] == "failed" and "no complete squat" in job["error"]


def _questionnaire(client, csrf, cid, **extra):
    data = {
        "csrf_token": csrf,
        "sitting_hours_per_day": "9",
        "quad_dominant_percent": "70",
        "abdominal_training": "crunches_situps",
        "jump_landing": "unsure",
        "minutes_per_session": "30",
        "weeks": "6",
        "start_date": "2026-11-23",
        "use_screening": "on",
        **{f"flag_{flag}": "no" for flag in RED_FLAGS},
        **extra,
    }
    return client.post(f"/clients/{cid}/questionnaire", data=data, follow_redirects=False)


def test_questionnaire_builds_a_plan_from_the_latest_screening(client, trainer):
    csrf, cid = trainer
    upload_sample(client, csrf, cid)
    response = _questionnaire(client, csrf, cid)
    assert response.status_code == 303 and response.headers["location"].endswith("/plan")
    plan = client.get(f"/clients/{cid}/plan")
    assert plan.status_code == 200 and "Weeks 1-" in plan.text and "Session A" in plan.text
    assert "<strong>Take care (" in plan.text and "<strong>Easier (" in plan.text


def test_questionnaire_errors_are_shown(client, trainer):
    csrf, cid = trainer
    response = _questionnaire(client, csrf, cid, sitting_hours_per_day="30")
    assert response.status_code == 400 and "sitting" in response.text


def test_red_flag_stops_the_program(client, trainer):
    csrf, cid = trainer
    _questionnaire(client, csrf, cid, flag_numbness_or_tingling="yes")
    assert "Program stopped" in client.get(f"/clients/{cid}/plan").text


def test_log_session_and_see_progress(client, trainer):
    csrf, cid = trainer
    _questionnaire(client, csrf, cid)
    form = client.get(f"/clients/{cid}/sessions/new")
    assert "Session A" in form.text
    response = client.post(
        f"/clients/{cid}/sessions",
        data={"csrf_token": csrf, "pain": "2", "effort": "6", "date": "2026-11-24"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    progress = client.get(f"/clients/{cid}/progress")
    assert progress.status_code == 200 and "data:image/png;base64," in progress.text
    assert "2026-W48" in progress.text


def test_session_without_plan_is_refused_with_a_message(client, trainer):
    csrf, cid = trainer
    response = client.post(f"/clients/{cid}/sessions", data={"csrf_token": csrf})
    assert response.status_code == 400 and "expected a current plan" in response.text
    bad = client.post(f"/clients/{cid}/sessions", data={"csrf_token": csrf, "pain": "11"})
    assert bad.status_code == 400


def test_reports_html_and_pdf(client, trainer):
    csrf, cid = trainer
    upload_sample(client, csrf, cid)
    _questionnaire(client, csrf, cid)
    html = client.get(f"/clients/{cid}/report.html")
    assert html.status_code == 200 and "What the squat screen showed" in html.text
    assert "Take care" in html.text and " x " in html.text  # cautions and doses
    assert "Seen.</b>" in html.text and "not_assessable" not in html.text
    pdf = client.get(f"/clients/{cid}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf" and len(pdf.content) > 2000


def test_client_invite_gives_access_to_their_own_record_only(client, trainer):
    csrf, cid = trainer
    other = add_client(client, csrf, "Other")
    _questionnaire(client, csrf, cid)
    page = client.post(f"/clients/{cid}/invite", data={"csrf_token": csrf})
    link = page.text.split('id="invite-link" class="wide" readonly value="')[1].split('"')[0]
    path = link.replace("http://testserver", "")
    client.cookies.clear()
    token = csrf_of(client.get(path).text)
    joined = client.post(
        path,
        data={
            "csrf_token": token,
            "email": "ana@example.org",
            "password": PASSWORD,
            "display_name": "Ana",
        },
        follow_redirects=False,
    )
    assert joined.status_code == 303
    me = client.get("/me", follow_redirects=False)
    assert me.headers["location"] == f"/clients/{cid}"
    assert client.get(f"/clients/{cid}/plan").status_code == 200
    assert client.get(f"/clients/{other}").status_code == 404
    assert client.get("/clients").status_code == 403  # not a trainer
    client_csrf = csrf_of(client.get(f"/clients/{cid}").text)
    logged = client.post(
        f"/clients/{cid}/sessions", data={"csrf_token": client_csrf}, follow_redirects=False
    )
    assert logged.status_code == 303
    upload = _post_clip(client, client_csrf, cid, "squat.mp4", b"x")
    assert upload.status_code == 403
    client.cookies.delete(SESSION_COOKIE)
    again = client.get(path)  # one-time link
    assert again.status_code == 404
