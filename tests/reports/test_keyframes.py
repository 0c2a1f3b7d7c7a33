"""Keyframes: one per present pattern, and the deepest rep's bottom frame when nothing is
present (so every screening's results page has a picture to check)."""

from __future__ import annotations

import cv2

from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.outputs import DEEPEST_KEYFRAME, deepest_rep, keyframe_outputs
from glutefire.result import ModelInfo, RepRecord, Status
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import screen_session
from synthetic import SquatSpec, front_squat


def _rep(index: int, **metrics: float) -> RepRecord:
    return RepRecord(
        clip=0,
        index=index,
        start_s=index * 3.0,
        bottom_s=index * 3.0 + 1.0,
        end_s=index * 3.0 + 2.0,
        complete=True,
        bottom_frame=30 * index,
        metrics=metrics,
    )


def test_deepest_rep_has_the_lowest_hip():
    reps = [_rep(1, hip_height_rel=0.8), _rep(2, hip_height_rel=0.55), _rep(3, hip_height_rel=0.7)]
    assert deepest_rep(reps) is reps[1]


def test_deepest_rep_falls_back_to_the_thigh_then_the_first_complete_rep():
    reps = [_rep(1, thigh_above_horizontal_deg=30.0), _rep(2, thigh_above_horizontal_deg=5.0)]
    assert deepest_rep(reps) is reps[1]
    assert deepest_rep([_rep(1), _rep(2)]).index == 1
    assert deepest_rep([]) is None


def _screen(tmp_path, spec: SquatSpec):
    csv = tmp_path / "squat.csv"
    write_landmark_csv(front_squat(spec)[0], csv)
    folder = tmp_path / "keyframes"
    session = screen_session(
        [ClipInput(csv)], model=ModelInfo(name="test"), outputs=[keyframe_outputs(folder)]
    )
    return session.result, folder


def test_a_clean_squat_gets_the_deepest_frame_as_its_keyframe(tmp_path):
    result, folder = _screen(tmp_path, SquatSpec(fppa_deg=0.0, thigh_deg=95.0))
    assert not [f for f in result.findings if f.status is Status.PRESENT]
    files = sorted(p.name for p in folder.glob("*.png"))
    assert files == [f"{DEEPEST_KEYFRAME}.png"]
    image = cv2.imread(str(folder / files[0]))
    assert image is not None and image.shape[0] > 100 and image.std() > 1.0  # drawn, not blank


def test_a_present_pattern_gets_its_own_keyframe_and_no_deepest_frame(tmp_path):
    result, folder = _screen(tmp_path, SquatSpec(fppa_deg=22.0, thigh_deg=45.0))
    present = {f.code.value for f in result.findings if f.status is Status.PRESENT}
    assert "knees_cave_in" in present
    names = {p.stem for p in folder.glob("*.png")}
    assert "knees_cave_in" in names and DEEPEST_KEYFRAME not in names
