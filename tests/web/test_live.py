"""Live mirror mode: rep counting, cues, saving through the clip pipeline, and the WebSocket."""

from __future__ import annotations

import json
import struct

import cv2
import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from glutefire.screening.pipeline import analyse_keypoints
from glutefire.web.live import LiveSession
from synthetic import H, SquatSpec, W, front_squat
from webtools import ReplayBackend, add_client, signup


def _jpeg() -> bytes:
    """A blank frame the size of the synthetic keypoints' image."""
    ok, buf = cv2.imencode(".jpg", np.zeros((H, W, 3), np.uint8))
    assert ok
    return buf.tobytes()


def test_live_session_counts_reps_and_saves_like_a_clip():
    ds, _ = front_squat(SquatSpec(n_reps=3, fppa_deg=25.0))
    session = LiveSession(ReplayBackend(ds))
    image = np.zeros((H, W, 3), np.uint8)
    counts, cues = [], set()
    for i in range(ds.sizes["time"]):
        reply = session.process(image, float(ds["time"].values[i]))
        counts.append(reply["reps"])
        cues.add(reply["cue"])
    assert counts[-1] == 3 and counts == sorted(counts)  # counted live, never going back
    assert "Knees out!" in cues
    live = session.screen()
    clip = analyse_keypoints(ds)
    (screen,) = live.screens
    assert len(screen.analysis.reps) == len(clip.reps) == 3
    assert [f.status for f in screen.analysis.findings] == [f.status for f in clip.findings]
    assert live.result.input[0].path == "live-mirror" and live.result.input[0].kind == "keypoints"
    assert live.result.model.name == "replay"


def test_live_session_refuses_saving_without_frames():
    from glutefire.errors import InputFileError

    ds, _ = front_squat()
    with pytest.raises(InputFileError, match="no frames"):
        LiveSession(ReplayBackend(ds)).screen()


@pytest.fixture
def live_client(client):
    ds, _ = front_squat(SquatSpec(n_reps=2))
    client.app.state.live_backend_factory = lambda: ReplayBackend(ds)
    csrf = signup(client)
    return client, add_client(client, csrf), ds.sizes["time"]


def test_websocket_streams_frames_and_saves_a_screening(live_client):
    client, cid, n = live_client
    jpeg = _jpeg()
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        for i in range(n):
            ws.send_bytes(struct.pack("<d", i * 1000 / 30) + jpeg)
            reply = ws.receive_json()
            assert reply["type"] == "frame" and len(reply["landmarks"]) == 33
        assert reply["reps"] == 2
        ws.send_text(json.dumps({"type": "save"}))
        saved = ws.receive_json()
    assert saved["type"] == "saved" and saved["complete_reps"] == 2, saved
    page = client.get(saved["url"])
    assert page.status_code == 200 and "Knees cave in" in page.text


def test_websocket_reports_bad_frames_and_commands(live_client):
    client, cid, _ = live_client
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_bytes(struct.pack("<d", 0.0) + b"not a jpeg")
        assert "JPEG" in ws.receive_json()["message"]
        ws.send_text("{}")
        assert ws.receive_json()["type"] == "error"
        ws.send_text(json.dumps({"type": "save"}))
        assert "no frames" in ws.receive_json()["message"]


def test_websocket_needs_login_and_same_origin(live_client):
    client, cid, _ = live_client
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(
            f"/clients/{cid}/live/ws", headers={"origin": "http://evil.example"}
        ),
    ):
        pass
    client.cookies.clear()
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(f"/clients/{cid}/live/ws"):
        pass


def test_live_cues_use_the_screening_rules_thresholds():
    from glutefire.screening.rules import load_rules

    rules = {r.code: r for r in load_rules()}
    for fppa, expected in (
        (rules["knees_cave_in"].threshold + 8, "Knees out!"),
        (rules["knees_cave_in"].threshold - 8, ""),
    ):
        ds, _ = front_squat(SquatSpec(n_reps=1, fppa_deg=fppa))
        session = LiveSession(ReplayBackend(ds))
        cues = {
            session.process(np.zeros((H, W, 3), np.uint8), float(t))["cue"]
            for t in ds["time"].values
        }
        if expected:
            assert expected in cues
        else:
            assert cues == {""}


def test_save_with_a_keyframe_that_cannot_be_drawn_is_stored_and_warns(client, monkeypatch):
    """Live mode saves through ``screen_session``: the screening is stored before the keyframes,
    and a keyframe that fails is a warning in the reply, not a lost set."""
    import glutefire.reports.annotate as annotate
    from glutefire.store.models import Screening
    from glutefire.store.repository import unit_of_work

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(annotate, "write_keyframe", broken)
    ds, _ = front_squat(SquatSpec(n_reps=2, fppa_deg=25.0))
    client.app.state.live_backend_factory = lambda: ReplayBackend(ds)
    cid = add_client(client, signup(client))
    jpeg = _jpeg()
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        for i in range(ds.sizes["time"]):
            ws.send_bytes(struct.pack("<d", i * 1000 / 30) + jpeg)
            ws.receive_json()
        ws.send_text(json.dumps({"type": "save"}))
        saved = ws.receive_json()
    assert saved["type"] == "saved", saved
    assert saved["warnings"] == [
        "the keyframe of knees_cave_in could not be written (RuntimeError: simulated failure)"
    ]
    with unit_of_work(client.app.state.engine) as uow:
        stored = uow.get(Screening, saved["screening_id"]).parsed_result()
    assert "knees_cave_in" in [c.value for c in stored.summary.present]


