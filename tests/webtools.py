"""Web test helpers: settings per test, a fake screener (no pose model), sign-up and forms with
the CSRF token. Fixtures using them live in tests/web/conftest.py."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr
from fastapi.testclient import TestClient

from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.pose.backend import FramePose
from glutefire.pose.estimate import ProgressFn
from glutefire.programming.questionnaire import RedFlagAnswers
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import ScreenedSession, StoreFn, save_session
from glutefire.web.settings import WebSettings

TEST_SECRET = "test-secret-key-" + "x" * 40
PASSWORD = "correct horse battery"
#: The red-flag questions of the questionnaire form (fields ``flag_<name>``; must be answered).
RED_FLAGS = tuple(RedFlagAnswers.model_fields)


def fake_screen(
    clips: list[ClipInput], on_frame: ProgressFn, keyframes: Path, store: StoreFn
) -> ScreenedSession:
    """Pretends to screen (matches ScreenFn): reports progress and saves a result built through
    the model (stored as a real session is), without the pose model and without keyframes."""
    from conftest import screening_result  # the shared contract fixture in tests/conftest.py

    for i in range(3):
        on_frame(i)
    return save_session(ScreenedSession(screening_result(14.0), []), store=store)


def make_settings(tmp_path: Path, database_url: str | None = None, **overrides) -> WebSettings:
    return WebSettings(
        database_url=database_url or f"sqlite:///{tmp_path / 'web.sqlite3'}",
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        **overrides,
    )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def signup(client: TestClient, email: str = "coach@example.org", name: str = "Coach") -> str:
    """Sign up, then log in (sign-up does not: it answers alike for taken emails); return the
    session's CSRF token."""
    token = csrf_of(client.get("/signup").text)
    response = client.post(
        "/signup",
        data={"csrf_token": token, "email": email, "password": PASSWORD, "display_name": name},
    )
    assert response.status_code == 200 and "log in" in response.text, response.text
    login = client.post(
        "/login",
        data={"csrf_token": csrf_of(response.text), "email": email, "password": PASSWORD},
    )
    assert login.status_code == 200, login.text
    return csrf_of(client.get("/clients").text)


def add_client(client: TestClient, csrf: str, name: str = "Ana") -> int:
    response = client.post(
        "/clients", data={"csrf_token": csrf, "display_name": name}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


class ReplayBackend:
    """Returns the poses of a keypoint dataset frame by frame, whatever the image shows."""

    name = "replay"
    version = "1"
    keypoint_names = BLAZEPOSE_LANDMARKS

    def __init__(self, ds: xr.Dataset) -> None:
        self.position = ds["position"].values
        self.visibility = ds["visibility"].values
        self.i = 0

    def estimate(self, image_bgr: np.ndarray) -> FramePose | None:
        frame = self.i % len(self.position)
        self.i += 1
        return FramePose(self.position[frame], self.visibility[frame])

    def reset(self) -> None:
        self.i = 0

    def close(self) -> None:
        pass


def landmarks_messages(ds: xr.Dataset) -> list[dict[str, object]]:
    """The live page's browser-path messages for keypoints ``ds``: points as fractions of the
    image (an unseen point at 0 with visibility 0), times in ms."""
    w, h = int(ds.attrs["image_width_px"]), int(ds.attrs["image_height_px"])
    pos = ds["position"].values
    seen = np.isfinite(pos[..., 0])
    norm = np.clip(np.nan_to_num(pos / np.array([w, h], dtype=float), nan=0.0), -1.0, 2.0)
    vis = np.where(seen, ds["visibility"].values, 0.0)
    return [
        {
            "type": "landmarks",
            "t": float(t) * 1000.0,
            "w": w,
            "h": h,
            "points": np.column_stack([norm[i], vis[i]]).round(5).tolist(),
        }
        for i, t in enumerate(ds["time"].values)
    ]
