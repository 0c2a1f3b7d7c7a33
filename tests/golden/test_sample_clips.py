"""Golden tests on the real sample clips, run through the real pose model and the CLI."""

import csv

import pytest

from conftest import SQUAT_3Q, run_cli

pytestmark = pytest.mark.slow


def test_3q_clip_one_complete_rep_bottom_near_5_4_s(screened_3q):
    result, _ = screened_3q
    reps = result["reps"]
    complete = [r for r in reps if r["complete"]]
    assert len(complete) == 1
    assert complete[0]["bottom_s"] == pytest.approx(5.4, abs=0.3)
    assert [r["complete"] for r in reps] == [False, True, False]  # partial ends
    assert reps[0]["start_s"] == 0.0 and reps[-1]["end_s"] > 10.0


def test_3q_clip_top_level_contract(screened_3q):
    result, _ = screened_3q
    for key in ("input", "view", "reps", "findings"):
        assert key in result
    assert result["input"][0]["sha256"].startswith("cd2558267d0b")
    assert result["input"][0]["subject"]["people_seen"] == 2  # the seated man is ignored
    for r in result["reps"]:
        assert {"start_s", "bottom_s", "end_s", "complete", "metrics"} <= set(r)
    codes = [f["code"] for f in result["findings"]]
    assert len(codes) == 9 and len(set(codes)) == 9
    for f in result["findings"]:
        assert {"code", "status", "side", "value", "threshold", "unit", "reps"} <= set(f)
        assert f["status"] in ("present", "absent", "not_assessable")
        if f["status"] == "not_assessable":
            assert f["reason"]


def test_3q_clip_sagittal_findings_and_honest_limits(screened_3q):
    result, _ = screened_3q
    f = {x["code"]: x for x in result["findings"]}
    assert result["view"] in ("side", "oblique")
    assert f["knees_cave_in"]["status"] == "not_assessable"  # needs a front view
    assert f["arms_fall_forward"]["status"] == "not_assessable"  # hands at the chest
    assert f["low_back_arches"]["status"] == "not_assessable"
    assert f["insufficient_depth"]["status"] == "absent"  # she reaches about chair height
    assert f["excessive_forward_lean"]["value"] == pytest.approx(42, abs=8)  # trunk from vertical
    assert f["excessive_forward_lean"]["supporting"]["trunk_minus_tibia_deg"] == pytest.approx(
        12, abs=8
    )
    assert 0 < f["insufficient_depth"]["confidence"] < 0.9  # one rep only


def test_3q_outputs_written(screened_3q):
    result, out = screened_3q
    assert (out / "copy.json").exists()
    rows = list(csv.DictReader((out / "reps.csv").open()))
    assert len(rows) == 3 and rows[1]["complete"] == "True"
    assert (out / "clip0_annotated.mp4").stat().st_size > 100_000
    assert (out / "clip0_keypoints.csv").exists()
    for f in result["findings"]:
        assert (out / f"keyframe_{f['code']}.png").exists() == (f["status"] == "present")


def test_keypoint_file_reruns_without_the_model(screened_3q, tmp_path):
    result, out = screened_3q
    code, text = run_cli("screen", out / "clip0_keypoints.csv", "--json", tmp_path / "r.json", "-q")
    assert code == 0, text
    import json

    rerun = json.loads((tmp_path / "r.json").read_text())
    assert [r["bottom_s"] for r in rerun["reps"]] == [r["bottom_s"] for r in result["reps"]]
    assert [f["status"] for f in rerun["findings"]] == [f["status"] for f in result["findings"]]


def test_front_clip_reps_and_no_valgus(screened_front):
    result, _ = screened_front
    assert result["view"] == "front"
    bottoms = [r["bottom_s"] for r in result["reps"]]
    assert bottoms == pytest.approx([0.9, 3.7, 6.5, 9.4], abs=0.3)
    f = {x["code"]: x for x in result["findings"]}
    assert f["knees_cave_in"]["status"] == "absent"  # knees stay over the feet
    assert f["knees_cave_in"]["value"] < 0  # knees pushed out in a wide stance
    assert f["knees_forward"]["status"] == "not_assessable"


def test_terminal_summary_mentions_findings_and_disclaimer():
    code, text = run_cli("screen", SQUAT_3Q, "--no-video")
    assert code == 0
    assert "Findings" in text and "not a diagnosis" in text


def test_front_and_side_clips_screened_together(screened_3q, screened_front, tmp_path):
    _, side_out = screened_3q
    _, front_out = screened_front
    front_kp, side_kp = front_out / "clip0_keypoints.csv", side_out / "clip0_keypoints.csv"
    code, text = run_cli(
        "screen",
        front_kp,
        side_kp,
        "--heels-elevated",
        front_kp,
        "--json",
        tmp_path / "r.json",
        "-q",
    )
    assert code == 0, text
    import json

    result = json.loads((tmp_path / "r.json").read_text())
    assert result["view"] == "front+side"
    assert [c["heels_elevated"] for c in result["input"]] == [False, False, True]
    f = {x["code"]: x for x in result["findings"]}
    assert f["knees_cave_in"]["clip"] == 0 and f["knees_cave_in"]["status"] == "absent"
    assert f["knees_cave_in"]["heels_elevated_status"] == "absent"
    assert f["excessive_forward_lean"]["clip"] == 1
    assert f["insufficient_depth"]["clip"] == 1  # the side view is the better judge of depth
    assert {r["clip"] for r in result["reps"]} == {0, 1, 2}
