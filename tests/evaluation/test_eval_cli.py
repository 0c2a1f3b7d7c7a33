"""``glutefire eval``: the user's journey from a labels file to a per-clip table and exit code,
on analytic keypoint files (no pose model, no dev clips)."""

import json

import pytest

from conftest import run_cli
from glutefire.evaluation import run as eval_run
from glutefire.evaluation.run import match_bottoms
from glutefire.io.keypoint_files import write_landmark_csv
from synthetic import SquatSpec, side_squat


@pytest.fixture()
def clip_dir(tmp_path):
    """Two side-view keypoint files: 3 reps (bottoms 1.5, 4.0, 6.5 s) and 2 reps."""
    folder = tmp_path / "clips"
    folder.mkdir()
    write_landmark_csv(side_squat(SquatSpec(n_reps=3))[0], folder / "three.csv")
    write_landmark_csv(side_squat(SquatSpec(n_reps=2))[0], folder / "two.csv")
    return folder


def write_labels(path, clips):
    path.write_text(json.dumps({"about": "test", "clips": clips}))
    return path


def label(id_, file, reps, **extra):
    return {"id": id_, "file": file, "view": "side", "complete_reps": reps, **extra}


def test_all_clips_right_prints_table_and_exits_zero(clip_dir, tmp_path):
    labels = write_labels(
        tmp_path / "l.json",
        [
            label(
                "three",
                "three.csv",
                [3],
                bottoms_s=[1.5, 4.0, 6.5],
                findings={
                    "low_back_arches": "not_assessable",
                    "insufficient_depth": ["absent", "present"],
                },
            ),
            label("two", "two.csv", [2]),
        ],
    )
    md = tmp_path / "table.md"
    code, text = run_cli(
        "eval",
        labels,
        clip_dir,
        "--min-reps-exact",
        "1.0",
        "--min-findings",
        "1.0",
        "--markdown",
        md,
        "-q",
    )
    assert code == 0, text
    assert "complete reps exact 2/2 (100 %)" in text
    assert "findings agree 2/2" in text and "crashes 0" in text
    table = md.read_text()
    assert "| three | side (side) | 3 (3) | 3/3 | yes | 2/2 |" in table


def test_wrong_count_and_shifted_bottoms_fail_the_threshold(clip_dir, tmp_path):
    labels = write_labels(
        tmp_path / "l.json",
        [
            label("three", "three.csv", [3], bottoms_s=[2.5, 4.0, 6.5]),  # first bottom 1 s off
            label("two", "two.csv", [3]),
        ],
    )
    code, text = run_cli("eval", labels, clip_dir, "--min-reps-exact", "0.5", "-q")
    assert code == 1
    assert "complete reps exact 0/2" in text and "below threshold" in text


def test_a_crash_is_reported_per_clip_and_the_others_still_run(clip_dir, tmp_path, monkeypatch):
    real = eval_run.analyse_keypoints

    def crash_on_two(ds, **kw):
        if "two" in ds.attrs["source_path"]:
            raise ValueError("max() arg is an empty sequence")
        return real(ds, **kw)

    monkeypatch.setattr(eval_run, "analyse_keypoints", crash_on_two)
    labels = write_labels(
        tmp_path / "l.json", [label("two", "two.csv", [2]), label("three", "three.csv", [3])]
    )
    md = tmp_path / "t.md"
    code, text = run_cli("eval", labels, clip_dir, "--markdown", md, "-q")
    assert code == 0
    assert "crashes 1" in text and "complete reps exact 1/2" in text
    assert "CRASH ValueError: max() arg is an empty sequence" in md.read_text()


def test_expected_error_passes_only_with_that_error(clip_dir, tmp_path):
    (clip_dir / "short.csv").write_text((clip_dir / "two.csv").read_text().splitlines()[0] + "\n")
    labels = write_labels(
        tmp_path / "l.json",
        [
            label("bad", "short.csv", [0], expected_error="at least 2 frames"),
            label("screened", "two.csv", [0], expected_error="not upright"),
        ],
    )
    md = tmp_path / "t.md"
    code, _ = run_cli("eval", labels, clip_dir, "--markdown", md, "-q")
    rows = md.read_text().splitlines()
    assert code == 0
    assert "| yes |" in rows[2] and "| NO |" in rows[3]


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "expected a JSON labels file"),
        (json.dumps({"clips": []}), "clips"),
        (
            json.dumps(
                {"clips": [{"id": "a", "file": "a.csv", "view": "top", "complete_reps": [1]}]}
            ),
            "view",
        ),
        (
            json.dumps(
                {
                    "clips": [
                        {
                            "id": "a",
                            "file": "a.csv",
                            "view": "side",
                            "complete_reps": [1],
                            "findings": {"knee_pain": "present"},
                        }
                    ]
                }
            ),
            "finding codes",
        ),
        (json.dumps({"clips": [label("a", "a.csv", [1]), label("a", "b.csv", [1])]}), "unique"),
    ],
)
def test_bad_labels_file_is_one_error_line_and_exit_2(clip_dir, tmp_path, content, message):
    labels = tmp_path / "l.json"
    labels.write_text(content)
    code, text = run_cli("eval", labels, clip_dir)
    assert code == 2
    assert text.strip().startswith("error:") and message in text
    assert "Traceback" not in text


def test_missing_clip_folder_and_bad_threshold_are_errors(clip_dir, tmp_path):
    labels = write_labels(tmp_path / "l.json", [label("two", "two.csv", [2])])
    code, text = run_cli("eval", labels, tmp_path / "nowhere")
    assert code == 2 and "no such folder" in text
    code, text = run_cli("eval", labels, clip_dir, "--min-reps-exact", "95")
    assert code == 2 and "between 0 and 1" in text


def test_missing_clip_is_a_failed_row_not_a_stop(clip_dir, tmp_path):
    labels = write_labels(
        tmp_path / "l.json", [label("gone", "gone.mp4", [1]), label("two", "two.csv", [2])]
    )
    code, text = run_cli("eval", labels, clip_dir, "-q")
    assert code == 0 and "complete reps exact 1/2" in text and "stopped with an error 1" in text


def test_keypoint_cache_is_written_once_and_reused(tmp_path, monkeypatch):
    from glutefire.screening.pipeline import EstimatedKeypoints

    ds = side_squat(SquatSpec(n_reps=2))[0]
    calls = []

    def fake_pose(clip, **kw):
        calls.append(clip.path)
        return EstimatedKeypoints(ds)

    monkeypatch.setattr(eval_run, "estimate_keypoints", fake_pose)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not decoded: the pose step is replaced")
    cache = tmp_path / "cache"
    source = eval_run.cached_keypoints(cache)
    first = source(video)
    second = source(video)
    assert len(calls) == 1 and (cache / "clip.csv").exists()
    assert second.sizes["time"] == first.sizes["time"]


def test_bottom_matching_is_one_to_one_within_tolerance():
    assert match_bottoms([1.0, 1.1], [1.05]) == 1
    assert match_bottoms([1.0, 3.0], [1.2, 2.6]) == 2
    assert match_bottoms([1.0, 3.0], [1.2, 2.4]) == 1  # 3.0 is 0.6 s from 2.4
    assert match_bottoms([1.0], [1.6]) == 0
