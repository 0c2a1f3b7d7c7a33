"""Uploaded clips: the retention policy (worker loop and CLI) and a trainer deleting one
client's clips after being offered the export. Results and keyframes always stay."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from fastapi.testclient import TestClient

from conftest import run_cli
from glutefire.store.models import Client, UploadJob, utcnow
from glutefire.store.repository import unit_of_work
from glutefire.web.app import create_app
from tests_upload_helpers import upload_sample
from webtools import add_client, fake_screen, make_settings, signup


def _screened(client: TestClient, settings, csrf: str, cid: int) -> dict:
    """Upload the sample, wait for its screening and give it a keyframe."""
    job = upload_sample(client, csrf, cid)
    assert job["status"] == "done"
    folder = settings.keyframe_dir / str(job["screening_id"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "knees_cave_in.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    return job


def _age(engine, job_id: int, days: float) -> None:
    with unit_of_work(engine) as uow:
        uow.get_one(UploadJob, job_id).finished_at = utcnow() - dt.timedelta(days=days)


def _results_stay(client: TestClient, cid: int, job: dict) -> None:
    assert client.get(job["result_url"]).status_code == 200
    keyframe = f"{job['result_url']}/keyframes/knees_cave_in.png"
    assert client.get(keyframe).status_code == 200
    assert client.get(f"/clients/{cid}/jobs/{job['id']}.json").json()["clips_deleted"]


def test_retention_deletes_clips_of_old_screenings_only(client, settings):
    csrf = signup(client)
    cid = add_client(client, csrf)
    old, recent = _screened(client, settings, csrf, cid), _screened(client, settings, csrf, cid)
    _age(client.app.state.engine, old["id"], days=31)
    _age(client.app.state.engine, recent["id"], days=29)
    assert len(list(settings.upload_dir.iterdir())) == 2
    done = client.app.state.jobs.purge_clips()  # the default policy: 30 days
    assert (done.jobs, done.files) == (1, 1) and done.bytes > 0
    assert len(list(settings.upload_dir.iterdir())) == 1
    _results_stay(client, cid, old)
    assert not client.get(f"/clients/{cid}/jobs/{recent['id']}.json").json()["clips_deleted"]


def test_the_worker_loop_applies_retention_by_itself(tmp_path):
    settings = make_settings(
        tmp_path, clip_retention_days=0, retention_every_s=0.1, job_poll_s=0.05
    )
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        csrf = signup(client)
        cid = add_client(client, csrf)
        job = _screened(client, settings, csrf, cid)
        deadline = time.monotonic() + 10
        while any(settings.upload_dir.iterdir()):
            assert time.monotonic() < deadline, "the worker loop did not delete the clip"
            time.sleep(0.05)
        _results_stay(client, cid, job)


def test_keep_clips_setting_turns_retention_off(tmp_path):
    settings = make_settings(tmp_path, clip_retention_days=None)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        csrf = signup(client)
        job = _screened(client, settings, csrf, add_client(client, csrf))
        _age(client.app.state.engine, job["id"], days=3650)
        assert client.app.state.jobs.purge_clips() is None
        assert len(list(settings.upload_dir.iterdir())) == 1


def test_trainer_deletes_one_clients_clips_after_the_export_is_offered(client, settings):
    csrf = signup(client)
    ana, ben = add_client(client, csrf, "Ana"), add_client(client, csrf, "Ben")
    job = _screened(client, settings, csrf, ana)
    _screened(client, settings, csrf, ben)
    profile = client.get(f"/clients/{ana}").text
    assert f'href="/clients/{ana}/clips/delete"' in profile
    confirm = client.get(f"/clients/{ana}/clips/delete").text
    assert "Kept now: 1 clip file(s)" in confirm
    export_at, delete_at = confirm.index('id="export-link"'), confirm.index('id="delete-clips"')
    assert export_at < delete_at  # the export is offered first
    export = client.get(f"/clients/{ana}/export.json")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    document = json.loads(export.text)
    assert document["format"] == "glutefire-history" and len(document["screenings"]) == 1
    assert client.post(f"/clients/{ana}/clips/delete").status_code == 403  # no CSRF token
    done = client.post(f"/clients/{ana}/clips/delete", data={"csrf_token": csrf})
    assert done.status_code == 200
    assert "Done: deleted 1 clip file(s)" in done.text and "No clip files to delete" in done.text
    assert len(list(settings.upload_dir.iterdir())) == 1  # Ben's clip is still there
    _results_stay(client, ana, job)


def test_clip_deletion_is_for_the_owning_trainer_only(client, settings):
    csrf = signup(client)
    cid = add_client(client, csrf)
    _screened(client, settings, csrf, cid)
    client.post("/logout", data={"csrf_token": csrf})
    other = signup(client, email="other@example.org")
    assert client.get(f"/clients/{cid}/clips/delete").status_code == 404
    assert client.get(f"/clients/{cid}/export.json").status_code == 404
    response = client.post(f"/clients/{cid}/clips/delete", data={"csrf_token": other})
    assert response.status_code == 404
    assert len(list(settings.upload_dir.iterdir())) == 1


def test_clips_of_a_job_being_screened_are_kept(client, settings):
    csrf = signup(client)
    cid = add_client(client, csrf)
    job = _screened(client, settings, csrf, cid)
    with unit_of_work(client.app.state.engine) as uow:
        uow.get_one(UploadJob, job["id"]).status = "queued"
    done = client.post(f"/clients/{cid}/clips/delete", data={"csrf_token": csrf})
    assert "kept the clips of 1 upload(s) still being screened" in done.text
    assert len(list(settings.upload_dir.iterdir())) == 1


@pytest.fixture
def stored_clips(tmp_path):
    """A client with two screened uploads, one finished 10 days ago; the app is closed after.
    Returns the settings and the client's person name (how the CLI names them)."""
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        csrf = signup(client)
        cid = add_client(client, csrf)
        jobs = [_screened(client, settings, csrf, cid) for _ in range(2)]
        _age(client.app.state.engine, jobs[0]["id"], days=10)
        with unit_of_work(client.app.state.engine) as uow:
            person = uow.get_one(Client, cid).person.name
    return settings, person


def _cli(settings, *args: str) -> tuple[int, str]:
    return run_cli(
        "web", *args, "--db", settings.database_url, "--data-dir", str(settings.data_dir)
    )


def test_cli_purge_clips_applies_the_retention(stored_clips):
    settings, _ = stored_clips
    code, text = _cli(settings, "purge-clips")
    assert code == 0 and "deleted 0 clip file(s)" in text  # default 30 days: none is that old
    code, text = _cli(settings, "purge-clips", "--days", "7")
    assert code == 0 and "deleted 1 clip file(s)" in text and "7+ days ago" in text
    assert len(list(settings.upload_dir.iterdir())) == 1


def test_cli_delete_clips_writes_the_export_first(stored_clips, tmp_path):
    settings, person = stored_clips
    code, text = _cli(settings, "delete-clips", "--person", person)
    assert code == 2 and "error:" in text and "--export FILE" in text
    assert len(list(settings.upload_dir.iterdir())) == 2
    code, text = _cli(settings, "delete-clips", "--person", "Nobody", "--skip-export")
    assert code == 2 and "expected a web client" in text
    export = tmp_path / "ana.json"
    code, text = _cli(settings, "delete-clips", "--person", person, "--export", str(export))
    assert code == 0 and "deleted 2 clip file(s)" in text, text
    assert json.loads(export.read_text())["person"]["name"] == person
    assert list(settings.upload_dir.iterdir()) == []
