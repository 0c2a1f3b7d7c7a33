"""Upload helpers shared by the web tests."""

from __future__ import annotations

import time

from conftest import SQUAT_FRONT


def upload_sample(
    client,
    csrf: str,
    client_id: int,
    *,
    path=SQUAT_FRONT,
    view: str = "auto",
    timeout_s: float = 60.0,
) -> dict:
    """Upload a clip and wait for its job to finish; return the job's JSON."""
    with open(path, "rb") as fh:
        response = client.post(
            f"/clients/{client_id}/uploads",
            data={"csrf_token": csrf, "view": view},
            files={"clip": (path.name, fh, "video/mp4")},
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text
    url = response.headers["location"] + ".json"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job did not finish in {timeout_s} s: {job}")
