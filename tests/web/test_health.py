"""``/healthz``: no login, database reachable, queue length, worker heartbeat age; no private
data; 503 when the database is away."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from conftest import SQUAT_FRONT
from glutefire.web.app import create_app
from webtools import add_client, fake_screen, make_settings, signup

FAST = {"job_lease_s": 5.0, "job_heartbeat_s": 0.2, "job_poll_s": 0.05}


def _queue_one(client: TestClient) -> None:
    csrf = signup(client, email="private.person@example.org")
    cid = add_client(client, csrf, name="Very Private Name")
    with open(SQUAT_FRONT, "rb") as fh:
        response = client.post(
            f"/clients/{cid}/uploads",
            data={"csrf_token": csrf},
            files={"clip": ("secret-clip-name.mp4", fh, "video/mp4")},
            follow_redirects=False,
        )
    assert response.status_code == 303


def test_health_without_login_reports_workers_and_queue(tmp_path):
    settings = make_settings(tmp_path, screening_workers=2, **FAST)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        deadline = time.monotonic() + 10
        while (body := client.get("/healthz").json())["workers"]["alive"] < 2:
            assert time.monotonic() < deadline, body
            time.sleep(0.05)
        response = client.get("/healthz")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["queue"] == {"queued": 0, "running": 0, "oldest_queued_age_s": None}
    assert body["workers"]["in_this_process"] == 2
    assert 0 <= body["workers"]["newest_heartbeat_age_s"] < 5


def test_health_is_degraded_when_jobs_wait_and_no_worker_runs(tmp_path):
    settings = make_settings(tmp_path, screening_workers=0, **FAST)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        _queue_one(client)
        client.cookies.clear()  # health needs no login
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["queue"]["queued"] == 1 and body["queue"]["oldest_queued_age_s"] >= 0
    assert body["workers"]["alive"] == 0 and body["workers"]["newest_heartbeat_age_s"] is None
    text = json.dumps(body) + response.text
    for private in ("private.person", "Very Private", "secret-clip", str(tmp_path), "uploads"):
        assert private not in text


def test_health_answers_503_when_the_database_is_unreachable(tmp_path):
    settings = make_settings(tmp_path, screening_workers=0)
    with TestClient(create_app(settings)) as client:
        working = client.app.state.engine
        client.app.state.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
        response = client.get("/healthz")
        client.app.state.engine = working
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
