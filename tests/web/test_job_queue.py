"""Several app instances on one database share the screening queue; a restart during a
screening loses no job; a job is never screened twice at once."""

from __future__ import annotations

import threading
import time
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import SQUAT_FRONT
from glutefire.store import queue
from glutefire.store.models import Screening, UploadJob, WebWorker, utcnow
from glutefire.store.repository import unit_of_work
from glutefire.web.app import create_app
from tests_upload_helpers import upload_sample
from webtools import add_client, fake_screen, make_settings, signup

#: Fast queue timings for tests (the defaults are 60 s lease, 10 s heartbeat, 2 s poll).
FAST = {"job_lease_s": 5.0, "job_heartbeat_s": 0.2, "job_poll_s": 0.05}


def _settings(tmp_path, workers: int):
    return make_settings(tmp_path, screening_workers=workers, **FAST)


def _post(client: TestClient, csrf: str, cid: int, name: str = "a.mp4") -> str:
    with open(SQUAT_FRONT, "rb") as fh:
        response = client.post(
            f"/clients/{cid}/uploads",
            data={"csrf_token": csrf},
            files={"clip": (name, fh, "video/mp4")},
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text
    return response.headers["location"] + ".json"


def _wait(client: TestClient, url: str, states=("done", "failed"), timeout_s=30.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while (job := client.get(url).json())["status"] not in states:
        assert time.monotonic() < deadline, job
        time.sleep(0.02)
    return job


def _count(engine, model) -> int:
    with unit_of_work(engine) as uow:
        return int(uow.scalar(select(func.count()).select_from(model)) or 0)


def test_two_app_instances_share_the_queue(tmp_path):
    """A web-only instance queues six uploads; two other instances with two workers each
    screen them: four at once (so both took part), each clip exactly once."""
    screened: Counter[str] = Counter()
    lock = threading.Lock()
    together = threading.Barrier(4, timeout=30)

    def counting(clips, on_frame, keyframes, store):  # matches ScreenFn
        with lock:
            screened[clips[0].path.name] += 1
            first_four = sum(screened.values()) <= 4
        if first_four:
            together.wait()  # only possible when 2 + 2 workers of two instances run at once
        return fake_screen(clips, on_frame, keyframes, store)

    web = create_app(_settings(tmp_path, 0), screen=counting)
    apps = [create_app(_settings(tmp_path, 2), screen=counting) for _ in range(2)]
    with TestClient(web) as front, TestClient(apps[0]), TestClient(apps[1]):
        csrf = signup(front)
        cid = add_client(front, csrf)
        urls = [_post(front, csrf, cid, f"clip{n}.mp4") for n in range(6)]
        jobs = [_wait(front, url) for url in urls]
        assert _count(front.app.state.engine, Screening) == 6
    assert [j["status"] for j in jobs] == ["done"] * 6
    assert [j["attempts"] for j in jobs] == [1] * 6
    assert len(screened) == 6 and set(screened.values()) == {1}
    assert not together.broken


def test_a_restart_during_screening_queues_the_job_again(tmp_path):
    """The server stops while a clip is being screened: the job goes back to the queue (not
    failed, not counted as an attempt) and the next start screens it to the end, once."""
    settings = _settings(tmp_path, 1)
    started = threading.Event()

    def endless(clips, on_frame, keyframes, store):  # a long screening, stopped by shutdown
        for frame in range(10_000):
            on_frame(frame)
            started.set()
            time.sleep(0.01)
        raise AssertionError("the worker should have stopped this screening")

    with TestClient(create_app(settings, screen=endless)) as client:
        csrf = signup(client)
        cid = add_client(client, csrf)
        url = _post(client, csrf, cid)
        assert started.wait(20)
        assert _wait(client, url, states=("running",))["frames_done"] > 0
    with TestClient(create_app(settings, screen=fake_screen)) as client:  # the restart
        with unit_of_work(client.app.state.engine) as uow:
            job = uow.scalars(select(UploadJob)).one()
            assert job.status in ("queued", "running", "done") and job.error is None
        done = _wait_db(client.app.state.engine, job.id)
        assert (done.status, done.attempts) == ("done", 1)
        assert _count(client.app.state.engine, Screening) == 1


def _wait_db(engine, job_id: int, timeout_s: float = 30.0) -> UploadJob:
    deadline = time.monotonic() + timeout_s
    while True:
        with unit_of_work(engine) as uow:
            job = uow.get_one(UploadJob, job_id)
        if job.status in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, (job.status, job.attempts)
        time.sleep(0.02)


def test_a_job_whose_worker_died_is_screened_again(tmp_path):
    """A worker claimed the job and died (no release, no heartbeat): when its lease runs out,
    another instance screens the job; the page said which attempt it was."""
    with TestClient(create_app(_settings(tmp_path, 0), screen=fake_screen)) as web:
        csrf = signup(web)
        cid = add_client(web, csrf)
        url = _post(web, csrf, cid)
        engine = web.app.state.engine
        with unit_of_work(engine) as uow:  # the worker of a process that is then killed
            lease = queue.claim_job(uow, worker_id="dead:1/0", now=utcnow(), lease_s=0.5)
        assert lease is not None
        assert web.get(url).json()["status"] == "running"
        with TestClient(create_app(_settings(tmp_path, 1), screen=fake_screen)):
            job = _wait(web, url)
        assert (job["status"], job["attempts"], job["max_attempts"]) == ("done", 2, 3)
        assert web.get(job["result_url"]).status_code == 200
        assert _count(engine, Screening) == 1


def test_the_job_page_says_a_job_is_on_another_attempt(tmp_path):
    with TestClient(create_app(_settings(tmp_path, 0), screen=fake_screen)) as web:
        csrf = signup(web)
        cid = add_client(web, csrf)
        url = _post(web, csrf, cid)
        with unit_of_work(web.app.state.engine) as uow:
            uow.scalars(select(UploadJob)).one().attempts = 1  # queued again after attempt 1
        with unit_of_work(web.app.state.engine) as uow:
            lease = queue.claim_job(uow, worker_id="w", now=utcnow(), lease_s=60)
        assert lease is not None and lease.attempt == 2
        page = web.get(url.removesuffix(".json"))
        assert "attempt 2 of 3: the server stopped during an earlier attempt" in page.text


def test_a_job_interrupted_too_often_fails_with_a_clear_message(tmp_path):
    with TestClient(create_app(_settings(tmp_path, 0), screen=fake_screen)) as web:
        csrf = signup(web)
        cid = add_client(web, csrf)
        url = _post(web, csrf, cid)
        engine = web.app.state.engine
        for attempt in range(3):
            with unit_of_work(engine) as uow:
                queue.requeue_expired(uow, now=utcnow(), max_attempts=3)
                lease = queue.claim_job(uow, worker_id=f"w{attempt}", now=utcnow(), lease_s=0.01)
            assert lease is not None and lease.attempt == attempt + 1
            time.sleep(0.02)
        with TestClient(create_app(_settings(tmp_path, 1), screen=fake_screen)):
            job = _wait(web, url)
    assert job["status"] == "failed" and "interrupted 3 times" in job["error"]
    assert "upload the clip again" in job["error"]


def test_a_worker_whose_lease_was_taken_stops_and_stores_nothing(tmp_path):
    """Another worker took the job (the lease ran out while this one stalled): this one stops
    at its next frame and neither stores a result nor ends the job."""
    settings = _settings(tmp_path, 1)
    stolen, first_frame = threading.Event(), threading.Event()
    stopped: list[BaseException] = []

    def stalling(clips, on_frame, keyframes, store):  # matches ScreenFn
        on_frame(0)
        first_frame.set()
        stolen.wait(20)
        time.sleep(3 * FAST["job_heartbeat_s"])  # the lease keeper notices within a heartbeat
        try:
            on_frame(1)
            on_frame(2)
        except Exception as exc:  # the worker's LeaseLost: record it, then let it through
            stopped.append(exc)
            raise
        return fake_screen(clips, on_frame, keyframes, store)

    with TestClient(create_app(settings, screen=stalling)) as client:
        csrf = signup(client)
        cid = add_client(client, csrf)
        url = _post(client, csrf, cid)
        assert first_frame.wait(20)
        with unit_of_work(client.app.state.engine) as uow:
            uow.scalars(select(UploadJob)).one().worker_id = "another:1/0"
        stolen.set()
        deadline = time.monotonic() + 10
        while not stopped and time.monotonic() < deadline:
            time.sleep(0.02)
        job = client.get(url).json()
        assert [type(e).__name__ for e in stopped] == ["LeaseLost"]
        assert job["status"] == "running" and job["screening_id"] is None
        assert _count(client.app.state.engine, Screening) == 0


def test_workers_beat_and_leave(tmp_path):
    settings = _settings(tmp_path, 2)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        engine = client.app.state.engine
        deadline = time.monotonic() + 10
        while _count(engine, WebWorker) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    with TestClient(create_app(_settings(tmp_path, 0))) as client:
        assert _count(client.app.state.engine, WebWorker) == 0  # both removed at shutdown


def test_upload_sample_still_completes_with_the_default_timings(client):
    csrf = signup(client)
    job = upload_sample(client, csrf, add_client(client, csrf))
    assert job["status"] == "done" and job["attempts"] == 1
