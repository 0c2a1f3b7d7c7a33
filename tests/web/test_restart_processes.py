"""Real processes and the real pose pipeline (marked slow): ``glutefire web serve`` is killed
(SIGKILL) while it screens an uploaded clip, and a new ``glutefire web serve --workers 2`` (two
uvicorn processes) on the same database screens the job to the end, once, with the trainer's
session still valid; a standalone ``glutefire web worker`` stopped by SIGTERM hands its job
back to the queue."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from glutefire.store.engine import open_database
from glutefire.store.models import UploadJob
from glutefire.store.repository import unit_of_work
from tests_upload_helpers import upload_sample
from webtools import TEST_SECRET, add_client, signup

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
#: Short lease so the test need not wait a minute for the killed server's job.
QUEUE_ENV = {
    "GLUTEFIRE_WEB_JOB_LEASE_S": "4",
    "GLUTEFIRE_WEB_JOB_HEARTBEAT_S": "1",
    "GLUTEFIRE_WEB_JOB_POLL_S": "0.2",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _server(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen, str]]:
    port = _free_port()
    env = {
        **os.environ,
        **QUEUE_ENV,
        "GLUTEFIRE_SECRET_KEY": TEST_SECRET,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-c", "from glutefire.cli import main; main()", "web", "serve"]
    command += ["--port", str(port), "--db", f"sqlite:///{tmp_path / 'web.sqlite3'}"]
    command += ["--data-dir", str(tmp_path / "data"), *args]
    log = (tmp_path / f"server-{port}.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / f"server-{port}.log").read_text()
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield process, url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        log.close()


def test_killed_server_loses_no_job_and_two_workers_finish_it(tmp_path):
    with _server(tmp_path) as (first, url):
        browser = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
        csrf = signup(browser)
        cid = add_client(browser, csrf)
        with open(ROOT / "samples" / "squat_front_pexels_5034577.mp4", "rb") as fh:
            response = browser.post(
                f"/clients/{cid}/uploads",
                data={"csrf_token": csrf},
                files={"clip": ("front.mp4", fh, "video/mp4")},
                follow_redirects=False,
            )
        status_url = response.headers["location"] + ".json"
        deadline = time.monotonic() + 120
        while (job := browser.get(status_url).json())["frames_done"] < 10:
            assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)  # mid-screening: no shutdown, no release
        first.wait(10)
    with _server(tmp_path, "--workers", "2") as (second, url):
        browser = httpx.Client(
            base_url=url, follow_redirects=True, timeout=30, cookies=browser.cookies
        )
        assert browser.get(status_url).json()["status"] in ("queued", "running")  # not failed
        deadline = time.monotonic() + 240
        while (job := browser.get(status_url).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert (job["status"], job["attempts"]) == ("done", 2), job
        assert job["frames_done"] == job["frames_total"] == 250
        results = browser.get(job["result_url"])
        assert results.status_code == 200 and "knee_fppa_left_deg" in results.text
        profile = browser.get(f"/clients/{cid}").text
        assert profile.count(f"/clients/{cid}/screenings/") == 1  # screened once in all
        health = browser.get("/healthz").json()
        assert health["status"] == "ok" and health["workers"]["alive"] == 2  # two processes
        again = upload_sample(browser, csrf, cid, timeout_s=240)  # the queue keeps working
        assert again["status"] == "done" and again["attempts"] == 1


@contextmanager
def _worker(tmp_path: Path) -> Iterator[subprocess.Popen]:
    env = {
        **os.environ,
        **QUEUE_ENV,
        "GLUTEFIRE_SECRET_KEY": TEST_SECRET,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-c", "from glutefire.cli import main; main()", "web", "worker"]
    command += ["--db", f"sqlite:///{tmp_path / 'web.sqlite3'}"]
    command += ["--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _job(tmp_path: Path) -> UploadJob:
    engine = open_database(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    try:
        with unit_of_work(engine) as uow:
            return uow.scalars(select(UploadJob)).one()
    finally:
        engine.dispose()


def test_a_standalone_worker_stopped_mid_screening_hands_the_job_back(tmp_path):
    """Pages from a `--screening-workers 0` server; screening by `glutefire web worker`, which
    is stopped (SIGTERM) mid-screening: it exits cleanly, the job is queued again without
    losing an attempt, and the next worker screens it."""
    with _server(tmp_path, "--screening-workers", "0") as (_, url):
        browser = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
        csrf = signup(browser)
        cid = add_client(browser, csrf)
        with open(ROOT / "samples" / "squat_front_pexels_5034577.mp4", "rb") as fh:
            response = browser.post(
                f"/clients/{cid}/uploads",
                data={"csrf_token": csrf},
                files={"clip": ("front.mp4", fh, "video/mp4")},
                follow_redirects=False,
            )
        status_url = response.headers["location"] + ".json"
        time.sleep(1.0)
        assert browser.get(status_url).json()["status"] == "queued"  # no worker yet
        assert browser.get("/healthz").json()["status"] == "degraded"
        with _worker(tmp_path) as worker:
            deadline = time.monotonic() + 120
            while browser.get(status_url).json()["frames_done"] < 10:
                assert worker.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(30) == 0
        job = _job(tmp_path)
        assert (job.status, job.attempts, job.worker_id) == ("queued", 0, None)
        with _worker(tmp_path):
            deadline = time.monotonic() + 240
            while (job_json := browser.get(status_url).json())["status"] != "done":
                assert job_json["status"] != "failed" and time.monotonic() < deadline, job_json
                time.sleep(0.2)
        assert job_json["attempts"] == 1 and job_json["frames_done"] == 250
