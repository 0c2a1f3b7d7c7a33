"""Job progress while running and keyframe serving (restarts: test_job_queue.py)."""

from __future__ import annotations

import threading
import time

from conftest import SQUAT_FRONT
from tests_upload_helpers import upload_sample
from webtools import add_client, fake_screen, signup


def test_progress_is_visible_while_screening(client):
    release = threading.Event()

    def slow(clips, on_frame, keyframes, store):  # matches ScreenFn
        on_frame(99)
        release.wait(10)
        return fake_screen(clips, lambda i: None, keyframes, store)

    client.app.state.jobs._screen = slow
    csrf = signup(client)
    cid = add_client(client, csrf)
    with open(SQUAT_FRONT, "rb") as fh:
        response = client.post(
            f"/clients/{cid}/uploads",
            data={"csrf_token": csrf},
            files={"clip": ("a.mp4", fh, "video/mp4")},
            follow_redirects=False,
        )
    url = response.headers["location"] + ".json"
    deadline = time.monotonic() + 10
    while (job := client.get(url).json())["frames_done"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job["status"] == "running" and job["frames_done"] == 100 and job["frames_total"] == 250
    assert 0 < job["progress"] < 1
    page = client.get(response.headers["location"])
    assert "job-progress" in page.text
    release.set()


def test_keyframes_are_served_only_by_known_name(client, settings):
    csrf = signup(client)
    cid = add_client(client, csrf)
    job = upload_sample(client, csrf, cid)
    folder = settings.keyframe_dir / str(job["screening_id"])
    folder.mkdir(parents=True, exist_ok=True)  # the job made it (no present finding here)
    (folder / "knees_cave_in.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    base = f"/clients/{cid}/screenings/{job['screening_id']}/keyframes"
    image = client.get(f"{base}/knees_cave_in.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert client.get(f"{base}/..%2F..%2Fweb-secret.key.png").status_code == 404
    assert client.get(f"{base}/nothing.png").status_code == 404
    assert "knees_cave_in.png" in client.get(job["result_url"]).text
