"""Overlays say what their colours and signs mean, and a keyframe marks the segments its finding
measured (on the finding's side), not the whole skeleton."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.annotate import (
    AMBER,
    GREEN,
    KEY_FRONTAL,
    RED,
    Overlay,
    _scale_for,
    measured_edges,
    write_keyframe,
)
from glutefire.result import FindingCode, ModelInfo, Status
from glutefire.screening.assemble import build_result
from glutefire.screening.pipeline import ClipInput, screen_clip
from synthetic import SquatSpec, front_squat


@pytest.fixture(scope="module")
def valgus_screen(tmp_path_factory):
    path = tmp_path_factory.mktemp("kp") / "valgus.csv"
    write_landmark_csv(front_squat(SquatSpec(fppa_deg=22, thigh_deg=45))[0], path)
    screen = screen_clip(ClipInput(path))
    return screen, build_result([screen], model=ModelInfo(name="keypoint file"))


def _valgus(result):
    return next(f for f in result.findings if f.code is FindingCode.KNEES_CAVE_IN)


def test_measured_edges_follow_the_finding_and_its_side(valgus_screen):
    finding = _valgus(valgus_screen[1])
    left = measured_edges(finding.model_copy(update={"side": "left"}))
    assert left == {("left_hip", "left_knee"), ("left_knee", "left_ankle")}
    both = measured_edges(finding.model_copy(update={"side": "both"}))
    assert ("right_hip", "right_knee") in both and len(both) == 4
    every_code = {c for c in FindingCode}
    shift = finding.model_copy(update={"code": FindingCode.ASYMMETRIC_WEIGHT_SHIFT, "side": "left"})
    assert ("left_hip", "left_knee") in measured_edges(shift)  # the leg line, as drawn segments
    assert all(measured_edges(finding.model_copy(update={"code": c})) for c in every_code)


def _pixel_colour(img, a, b):
    """BGR at the middle of the segment a-b of the drawn frame."""
    mid = ((a + b) / 2).round().astype(int)
    return tuple(int(v) for v in img[mid[1], mid[0]])


def _segment(screen, frame, name_a, name_b, scale):
    overlay = Overlay.of(screen)
    pos = overlay.position_px[frame] * scale
    index = {n: i for i, n in enumerate(overlay.names)}
    return pos[index[name_a]], pos[index[name_b]]


@pytest.mark.parametrize(
    ("status", "colour"), [(Status.PRESENT, RED), (Status.ABSENT, AMBER)], ids=["present", "absent"]
)
def test_keyframe_marks_only_the_measured_leg(valgus_screen, tmp_path, status, colour):
    screen, result = valgus_screen
    finding = _valgus(result).model_copy(update={"side": "left", "status": status})
    path = write_keyframe(screen, finding, tmp_path / "k.png")
    img = cv2.imread(str(path))
    attrs = screen.analysis.keypoints.attrs
    scale = _scale_for(attrs["image_width_px"], attrs["image_height_px"], 960)
    frame = finding.evidence_frame
    assert frame is not None
    left = _segment(screen, frame, "left_hip", "left_knee", scale)
    right = _segment(screen, frame, "right_hip", "right_knee", scale)
    assert _pixel_colour(img, *left) == colour
    assert _pixel_colour(img, *right) == GREEN


def test_every_frame_carries_the_key_to_the_angle_signs(valgus_screen):
    overlay = Overlay.of(valgus_screen[0])
    assert overlay.key == KEY_FRONTAL and "FPPA + = knee inward" in overlay.key
    assert any("knee FPPA +" in line for lines in overlay.text for line in lines)
    assert np.isfinite(overlay.position_px).any()
