"""The annotated video of an uploaded clip: written by the web job with the real pipeline (H.264
in MP4), linked from the results page in a <video> element, served as video/mp4 with byte
ranges, to its own trainer only. (Playback in Chromium: tests/web/e2e/test_trainer_week.py.)"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import SQUAT_FRONT
from glutefire.io.video import probe_video
from glutefire.web.app import create_app
from tests_upload_helpers import upload_sample
from webtools import add_client, signup

pytestmark = pytest.mark.slow


def test_the_annotated_video_is_h264_and_served_with_ranges(settings):
    with TestClient(create_app(settings)) as client:  # the real screener
        csrf = signup(client)
        cid = add_client(client, csrf)
        job = upload_sample(client, csrf, cid, path=SQUAT_FRONT, timeout_s=400)
        assert job["status"] == "done", job
        sid = job["screening_id"]
        stored = settings.keyframe_dir / str(sid) / "clip0.mp4"
        info = probe_video(stored)
        assert info.codec == "h264" and info.n_frames > 100
        page = client.get(job["result_url"]).text
        url = f"/clients/{cid}/screenings/{sid}/video/0.mp4"
        assert '<video class="annotated" id="video-0" controls' in page and url in page

        whole = client.get(url)
        assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
        assert whole.headers["accept-ranges"] == "bytes"
        assert whole.content == stored.read_bytes()
        part = client.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == stored.read_bytes()[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{stored.stat().st_size}"
        assert client.get(f"/clients/{cid}/screenings/{sid}/video/1.mp4").status_code == 404
        assert client.get(f"/clients/{cid}/screenings/{sid}/video/-1.mp4").status_code == 404

        client.post("/logout", data={"csrf_token": csrf})
        signup(client, email="other@example.org", name="Other")
        assert client.get(url).status_code == 404  # another trainer's client: as if unknown
