"""Live mode and uploads agree: the front sample streamed frame by frame through the live
analyser (real pose model) gives the same complete reps and findings as ``glutefire screen``."""

from __future__ import annotations

import cv2
import pytest

from conftest import SQUAT_FRONT
from glutefire.reports.result import build_result
from glutefire.web.jobs import model_info
from glutefire.web.live import LiveSession

pytestmark = pytest.mark.slow


def test_live_set_matches_the_uploaded_clip(screened_front):
    from glutefire.pose.mediapipe_backend import MediaPipePose

    clip_result, _ = screened_front
    cap = cv2.VideoCapture(str(SQUAT_FRONT))
    fps = cap.get(cv2.CAP_PROP_FPS)
    with MediaPipePose() as pose:
        session = LiveSession(pose)
        index = 0
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
            reply = session.process_jpeg(jpeg.tobytes(), index * 1000 / fps)
            index += 1
        cap.release()
        live_result = build_result([session.screen()], model=model_info())
    assert reply["reps"] == clip_result["summary"]["complete_reps"]
    assert live_result["summary"]["complete_reps"] == clip_result["summary"]["complete_reps"]
    assert live_result["summary"]["present"] == clip_result["summary"]["present"]
    assert live_result["view"] == clip_result["view"]
