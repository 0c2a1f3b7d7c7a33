"""The local process pool: a bad clip is reported while the others finish, results match
``glutefire screen``, reruns resume, killed workers are retried, results can be stored."""

import json
from functools import partial

from batch.conftest import load_result, run_batch_cli, without_time, write_manifest
from batch.crashing import crash_then_screen
from clips import derive_clip
from conftest import SQUAT_FRONT, run_cli
from glutefire.batch.local import run_local
from glutefire.batch.manifest import read_manifest
from glutefire.batch.run import BatchOptions, plan_batch, run_batch
from glutefire.models import PoseModel, expected_sha256


def test_corrupt_clip_is_reported_and_the_others_finish(tmp_path, keypoint_csvs):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(SQUAT_FRONT.read_bytes()[:5_000])
    manifest = write_manifest(
        tmp_path,
        [
            ("Anna", "squat", "", "anna.csv"),
            ("Ben", "squat", "", "broken.mp4"),
            ("Cara", "squat", "", "cara.csv"),
        ],
        {"anna.csv": keypoint_csvs["front"], "cara.csv": keypoint_csvs["q3"]},
    )
    out = tmp_path / "out"
    code, text = run_batch_cli(manifest, "--out", out, "--workers", "2")
    assert code == 1, text
    assert "failed: Ben / squat" in text and "not a readable video" in text
    assert load_result(out, "Anna")["input"][0]["view"] == "front"
    assert load_result(out, "Cara")["summary"]["complete_reps"] >= 1
    assert not (out / "Ben" / "squat" / "result.json").exists()
    summary = (out / "summary.csv").read_text().splitlines()
    assert summary[-1].startswith("Ben,squat,failed,") and "not a readable video" in summary[-1]
    assert "Could not be screened" in (out / "summary.html").read_text()


def test_results_are_those_of_glutefire_screen(tmp_path, squad):
    out = tmp_path / "out"
    code, text = run_batch_cli(squad, "--out", out, "--workers", "2")
    assert code == 0, text
    single = tmp_path / "single.json"
    code, text = run_cli(
        "screen",
        tmp_path / "anna_front.csv",
        tmp_path / "anna_side.csv",
        "--view",
        "front",
        "--view",
        "side",
        "--json",
        single,
        "-q",
    )
    assert code == 0, text
    batch = without_time(load_result(out, "Anna"))
    expected = without_time(json.loads(single.read_text()))
    expected["input"][1]["view_forced"] = False  # the manifest says "auto" for the side clip
    assert batch["findings"] == expected["findings"]
    assert batch["reps"] == expected["reps"]
    assert [i["sha256"] for i in batch["input"]] == [i["sha256"] for i in expected["input"]]
    assert sorted(p.name for p in (out / "Anna" / "squat").iterdir()) == [
        "clip0_keypoints.csv",
        "clip1_keypoints.csv",
        "reps.csv",
        "result.json",
    ]


def test_rerun_skips_finished_assessments_and_redoes_changed_ones(tmp_path, squad, keypoint_csvs):
    out = tmp_path / "out"
    assert run_batch_cli(squad, "--out", out, "--workers", "1")[0] == 0
    anna_time = (out / "Anna" / "squat" / "result.json").stat().st_mtime_ns
    (tmp_path / "ben.csv").write_bytes(keypoint_csvs["front"].read_bytes())  # Ben's clip changed
    options = BatchOptions(out=out, workers=1)
    outcomes = run_batch(read_manifest(squad), options)
    assert [o.status for o in outcomes] == ["skipped", "screened"]
    assert (out / "Anna" / "squat" / "result.json").stat().st_mtime_ns == anna_time
    assert load_result(out, "Ben")["view"] == "front"
    assert (
        run_batch(read_manifest(squad), BatchOptions(out=out, workers=1, resume=False))[0].status
        == "screened"
    )


def _run_crashing(squad, options, marker):
    tasks, skipped = plan_batch(read_manifest(squad), options)
    assert not skipped
    return run_local(
        tasks,
        workers=options.workers,
        retries=options.retries,
        task_fn=partial(crash_then_screen, clip_name="ben.csv", marker=marker),
    )


def test_rerun_with_another_pose_model_screens_again(tmp_path, squad):
    out = tmp_path / "out"
    assert run_batch_cli(squad, "--out", out, "--workers", "1")[0] == 0
    assert load_result(out, "Anna")["model"]["variant"] == "full"
    again = run_batch(read_manifest(squad), BatchOptions(out=out, workers=1))
    assert [o.status for o in again] == ["skipped", "skipped"]
    lite = run_batch(read_manifest(squad), BatchOptions(out=out, workers=1, model=PoseModel.LITE))
    assert [o.status for o in lite] == ["screened", "screened"]
    result = load_result(out, "Anna")
    assert result["model"]["variant"] == "lite"
    assert result["model"]["sha256"] == expected_sha256(PoseModel.LITE)


def test_killed_worker_is_retried(tmp_path, squad):
    marker = tmp_path / "crashed-once"
    outcomes = _run_crashing(squad, BatchOptions(out=tmp_path / "out", workers=2), marker)
    assert marker.exists()
    assert [(o.person, o.status, o.attempts) for o in outcomes] == [
        ("Anna", "screened", 1),
        ("Ben", "screened", 2),
    ]


def test_retries_are_bounded(tmp_path, squad):
    outcomes = _run_crashing(
        squad, BatchOptions(out=tmp_path / "out", workers=1, retries=1), None
    )  # no marker: every attempt dies
    ben = outcomes[1]
    assert (ben.status, ben.attempts) == ("failed", 2)
    assert "died (exit code 1) on each of 2 attempts" in ben.error
    assert outcomes[0].status == "screened"


def test_shipped_bytes_give_the_same_result(tmp_path, squad):
    run_batch(read_manifest(squad), BatchOptions(out=tmp_path / "a", workers=1))
    run_batch(read_manifest(squad), BatchOptions(out=tmp_path / "b", workers=1, ship_bytes=True))
    for person in ("Anna", "Ben"):
        assert without_time(load_result(tmp_path / "a", person)) == without_time(
            load_result(tmp_path / "b", person)
        )


def test_a_real_video_clip_in_a_batch(tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "dana.mp4", stop_s=3.0)
    out = tmp_path / "out"
    code, text = run_batch_cli(
        tmp_path, "--out", out, "--workers", "1", "--video"
    )  # a folder of clips
    assert code == 0, text
    result = load_result(out, "dana")
    assert result["input"][0]["kind"] == "video" and result["input"][0]["path"] == str(clip)
    assert result["summary"]["complete_reps"] >= 1
    annotated = list(out.rglob("clip0_annotated.mp4"))
    assert len(annotated) == 1 and annotated[0].stat().st_size > 10_000


def test_results_are_stored_per_person(tmp_path, keypoint_csvs, db_url):
    manifest = write_manifest(
        tmp_path,
        [("Anna", "squat", "", "anna.csv"), ("Ben", "squat", "", "ben.csv")],
        {"anna.csv": keypoint_csvs["front"], "ben.csv": keypoint_csvs["q3"]},
    )
    code, text = run_cli(
        "batch", manifest, "--out", tmp_path / "out", "--workers", "1", "--db", db_url
    )
    assert code == 0, text
    assert "2 new results stored" in text
    code, text = run_cli("people", "--db", db_url)
    assert code == 0, text
    assert "Anna" in text and "Ben" in text
