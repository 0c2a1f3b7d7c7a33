"""``glutefire batch`` checking corrective exercises: through the entry point of ``glutefire
check``, one summary row per clip (reps or hold, checks present), resume keys holding the
exercise and the pose model, and a bad clip that never stops the batch."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import exercise_figures as fig
from batch.conftest import run_batch_cli, without_time
from conftest import BRIDGE, run_cli
from glutefire.batch.manifest import read_manifest
from glutefire.batch.run import BatchOptions, run_batch
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.models import PoseModel
from synthetic import SquatSpec, front_squat


def _summary(out: Path) -> dict[str, dict[str, str]]:
    with (out / "summary.csv").open() as fh:
        return {row["person"]: row for row in csv.DictReader(fh)}


def _result(out: Path, person: str, test: str) -> dict:
    return json.loads((out / person / test / "result.json").read_text())


@pytest.fixture
def team(tmp_path) -> Path:
    """A manifest of a coach's day: bridges (one short of the top), a forearm plank, a squat
    screening and a clip that is not a video, each person's exercise in the exercise column."""
    write_landmark_csv(fig.bridge(), tmp_path / "ana_bridge.csv")
    write_landmark_csv(fig.bridge(reach=0.5), tmp_path / "ben_bridge.csv")
    write_landmark_csv(fig.plank(hold_s=6.0), tmp_path / "cara_plank.csv")
    write_landmark_csv(front_squat(SquatSpec(n_reps=2))[0], tmp_path / "dan_squat.csv")
    (tmp_path / "eve.mp4").write_bytes(b"not a video at all")
    rows = [
        "person,test,view,clip,exercise",
        "Ana,bridge,,ana_bridge.csv,glute_bridge",
        "Ben,bridge,side,ben_bridge.csv,glute_bridge",
        "Cara,plank,,cara_plank.csv,forearm_plank",
        "Dan,squat,auto,dan_squat.csv,",
        "Eve,bridge,,eve.mp4,glute_bridge",
    ]
    manifest = tmp_path / "team.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest


def test_a_coachs_day_of_exercise_clips_in_one_batch(tmp_path, team):
    out = tmp_path / "out"
    code, text = run_cli("batch", team, "--out", out, "--workers", "2")
    assert code == 1, text  # Eve's clip could not be checked; the others were
    assert "3 checked" in text and "1 screened" in text and "1 failed" in text
    assert "failed: Eve / bridge" in text and "not a readable video" in text
    rows = _summary(out)
    assert rows["Ana"]["status"] == "checked" and rows["Ana"]["complete_reps"] == "3"
    assert rows["Ana"]["exercise"] == "glute_bridge" and rows["Ana"]["findings_present"] == ""
    assert rows["Ben"]["findings_present"] == "incomplete_hip_extension"
    assert rows["Ben"]["incomplete_hip_extension"] == "present"
    assert rows["Ben"]["attention_score"] == "1.0"
    assert float(rows["Cara"]["longest_hold_s"]) == pytest.approx(6.0, abs=0.1)
    assert rows["Cara"]["complete_reps"] == "" and rows["Cara"]["camera_fits"] == "yes"
    assert rows["Dan"]["status"] == "screened" and rows["Dan"]["exercise"] == ""
    assert rows["Dan"]["complete_reps"] == "2"
    assert rows["Eve"]["status"] == "failed" and "not a readable video" in rows["Eve"]["error"]
    assert list(rows)[0] == "Ben" and list(rows)[-1] == "Eve"  # most attention first
    assert not (out / "Eve" / "bridge" / "result.json").exists()
    html = (out / "summary.html").read_text()
    assert f"hold {rows['Cara']['longest_hold_s']} s" in html and "Could not be screened" in html
    # the stored result is glutefire check's result for the same clip (named as in the manifest)
    single = tmp_path / "single.json"
    code, text = run_cli(
        "check", "glute_bridge", tmp_path / "ben_bridge.csv", "--view", "side", "--json", single
    )
    assert code == 0, text
    expected = without_time(json.loads(single.read_text()))
    assert without_time(_result(out, "Ben", "bridge")) == expected


