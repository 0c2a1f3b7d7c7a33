"""``glutefire check``: the user's journey from a clip to reps, holds and form checks, one clear
error for bad input, and the many-clips mode (``--out``); on keypoint CSVs of analytic figures
(the pose model is exercised in tests/exercises/test_check_real.py)."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli
from exercise_figures import bridge, plank
from glutefire.exercise_result import parse_check_result
from glutefire.io.keypoint_files import write_landmark_csv


@pytest.fixture
def bridge_csv(tmp_path):
    path = tmp_path / "bridge.csv"
    write_landmark_csv(bridge(), path)
    return path


def test_check_prints_reps_and_checks_and_writes_a_valid_result(bridge_csv, tmp_path):
    out = tmp_path / "bridge.json"
    code, text = run_cli("check", "glute_bridge", bridge_csv, "--json", out)
    assert code == 0, text
    assert "3 complete rep(s)" in text and "side view (fits)" in text
    result = parse_check_result(json.loads(out.read_text()))
    assert result.exercise == "glute_bridge" and result.summary.complete_reps == 3
    knees = result.check("knees_cave_in")
    assert knees.status.value == "not_assessable" and "front" in knees.reason
    extension = result.check("incomplete_hip_extension")
    assert extension.status.value == "absent" and extension.unit == "deg"
    assert extension.source and extension.cue and extension.views == ["side"]


def test_forced_view_is_explained(bridge_csv):
    code, text = run_cli("check", "glute_bridge", bridge_csv, "--view", "front")
    assert code == 0
    assert "contradicts the landmarks" in " ".join(text.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("squats", "{clip}"), "expected an exercise from glute_bridge"),
        (("glute_bridge", "{clip}", "--view", "top"), "expected --view side, front or oblique"),
        (("glute_bridge", "missing.mp4"), "no such file"),
        (("glute_bridge", "{clip}", "{clip}"), "--out DIR to check several"),
        (("hip_hinge", "{clip}"), "done standing"),
    ],
)
def test_bad_input_is_one_error_line(bridge_csv, args, message):
    code, text = run_cli("check", *(a.format(clip=bridge_csv) for a in args))
    assert code == 2
    assert text.startswith("error:") and message in " ".join(text.split())
    assert "Traceback" not in text


def test_many_clips_each_get_a_result_and_a_failed_one_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_landmark_csv(plank(front=True, hold_s=5.0), folder / "anna.csv")
    write_landmark_csv(plank(front=True, hold_s=3.0), folder / "ben.csv")
    (folder / "broken.csv").write_text("not,a,keypoint,file\n1,2,3,4\n")
    out = tmp_path / "out"
    code, text = run_cli("check", "side_plank", folder, "--out", out)
    assert code == 1  # one clip failed
    assert "checked 2 of 3" in " ".join(text.split())
    rows = {r["clip"].rsplit("/", 1)[-1]: r for r in csv.DictReader((out / "summary.csv").open())}
    assert rows["anna.csv"]["status"] == "checked"
    assert float(rows["anna.csv"]["longest_hold_s"]) == pytest.approx(5.0, abs=0.4)
    assert float(rows["ben.csv"]["longest_hold_s"]) == pytest.approx(3.0, abs=0.4)
    assert rows["broken.csv"]["status"] == "failed" and rows["broken.csv"]["error"]
    assert parse_check_result(json.loads((out / "anna.json").read_text())).holds
