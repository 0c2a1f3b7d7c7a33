"""Live mirror mode for the corrective exercises over the WebSocket (server and browser paths),
the live page's exercise picker, and the bounded work per frame of the squat's live mode."""

from __future__ import annotations

import json
import struct

import cv2
import numpy as np
import pytest

import exercise_figures as fig
import glutefire.web.live as live_module
from glutefire.exercises.spec import exercise_ids
from glutefire.screening.pipeline import analyse_keypoints
from glutefire.web.live import LiveSession, parse_landmarks
from synthetic import H, SquatSpec, W, front_squat
from webtools import ReplayBackend, add_client, landmarks_messages, signup

SIZE = 1000  # the exercise figures' image, px


def _jpeg(size: tuple[int, int]) -> bytes:
    ok, buf = cv2.imencode(".jpg", np.zeros((size[1], size[0], 3), np.uint8))
    assert ok
    return buf.tobytes()


def test_live_page_offers_the_squat_and_every_checked_exercise(client):
    cid = add_client(client, signup(client))
    page = client.get(f"/clients/{cid}/live")
    assert page.status_code == 200
    assert '<option value="squat" selected>Squat</option>' in page.text
    for exercise in exercise_ids():
        assert f'<option value="{exercise}"' in page.text
    picked = client.get(f"/clients/{cid}/live?exercise=glute_bridge&pose=browser")
    assert '<option value="glute_bridge" selected>Glute bridge</option>' in picked.text
    bad = client.get(f"/clients/{cid}/live?exercise=pushup")
    assert bad.status_code == 400 and "expected exercise=squat, glute_bridge" in bad.text


def test_websocket_server_path_counts_bridge_reps_and_switches_back(client):
    ds = fig.bridge(reach=0.5)  # hips only halfway up: a cue
    client.app.state.live_backend_factory = lambda: ReplayBackend(ds)
    cid = add_client(client, signup(client))
    jpeg = _jpeg((SIZE, SIZE))
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_text(json.dumps({"type": "exercise", "exercise": "glute_bridge"}))
        assert ws.receive_json() == {
            "type": "exercise",
            "exercise": "glute_bridge",
            "title": "Glute bridge",
        }
        for t in ds["time"].values:
            ws.send_bytes(struct.pack("<d", float(t) * 1000) + jpeg)
            reply = ws.receive_json()
            assert reply["type"] == "frame" and reply["exercise"] == "glute_bridge"
        assert reply["reps"] == 3 and reply["counts"] == "reps" and reply["advice"] == ""
        assert reply["cue"].startswith("Squeeze the glutes")
        ws.send_text(json.dumps({"type": "save"}))
        refused = ws.receive_json()
        assert refused["type"] == "error" and "expected a squat set" in refused["message"]
        assert "glutefire check glute_bridge" in refused["message"]
        ws.send_text(json.dumps({"type": "exercise", "exercise": "squat"}))
        assert ws.receive_json()["title"] == "Squat"
        ws.send_bytes(struct.pack("<d", 0.0) + jpeg)
        assert ws.receive_json()["reps"] == 0  # a new set


def test_websocket_browser_path_times_a_plank_hold(client):
    ds = fig.plank(hold_s=5.0)

    def never():
        raise AssertionError("the server loaded a pose model for a landmarks-only socket")

    client.app.state.live_backend_factory = never
    cid = add_client(client, signup(client))
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_text(json.dumps({"type": "exercise", "exercise": "forearm_plank"}))
        assert ws.receive_json()["type"] == "exercise"
        replies = []
        for message in map(json.dumps, landmarks_messages(ds)):
            ws.send_text(message)
            replies.append(ws.receive_json())
    assert all(r["advice"] == "" for r in replies)  # never "too short" while the set starts
    held = [r for r in replies if r["hold_s"] is not None]
    assert held and all(r["counts"] == "hold" for r in replies)
    assert max(r["hold_s"] for r in held) == pytest.approx(5.0, abs=0.6)
    assert replies[-1]["hold_s"] is None  # lying down again at the end
    assert replies[-1]["longest_hold_s"] == pytest.approx(5.0, abs=0.6)


def test_websocket_unknown_exercise_is_an_error_listing_the_known_ones(client):
    client.app.state.live_backend_factory = lambda: ReplayBackend(fig.bridge())
    cid = add_client(client, signup(client))
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_text(json.dumps({"type": "exercise", "exercise": "pushup"}))
        error = ws.receive_json()
        assert (
            error["type"] == "error"
            and "expected an exercise from glute_bridge" in error["message"]
        )
        ws.send_text(json.dumps({"type": "exercise"}))
        assert ws.receive_json()["type"] == "error"


def test_live_wrong_view_is_said_while_counting():
    ds = fig.bridge()  # a side view: a side plank needs the front
    session = LiveSession(ReplayBackend(ds))
    session.set_exercise("side_plank")
    replies = [
        session.process_landmarks(parse_landmarks(m))
        for m in map(json.dumps, landmarks_messages(ds))
    ]
    assert "a side plank is counted from front or oblique" in replies[-1]["advice"]


def _stream_squat(n_reps: int) -> tuple[list[int], list[int], int]:
    ds, _ = front_squat(SquatSpec(n_reps=n_reps))
    session = LiveSession(ReplayBackend(ds), max_frames=ds.sizes["time"])
    counts, samples = [], []
    for message in map(json.dumps, landmarks_messages(ds)):
        reply = session.process_landmarks(parse_landmarks(message))
        counts.append(reply["reps"])
        samples.append(reply["samples"])
    return counts, samples, len(analyse_keypoints(ds).reps)


def test_squat_live_work_per_frame_does_not_grow_with_the_set(monkeypatch):
    """A set 4x the window: every frame reads at most the window's frames (as many for the long
    set as for the short one) and the count is the offline count."""
    monkeypatch.setattr(live_module, "SQUAT_WINDOW_S", 6.0)
    short_counts, short_samples, short_offline = _stream_squat(3)
    long_counts, long_samples, long_offline = _stream_squat(10)
    assert short_counts[-1] == short_offline == 3
    assert long_counts[-1] == long_offline == 10
    assert long_counts == sorted(long_counts)
    window_frames = int(6.0 * SquatSpec().fps) + 1
    assert max(long_samples) == max(short_samples) == window_frames
    assert len(long_samples) > 3 * window_frames


def test_squat_reply_names_its_exercise_and_counts():
    ds, _ = front_squat(SquatSpec(n_reps=1))
    session = LiveSession(ReplayBackend(ds))
    reply = session.process(np.zeros((H, W, 3), np.uint8), 0.0)
    assert reply["exercise"] == "squat" and reply["counts"] == "reps"
    assert reply["hold_s"] is None and reply["advice"] == ""
