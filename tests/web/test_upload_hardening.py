"""Issue 13, security list: uploads are sniffed (a PNG renamed .mp4 is refused before any job),
clips are limited in frames and pixels as well as seconds, a failed job never shows the server's
paths, files and folders are private, and half-written uploads do not survive a restart."""

from __future__ import annotations

import stat
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
from fastapi.testclient import TestClient

from clips import encode_clip
from conftest import SQUAT_FRONT
from glutefire.errors import InputFileError
from glutefire.store.models import UploadJob
from glutefire.store.repository import unit_of_work
from glutefire.web.app import create_app
from webtools import add_client, fake_screen, make_settings, signup


def _upload(client, csrf, client_id, name: str, content: bytes):
    return client.post(
        f"/clients/{client_id}/uploads",
        data={"csrf_token": csrf, "view": "auto"},
        files={"clip": (name, content, "video/mp4")},
        follow_redirects=False,
    )


def _jobs(client) -> int:
    with unit_of_work(client.app.state.engine) as uow:
        return uow.query(UploadJob).count()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_png_renamed_mp4_is_refused_before_queueing(client):
    csrf = signup(client)
    client_id = add_client(client, csrf)
    ok, png = cv2.imencode(".png", np.full((240, 320, 3), 90, np.uint8))
    assert ok
    response = _upload(client, csrf, client_id, "squat.mp4", png.tobytes())
    assert response.status_code == 422 and "expected an MP4, MOV, AVI, MKV or WebM" in response.text
    assert _jobs(client) == 0
    assert list(client.app.state.settings.upload_dir.iterdir()) == []


def test_15000_frames_retimed_to_499_fps_are_refused(client, tmp_path):
    """30 s of video (under the 120 s limit) but 15,000 frames to screen: refused by frame
    count from the header, before anything is decoded."""
    clip = encode_clip(
        tmp_path / "fast.mp4",
        (np.full((32, 32, 3), i % 200, np.uint8) for i in range(15_000)),
        fps=499,
        options={"preset": "ultrafast"},
    )
    csrf = signup(client)
    client_id = add_client(client, csrf)
    start = time.monotonic()
    response = _upload(client, csrf, client_id, "fast.mp4", clip.read_bytes())
    assert response.status_code == 422
    assert "at most 7200 frames" in response.text and "15000" in response.text
    assert time.monotonic() - start < 5.0 and _jobs(client) == 0


def test_frames_over_the_pixel_limit_are_refused(client, tmp_path):
    clip = encode_clip(
        tmp_path / "huge.mp4",
        [np.zeros((2200, 4000, 3), np.uint8)] * 2,
        fps=25,
        options={"preset": "ultrafast"},
    )
    csrf = signup(client)
    client_id = add_client(client, csrf)
    response = _upload(client, csrf, client_id, "huge.mp4", clip.read_bytes())
    assert response.status_code == 422 and "4000x2200" in response.text
    assert "megapixels" in response.text and _jobs(client) == 0


def _failing_screen(clips, on_frame, keyframes, store):
    raise InputFileError(f"{clips[0].path}: not a readable video (moov atom not found)")


def test_a_failed_job_never_shows_the_server_path(tmp_path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings, screen=_failing_screen)) as client:
        csrf = signup(client)
        client_id = add_client(client, csrf)
        response = _upload(client, csrf, client_id, "my squat.mp4", SQUAT_FRONT.read_bytes())
        assert response.status_code == 303
        url = response.headers["location"]
        for _ in range(200):
            job = client.get(url + ".json").json()
            if job["status"] == "failed":
                break
            time.sleep(0.05)
        page = client.get(url).text
    assert job["status"] == "failed" and "my squat.mp4: not a readable video" in job["error"]
    for shown in (job["error"], page):
        assert str(tmp_path) not in shown and str(settings.upload_dir) not in shown


def test_database_uploads_and_folders_are_private(client):
    settings = client.app.state.settings
    csrf = signup(client)
    client_id = add_client(client, csrf)
    assert _upload(client, csrf, client_id, "s.mp4", SQUAT_FRONT.read_bytes()).status_code == 303
    (stored,) = settings.upload_dir.iterdir()
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    assert _mode(stored) == 0o600 and _mode(database) == 0o600
    for folder in (settings.data_dir, settings.upload_dir, settings.keyframe_dir):
        assert _mode(folder) == 0o700, folder


def test_half_written_uploads_are_removed_at_start_up(tmp_path):
    """Left by a stopped process: removed. Being received by another running worker: kept."""
    settings = make_settings(tmp_path)
    settings.upload_dir.mkdir(parents=True)
    dead_pid = _ended_pid()
    (settings.upload_dir / f"0123abcd-{dead_pid}.mp4.part").write_bytes(b"half a clip")
    (settings.upload_dir / "89ab.mp4.part").write_bytes(b"half a clip, older naming")
    kept = settings.upload_dir / "4567ef.mp4"
    kept.write_bytes(b"a complete clip of a queued job")
    with subprocess.Popen(["sleep", "30"]) as other_worker:
        receiving = settings.upload_dir / f"cdef-{other_worker.pid}.mov.part"
        receiving.write_bytes(b"still arriving")
        try:
            with TestClient(create_app(settings, screen=fake_screen)):
                names = sorted(p.name for p in settings.upload_dir.iterdir())
        finally:
            other_worker.kill()
    assert names == sorted([kept.name, receiving.name])


def _ended_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
