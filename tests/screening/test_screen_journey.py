"""The user's journey through ``glutefire screen`` for the new cases: a clip whose view changes,
a side view with the far leg hidden, a forced view that contradicts the landmarks. What the
terminal and the JSON say must be true."""

import json

from conftest import run_cli
from glutefire.io.keypoint_files import write_landmark_csv
from synthetic import SquatSpec, concat_clips, front_squat, hide_leg, side_squat


def test_clip_that_turns_from_side_to_front_is_screened_in_both_views(tmp_path):
    side, _ = side_squat(SquatSpec(n_reps=2))
    front, _ = front_squat(SquatSpec(n_reps=2))  # each view lasts over 3 s
    clip = tmp_path / "turns.csv"
    write_landmark_csv(concat_clips(hide_leg(side, "right"), front), clip)
    code, text = run_cli("screen", clip, "--json", tmp_path / "r.json")
    assert code == 0, text
    assert "view changed" in text
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["view"] == "side+front"
    entry = result["input"][0]
    assert [s["view"] for s in entry["view_segments"]] == ["side", "front"]
    assert entry["view_segments"][1]["start_s"] >= entry["view_segments"][0]["end_s"]
    assert any("view changed" in n for n in entry["notes"])
    assert result["summary"]["complete_reps"] == 4


def test_side_view_with_far_leg_hidden_says_which_leg_was_measured(tmp_path):
    clip = tmp_path / "side.csv"
    write_landmark_csv(hide_leg(side_squat(SquatSpec(n_reps=3))[0], "left"), clip)
    code, text = run_cli("screen", clip, "--json", tmp_path / "r.json")
    assert code == 0, text
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["input"][0]["legs_used"] == ["right"]
    assert result["summary"]["complete_reps"] == 3
    assert "legs measured: right leg" in text


def test_forced_view_against_the_landmarks_warns(tmp_path):
    clip = tmp_path / "side.csv"
    write_landmark_csv(side_squat(SquatSpec(n_reps=3))[0], clip)
    code, text = run_cli("screen", clip, "--view", "front", "--json", tmp_path / "r.json")
    assert code == 0, text
    assert "warning: --view front contradicts the landmarks" in " ".join(text.split())
    notes = json.loads((tmp_path / "r.json").read_text())["input"][0]["notes"]
    assert any(n.startswith("warning: --view front") for n in notes)
