"""Live mirror mode's browser path: landmarks (not images) over the WebSocket, validated strictly,
analysed like the server path's frames, with no pose model loaded on the server."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glutefire.errors import InputFileError
from glutefire.screening.pipeline import analyse_keypoints
from glutefire.web.live import LandmarksMessage, LiveSession, parse_landmarks
from synthetic import H, SquatSpec, W, front_squat
from webtools import ReplayBackend, add_client, landmarks_messages, signup


def _valid() -> dict:
    return {"type": "landmarks", "t": 10.0, "w": 640, "h": 480, "points": [[0.5, 0.5, 0.9]] * 33}


class _NeverLoaded:
    """A backend factory that fails the test if the server path's model is loaded."""

    def __call__(self):
        raise AssertionError("the server loaded a pose model for a landmarks-only socket")


def test_landmarks_count_reps_cue_and_save_like_the_server_path():
    ds, _ = front_squat(SquatSpec(n_reps=3, fppa_deg=25.0))
    session = LiveSession(_NeverLoaded())
    replies = [
        session.process_landmarks(parse_landmarks(json.dumps(m))) for m in landmarks_messages(ds)
    ]
    counts = [r["reps"] for r in replies]
    assert counts[-1] == 3 and counts == sorted(counts)
    assert "Knees out!" in {r["cue"] for r in replies}
    assert len(replies[-1]["landmarks"]) == 33
    live = session.screen()
    clip = analyse_keypoints(ds)
    (screen,) = live.screens
    assert len(screen.analysis.reps) == len(clip.reps) == 3
    assert [f.status for f in screen.analysis.findings] == [f.status for f in clip.findings]
    assert not session.backend_loaded


def test_a_landmarks_set_is_saved_under_the_browser_model():
    from glutefire.result import ModelInfo

    ds, _ = front_squat(SquatSpec(n_reps=1))
    session = LiveSession(
        _NeverLoaded(),
        model=ModelInfo(name="server"),
        landmarks_model=ModelInfo(name="browser", version="tasks-vision"),
    )
    for message in landmarks_messages(ds):
        session.process_landmarks(parse_landmarks(json.dumps(message)))
    assert session.screen().result.model.name == "browser"
    assert "browser tasks-vision (live)" in session.keypoints().attrs["source_software"]


def test_no_person_is_a_frame_without_landmarks():
    session = LiveSession(_NeverLoaded())
    reply = session.process_landmarks(parse_landmarks(json.dumps(_valid() | {"points": None})))
    assert reply["landmarks"] is None and reply["frame"] == 0 and reply["reps"] == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"points": [[0.5, 0.5, 0.9]] * 34}, "points: List should have at most 33 items"),
        ({"points": [[0.5, 0.5, 0.9]] * 32}, "points: List should have at least 33 items"),
        ({"points": [[0.5, 0.5, 0.9, 0.1]] * 33}, "points.0: Tuple should have at most 3 items"),
        ({"points": [[2.5, 0.5, 0.9]] * 33}, "points.0.0: Input should be less than or equal to 2"),
        ({"points": [[0.5, -1.5, 0.9]] * 33}, "points.0.1: Input should be greater than or equal"),
        ({"points": [[0.5, 0.5, 1.2]] * 33}, "points.0.2: Input should be less than or equal to 1"),
        ({"points": [["0.5", 0.5, 0.9]] * 33}, "points.0.0: Input should be a valid number"),
        ({"w": 640.5}, "w: Input should be a valid integer"),
        ({"w": True}, "w: Input should be a valid integer"),
        ({"h": 0}, "h: Input should be greater than 0"),
        ({"t": -1.0}, "t: Input should be greater than or equal to 0"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
        ({"type": "frame"}, "type: Input should be 'landmarks'"),
    ],
)
def test_landmarks_messages_are_validated_strictly(change, expected):
    with pytest.raises(InputFileError, match=r"^expected a landmarks message, but ") as info:
        parse_landmarks(json.dumps(_valid() | change))
    assert expected in str(info.value)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_landmarks_are_refused(literal):
    text = json.dumps(_valid()).replace("0.9]", literal + "]", 1)
    assert literal in text
    with pytest.raises(InputFileError, match="points.0.2: Input should be a finite number"):
        parse_landmarks(text)
    text = json.dumps(_valid()).replace("10.0", literal)
    with pytest.raises(InputFileError, match="t: Input should be a finite number"):
        parse_landmarks(text)