def test_rerun_skips_checked_clips_unless_the_clip_or_exercise_changed(tmp_path, team):
    out = tmp_path / "out"
    assert run_batch_cli(team, "--out", out, "--workers", "1")[0] == 1
    again = run_batch(read_manifest(team), BatchOptions(out=out, workers=1))
    assert [o.status for o in again] == ["skipped", "skipped", "skipped", "skipped", "failed"]
    assert again[0].check is not None and again[0].check.summary.complete_reps == 3
    write_landmark_csv(fig.bridge(n_reps=2), tmp_path / "ana_bridge.csv")  # Ana's clip changed
    text = team.read_text().replace("cara_plank.csv,forearm_plank", "cara_plank.csv,side_plank")
    team.write_text(text)  # Cara's clip is now checked as a side plank
    third = run_batch(read_manifest(team), BatchOptions(out=out, workers=1))
    assert [o.status for o in third] == ["checked", "skipped", "checked", "skipped", "failed"]
    assert _result(out, "Ana", "bridge")["summary"]["complete_reps"] == 2
    assert _result(out, "Cara", "plank")["exercise"] == "side_plank"


def test_folder_with_exercise_option_checks_every_clip(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    write_landmark_csv(fig.bridge(), clips / "ana.csv")
    write_landmark_csv(fig.bridge(n_reps=2, reach=0.5), clips / "ben.csv")
    out = tmp_path / "out"
    code, text = run_batch_cli(clips, "--out", out, "--exercise", "glute_bridge")
    assert code == 0, text
    rows = _summary(out)
    assert rows["ana"]["test"] == "glute_bridge" and rows["ana"]["complete_reps"] == "3"
    assert rows["ben"]["status"] == "checked" and rows["ben"]["complete_reps"] == "2"
    assert rows["ben"]["findings_present"] == "incomplete_hip_extension"
    assert (out / "ben" / "glute_bridge" / "result.json").is_file()


@pytest.mark.parametrize(
    ("rows", "option", "message"),
    [
        (["Ana,bridge,,a.csv,bridges"], (), "manifest line 2: expected an exercise from"),
        (
            ["Ana,bridge,,a.csv,glute_bridge", "Ana,bridge,front,b.csv,glute_bridge"],
            (),
            "expected one clip per exercise check",
        ),
        (["Ana,bridge,,a.csv,"], ("--exercise", "pushup"), "expected an exercise from"),
    ],
)
def test_bad_exercise_in_manifest_or_option_is_one_error(tmp_path, rows, option, message):
    for name in ("a.csv", "b.csv"):
        write_landmark_csv(fig.bridge(n_reps=1), tmp_path / name)
    manifest = tmp_path / "m.csv"
    manifest.write_text("\n".join(["person,test,view,clip,exercise", *rows]) + "\n")
    code, text = run_batch_cli(manifest, "--out", tmp_path / "out", *option)
    assert code == 2
    assert text.strip().startswith("error:") and message in text
    assert "Traceback" not in text
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_video_check_resumes_only_with_the_same_pose_model(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "ana.mp4").write_bytes(BRIDGE.read_bytes())
    out = tmp_path / "out"
    code, text = run_batch_cli(clips, "--out", out, "--exercise", "glute_bridge")
    assert code == 0, text
    result = _result(out, "ana", "glute_bridge")
    assert result["summary"]["complete_reps"] == 2 and result["model"]["variant"] == "full"
    assert (out / "ana" / "glute_bridge" / "clip0_keypoints.csv").is_file()
    from glutefire.batch.manifest import read_clip_folder

    assessments = read_clip_folder(clips, exercise="glute_bridge")
    same = run_batch(assessments, BatchOptions(out=out, workers=1))
    assert [o.status for o in same] == ["skipped"]
    lite = run_batch(assessments, BatchOptions(out=out, workers=1, model=PoseModel.LITE))
    assert [o.status for o in lite] == ["checked"]
    assert _result(out, "ana", "glute_bridge")["model"]["variant"] == "lite"