def _stream_live(ds):
    """Feed ``ds`` frame by frame; return the session and each frame's reply."""
    session = LiveSession(ReplayBackend(ds))
    image = np.zeros((H, W, 3), np.uint8)
    return session, [session.process(image, float(t)) for t in ds["time"].values]


def test_live_side_view_measures_the_near_leg_with_the_knee_flexion_driver():
    from glutefire.kinematics.metrics import DEPTH_KNEE_FLEXION_DEG
    from synthetic import hide_leg, side_squat

    spec = SquatSpec(n_reps=3)
    ds = hide_leg(side_squat(spec)[0], "left")  # MediaPipe loses the far leg in a side view
    session, replies = _stream_live(ds)
    last = session.last
    assert last is not None and last.view is not None and last.view.view.value == "side"
    assert last.sides is not None and last.sides.sides == ("right",)
    assert last.standing_max is not None  # the side view's absolute standing level
    bottom_flexion_deg = spec.thigh_deg + spec.shank_deg
    assert np.nanmax(last.depth) == pytest.approx(
        bottom_flexion_deg / DEPTH_KNEE_FLEXION_DEG, abs=0.02
    )
    assert replies[-1]["reps"] == len(analyse_keypoints(ds).reps) == 3


def test_live_front_clip_that_never_stands_up_counts_no_rep():
    from synthetic import front_squat

    ds, depth = front_squat(SquatSpec(n_reps=1, rep_s=4.0, pause_s=0.5, fppa_deg=0.0))
    _, whole = _stream_live(ds)
    assert whole[-1]["reps"] == 1
    half = np.flatnonzero(depth >= 0.5)  # the thighs at 0.81 of the shins' height there
    session, replies = _stream_live(ds.isel(time=slice(int(half[0]), int(half[-1]) + 1)))
    assert session.last is not None and session.last.not_standing is not None
    assert replies[-1]["reps"] == 0  # as the clip pipeline (no complete squat)


@pytest.mark.parametrize(
    ("trunk_deg", "shank_deg", "cued"),
    [
        (55.0, 50.0, True),  # trunk parallel to the shins but 55 deg from vertical: leaning
        (30.0, 5.0, False),  # trunk well ahead of the shins but only 30 deg from vertical
    ],
)
def test_live_lean_cue_uses_the_absolute_trunk_angle(trunk_deg, shank_deg, cued):
    from synthetic import side_squat

    ds, _ = side_squat(SquatSpec(n_reps=2, trunk_deg=trunk_deg, shank_deg=shank_deg))
    _, replies = _stream_live(ds)
    cues = {r["cue"] for r in replies}
    assert ("Chest up!" in cues) is cued
    assert cues <= {"", "Chest up!"}


def test_valgus_cue_window_is_the_rules_descent_window():
    from glutefire.screening.cues import in_descent_window

    rep = 0.5 - 0.5 * np.cos(np.linspace(0, 2 * np.pi, 61))  # 0 -> 1 -> 0
    first = np.concatenate([np.zeros(10), rep[:20]])
    assert in_descent_window(first)  # first rep: its bottom is not known yet
    two = np.concatenate([np.zeros(10), rep, np.zeros(10)])
    down = [in_descent_window(np.concatenate([two, rep[: i + 1]])) for i in range(30)]
    fractions = rep[:30]
    assert all(d == (0.2 <= f <= 0.5) for d, f in zip(down, fractions, strict=True))
    up = [in_descent_window(np.concatenate([two, rep[: i + 1]])) for i in range(31, 61)]
    assert not any(up)  # on the way up the rule does not read the knee


def test_live_valgus_cue_after_the_first_rep_only_within_the_descent_window():
    ds, schedule = front_squat(SquatSpec(n_reps=3, fppa_deg=60.0))
    session, replies = _stream_live(ds)
    cued = np.array([r["cue"] == "Knees out!" for r in replies])
    assert cued.any()
    first_rep_end = int(np.flatnonzero(np.diff((schedule > 0).astype(int)) == -1)[0])
    later = np.flatnonzero(cued[first_rep_end + 1 :]) + first_rep_end + 1
    assert later.size > 0
    rising = np.diff(schedule, prepend=0.0) > 0
    assert rising[later].all()  # never on the way up nor at the bottom after the first rep
