"""Outputs for a clip with findings present, from an analytic keypoint file (no model)."""

import json

import cv2

from conftest import run_cli
from glutefire.io.keypoint_files import write_landmark_csv
from synthetic import SquatSpec, front_squat


def test_keyframe_per_present_finding_and_summary(tmp_path):
    kp = tmp_path / "valgus.csv"
    write_landmark_csv(front_squat(SquatSpec(fppa_deg=22, thigh_deg=45))[0], kp)
    code, text = run_cli("screen", kp, "--out", tmp_path / "out")
    assert code == 0, text
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    present = set(result["summary"]["present"])
    assert {"knees_cave_in", "insufficient_depth"} <= present
    for code_ in present:
        image = cv2.imread(str(tmp_path / "out" / f"keyframe_{code_}.png"))
        assert image is not None and image.shape[0] > 100
    assert "Knees cave in" in text and "present" in text
    assert not (tmp_path / "out" / "clip0_annotated.mp4").exists()  # no video for keypoints


def test_a_failing_optional_output_keeps_the_result_and_warns(tmp_path):
    kp = tmp_path / "valgus.csv"
    write_landmark_csv(front_squat(SquatSpec(fppa_deg=22))[0], kp)
    out = tmp_path / "out"
    (out / "clip0_keypoints.csv").mkdir(parents=True)  # a folder where the keypoint CSV goes
    code, text = run_cli("screen", kp, "--out", out, "--json", tmp_path / "copy.json")
    assert code == 0, text
    assert "warning: the keypoint CSV of clip 0 could not be written" in text
    result = json.loads((out / "result.json").read_text())
    assert result == json.loads((tmp_path / "copy.json").read_text())
    assert "knees_cave_in" in result["summary"]["present"]
    assert [w.split(" (")[0] for w in result["warnings"]] == [
        "the keypoint CSV of clip 0 could not be written"
    ]
    assert (out / "reps.csv").exists() and (out / "keyframe_knees_cave_in.png").exists()