@pytest.mark.parametrize("text", ["{", "[]", "null", '{"type": "landmarks"}', "x" * 9000])
def test_malformed_landmarks_messages_are_one_line_errors(text):
    with pytest.raises(InputFileError, match="^expected a landmarks message") as info:
        parse_landmarks(text)
    assert "\n" not in str(info.value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text_is_a_landmarks_message_or_one_error(text):
    try:
        message = parse_landmarks(text)
    except InputFileError as exc:
        assert str(exc).startswith("expected a landmarks message")
    else:
        assert isinstance(message, LandmarksMessage) and math.isfinite(message.t)


def test_time_must_increase_and_images_stay_within_the_frame_limit():
    session = LiveSession(_NeverLoaded(), max_frame_pixels=640 * 480)
    session.process_landmarks(parse_landmarks(json.dumps(_valid())))
    for t in (10.0, 9.0):
        with pytest.raises(InputFileError, match=rf"expected a time after 10.0 ms, but got {t}"):
            session.process_landmarks(parse_landmarks(json.dumps(_valid() | {"t": t})))
    with pytest.raises(InputFileError, match="at most 0.3 megapixels, but got 1280x720"):
        session.process_landmarks(
            parse_landmarks(json.dumps(_valid() | {"t": 20.0, "w": 1280, "h": 720}))
        )
    assert session.n_frames == 1


def test_landmarks_stop_at_the_frame_limit():
    session = LiveSession(_NeverLoaded(), max_frames=2)
    for t in (1.0, 2.0):
        session.process_landmarks(parse_landmarks(json.dumps(_valid() | {"t": t})))
    with pytest.raises(InputFileError, match="at most 2 frames"):
        session.process_landmarks(parse_landmarks(json.dumps(_valid() | {"t": 3.0})))


@pytest.fixture
def counted_client(client):
    """A logged-in client whose server path counts how often a pose model is loaded."""
    ds, _ = front_squat(SquatSpec(n_reps=2, fppa_deg=25.0))
    loaded: list[int] = []

    def factory():
        loaded.append(1)
        return ReplayBackend(ds)

    client.app.state.live_backend_factory = factory
    return client, add_client(client, signup(client)), ds, loaded


def test_websocket_landmarks_count_reps_and_save_without_a_server_model(counted_client):
    client, cid, ds, loaded = counted_client
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        for message in landmarks_messages(ds):
            ws.send_text(json.dumps(message))
            reply = ws.receive_json()
            assert reply["type"] == "frame", reply
        assert reply["reps"] == 2 and "server_ms" in reply
        ws.send_text(json.dumps({"type": "save"}))
        saved = ws.receive_json()
    assert saved["type"] == "saved" and saved["complete_reps"] == 2, saved
    assert loaded == []  # the server ran no pose model
    page = client.get(saved["url"])
    assert page.status_code == 200 and "Knees cave in" in page.text


def test_websocket_answers_bad_landmarks_with_an_error_and_goes_on(counted_client):
    client, cid, ds, loaded = counted_client
    first, second = landmarks_messages(ds)[:2]
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_text(json.dumps(first | {"points": first["points"] * 2}))
        assert "at most 33 items" in ws.receive_json()["message"]
        ws.send_text(json.dumps(first).replace(str(first["points"][0][0]), "NaN", 1))
        assert "finite number" in ws.receive_json()["message"]
        ws.send_text(json.dumps(first))
        assert ws.receive_json()["frame"] == 0
        ws.send_text(json.dumps(first))
        assert "expected a time after" in ws.receive_json()["message"]
        ws.send_text(json.dumps(second))
        assert ws.receive_json()["frame"] == 1
    assert loaded == []


def test_live_page_chooses_the_pose_path_and_allows_webassembly(counted_client):
    client, cid, _, _ = counted_client
    page = client.get(f"/clients/{cid}/live")
    assert page.status_code == 200
    assert 'data-pose="auto"' in page.text  # browser first (measured, docs/benchmarks.md)
    assert 'data-model="/live/pose_landmarker_full.task"' in page.text
    assert "'wasm-unsafe-eval'" in page.headers["content-security-policy"]
    assert "https://" not in page.text  # nothing from a CDN
    assert 'data-pose="server"' in client.get(f"/clients/{cid}/live?pose=server").text
    assert 'data-pose="browser"' in client.get(f"/clients/{cid}/live?pose=browser").text
    bad = client.get(f"/clients/{cid}/live?pose=gpu")
    assert bad.status_code == 400 and "expected pose=auto, browser, server" in bad.text
    other = client.get("/clients")
    assert "wasm-unsafe-eval" not in other.headers["content-security-policy"]


def test_the_browser_runtime_and_model_are_served_with_their_types(client):
    from glutefire.models import load_bundle

    model = client.get("/live/pose_landmarker_full.task")
    assert model.status_code == 200
    assert model.headers["content-type"] == "application/octet-stream"
    assert model.content == load_bundle("full").data
    for path, kind in (
        ("/static/live_pose.mjs", "text/javascript"),
        ("/static/vendor/tasks-vision/vision_bundle.mjs", "text/javascript"),
        ("/static/vendor/tasks-vision/wasm/vision_wasm_internal.js", "text/javascript"),
        ("/static/vendor/tasks-vision/wasm/vision_wasm_internal.wasm", "application/wasm"),
    ):
        response = client.get(path)
        assert response.status_code == 200, f"{path}: run `make setup` (scripts/build_web_pose.py)"
        assert response.headers["content-type"].split(";")[0] == kind, path


def test_server_path_loads_its_model_on_the_first_jpeg_and_refuses_a_nan_time(counted_client):
    import struct

    import cv2

    client, cid, _, loaded = counted_client
    ok, jpeg = cv2.imencode(".jpg", np.zeros((H, W, 3), np.uint8))
    assert ok
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_bytes(struct.pack("<d", math.nan) + jpeg.tobytes())
        assert ws.receive_json()["message"] == "expected a finite capture time, but got nan"
        ws.send_bytes(struct.pack("<d", 0.0) + jpeg.tobytes())
        assert ws.receive_json()["frame"] == 0
    assert loaded == [1]


def test_the_browser_runtime_version_is_the_pinned_one():
    from pathlib import Path

    from glutefire.web.routes.live import TASKS_VISION

    manifest = Path(__file__).resolve().parents[2] / "scripts" / "web_pose_manifest.json"
    assert json.loads(manifest.read_text())["source"]["npm"] == TASKS_VISION
