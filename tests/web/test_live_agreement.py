"""Live mode and offline screening agree on real clips.

1. The front sample streamed frame by frame through the live analyser (real pose model) gives
   the same complete reps and findings as ``glutefire screen``.
2. On the real keypoints of that clip, live mode's per-frame metrics are those of the offline
   per-frame table (same functions, same frames), and stay close to the screened (filtered)
   table: live mode cannot use the zero-lag filter, which needs the frames that follow.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import SQUAT_FRONT
from glutefire.io.keypoint_files import read_keypoints
from glutefire.kinematics.live import frame_metrics, seen_only
from glutefire.kinematics.metrics import SIDES, SQUAT_DEPTH, choose_sides, col
from glutefire.kinematics.view import detect_view
from glutefire.screening.pipeline import analyse_keypoints
from glutefire.web.live import LiveSession
from webtools import ReplayBackend

pytestmark = pytest.mark.slow
FPPA = [col("knee_fppa", s) for s in SIDES]


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
        live = session.screen().result
    assert reply["reps"] == clip_result["summary"]["complete_reps"]
    assert live.summary.complete_reps == clip_result["summary"]["complete_reps"]
    assert [c.value for c in live.summary.present] == clip_result["summary"]["present"]
    assert live.view == clip_result["view"]


def _stream(ds):
    """Feed ``ds`` to a live session frame by frame; per frame: (view, metrics row)."""
    session = LiveSession(ReplayBackend(ds))
    image = np.zeros((ds.attrs["image_height_px"], ds.attrs["image_width_px"], 3), np.uint8)
    seen = []
    for t in ds["time"].values:
        session.process(image, float(t))
        last = session.last
        seen.append(
            (None, None) if last is None or last.view is None else (last.view.view, last.metrics)
        )
    return session, seen


def test_live_per_frame_metrics_are_the_offline_ones(screened_front):
    _, out = screened_front
    ds = read_keypoints(out / "clip0_keypoints.csv")  # the clip's raw pose keypoints
    seen = seen_only(ds)
    est = detect_view(seen)
    sides = choose_sides(seen, est.view).sides
    offline = frame_metrics(seen, est, sides)
    session, live = _stream(ds)
    judged = [i for i, (view, _) in enumerate(live) if view is est.view]
    assert len(judged) > 0.9 * len(live)  # the view is known almost from the start
    live_fppa = np.array([live[i][1][FPPA].to_numpy(dtype=float) for i in judged])
    np.testing.assert_allclose(live_fppa, offline[FPPA].to_numpy()[judged], rtol=0, atol=1e-9)
    assert np.isfinite(live_fppa).mean() > 0.9
    assert session.last.sides is not None and session.last.sides.sides == sides
    np.testing.assert_allclose(session.last.depth, offline[SQUAT_DEPTH], atol=1e-9)
    # the screened table is filtered: close to the live values, not equal
    screened = analyse_keypoints(ds).frames[FPPA].to_numpy()[judged]
    gap = np.nanmedian(np.abs(screened - live_fppa))
    assert gap < 2.0, f"median live/screened FPPA gap {gap:.2f} deg"
