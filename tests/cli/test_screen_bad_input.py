"""Bad input gets one clear line and a non-zero exit, never a traceback."""

import json

import pytest

from clips import beside_empty_wall, blank_clip, derive_clip, side_by_side, top_part
from conftest import BRIDGE, SQUAT_3Q, SQUAT_FRONT, run_cli


def assert_clear_error(code, text, *needles):
    assert code == 2, text
    assert "Traceback" not in text
    assert text.strip().startswith("error:"), text
    for needle in needles:
        assert needle in text, text


def test_missing_file(tmp_path):
    assert_clear_error(*run_cli("screen", tmp_path / "none.mp4"), "no such file")


def test_not_a_video(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("hello")
    assert_clear_error(*run_cli("screen", fake), "not a readable video")


def test_truncated_video(tmp_path):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(SQUAT_FRONT.read_bytes()[:20_000])
    code, text = run_cli("screen", cut, "-q")
    assert_clear_error(code, text)


def test_no_person(tmp_path):
    assert_clear_error(
        *run_cli("screen", blank_clip(tmp_path / "wall.mp4"), "-q"), "no person found"
    )


def test_body_partly_out_of_frame(tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "legs_cut.mp4", stop_s=3.0, transform=top_part)
    assert_clear_error(*run_cli("screen", clip, "-q"), "out of frame")


def test_clip_too_short(tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "short.mp4", stop_s=0.6)
    assert_clear_error(*run_cli("screen", clip, "-q"), "too short")


def test_no_complete_rep(tmp_path):
    clip = derive_clip(
        SQUAT_3Q, tmp_path / "partial.mp4", stop_s=1.9, transform=lambda f: f[::2, ::2].copy()
    )
    assert_clear_error(*run_cli("screen", clip, "-q"), "no complete squat")


def test_wrong_view_person_lying_down(tmp_path):
    assert_clear_error(*run_cli("screen", BRIDGE, "-q"), "not upright")


def test_several_people_of_similar_size(tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "two.mp4", stop_s=1.0, transform=side_by_side)
    assert_clear_error(*run_cli("screen", clip, "-q"), "people of similar size", "--subject")


def test_several_people_resolved_with_subject_option(tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "two.mp4", stop_s=5.0, transform=side_by_side)
    code, text = run_cli("screen", clip, "--subject", "left", "--json", tmp_path / "r.json", "-q")
    assert code == 0, text
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["input"][0]["subject"]["people_seen"] == 2
    assert result["view"] == "front"
    assert sum(r["complete"] for r in result["reps"]) >= 1


def test_small_person_in_a_wide_frame_is_found(tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "wide.mp4", stop_s=5.0, transform=beside_empty_wall)
    code, text = run_cli("screen", clip, "--json", tmp_path / "r.json", "-q")
    assert code == 0, text
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["input"][0]["subject"]["people_seen"] == 1
    assert [r["bottom_s"] for r in result["reps"] if r["complete"]][:1] == pytest.approx(
        [0.9], abs=0.3
    )


def test_unknown_model_is_rejected():
    code, text = run_cli("screen", SQUAT_FRONT, "--model", "medium")
    assert code == 2 and "Traceback" not in text
    assert "lite" in text and "heavy" in text


def test_missing_model_bundle_is_one_clear_error(monkeypatch):
    import glutefire.models as models

    monkeypatch.setattr(models, "bundle_file_name", lambda m: "no_such_bundle.task")
    assert_clear_error(
        *run_cli("screen", SQUAT_FRONT, "-q"), "not installed", "build_pose_models.py"
    )


def test_altered_model_bundle_is_refused(monkeypatch):
    import glutefire.models as models

    monkeypatch.setattr(models, "expected_sha256", lambda m: "0" * 64)
    assert_clear_error(*run_cli("screen", SQUAT_FRONT, "-q"), "sha256", "manifest")


def test_unknown_view_value_is_rejected():
    code, text = run_cli("screen", SQUAT_FRONT, "--view", "top")
    assert code == 2 and "Traceback" not in text


def test_malformed_keypoint_csv(tmp_path):
    bad = tmp_path / "kp.csv"
    bad.write_text("frame,time_s\n0,0.0\n")
    assert_clear_error(*run_cli("screen", bad, "-q"), "missing")


def test_view_count_mismatch(tmp_path):
    assert_clear_error(
        *run_cli(
            "screen", SQUAT_FRONT, SQUAT_3Q, "--view", "front", "--view", "side", "--view", "side"
        ),
        "--view",
    )


def test_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, text = run_cli("screen", SQUAT_FRONT, "--json", blocker / "r.json", "-q", "--no-video")
    assert_clear_error(code, text, "could not write")
