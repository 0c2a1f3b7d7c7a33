"""``glutefire check`` on the real sample clips (pose model run once per clip), the samples'
exercise labels through ``glutefire eval``, and, only where ``GLUTEFIRE_DEV_CLIPS`` names the
folder of the development clips (never copied into the repository), the exercise dev set."""

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import BRIDGE, PLANK, SAMPLES, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Both samples checked once through the CLI, with their keypoints kept."""
    out = tmp_path_factory.mktemp("checked")
    runs = {}
    for exercise, clip in (("glute_bridge", BRIDGE), ("side_plank", PLANK)):
        code, text = run_cli(
            "check",
            exercise,
            clip,
            "--json",
            out / f"{exercise}.json",
            "--keypoints",
            out / f"{clip.stem}.csv",
        )
        assert code == 0, text
        runs[exercise] = (json.loads((out / f"{exercise}.json").read_text()), text)
    return runs, out


def test_bridge_sample_counts_two_reps_at_the_labelled_bottoms(checked):
    result, text = checked[0]["glute_bridge"]
    complete = [r for r in result["reps"] if r["complete"]]
    assert [r["peak_s"] for r in complete] == pytest.approx([2.0, 5.0], abs=0.5)
    assert result["camera"]["view"] == "side" and result["camera"]["fits"]
    statuses = {c["code"]: c["status"] for c in result["checks"]}
    assert statuses["incomplete_hip_extension"] == "absent"
    assert statuses["knees_cave_in"] == "not_assessable"
    assert "2 complete rep(s)" in text


def test_side_plank_sample_times_the_hold_after_the_rise(checked):
    result, text = checked[0]["side_plank"]
    (hold,) = result["holds"]
    assert hold["start_s"] == pytest.approx(1.2, abs=0.5)
    assert hold["end_s"] == pytest.approx(8.6, abs=0.2) and hold["open_end"]
    assert result["summary"]["longest_hold_s"] == pytest.approx(7.4, abs=0.6)
    assert "hold" in text


def test_wrong_exercise_for_the_clip_is_one_clear_error(checked):
    _, out = checked
    code, text = run_cli("check", "hip_hinge", out / "glute_bridge_side_pexels_6525487.csv")
    assert code == 2
    assert text.strip().startswith("error:") and "done standing" in text
    assert "Traceback" not in text


def test_samples_exercise_labels_all_exact(checked, tmp_path):
    _, out = checked
    cache = tmp_path / "kp"
    cache.mkdir()
    for csv in out.glob("*.csv"):
        shutil.copy(csv, cache / csv.name)
    code, text = run_cli(
        "eval",
        SAMPLES / "exercise_labels.json",
        SAMPLES,
        "--keypoints-dir",
        cache,
        "--min-reps-exact",
        "1.0",
        "-q",
    )
    assert code == 0, text
    assert "holds agree 1/1" in text and "crashes 0" in text


DEV_CLIPS = os.environ.get("GLUTEFIRE_DEV_CLIPS")


@pytest.mark.skipif(not DEV_CLIPS, reason="GLUTEFIRE_DEV_CLIPS (folder of dev clips) not set")
def test_dev_exercise_clips_reps_without_crash(tmp_path):
    folder = Path(str(DEV_CLIPS)) / "exercises"
    cache = os.environ.get("GLUTEFIRE_DEV_EXERCISE_KEYPOINTS", str(tmp_path / "kp"))
    code, text = run_cli(
        "eval",
        folder / "labels.json",
        folder,
        "--keypoints-dir",
        cache,
        "--min-reps-exact",
        "0.9",
        "-q",
    )
    assert code == 0, text
    assert "crashes 0" in text
