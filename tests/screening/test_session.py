"""screen_session: the one way every caller screens a session. The result is written first, an
optional output that fails never loses it, progress reaches the caller, clips are named as the
caller says, and the typed result describes the clips."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from glutefire.errors import GlutefireError, InputFileError
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.kinematics.view import View
from glutefire.models import PoseModel, expected_sha256
from glutefire.pose.estimate import SubjectReport
from glutefire.result import FindingCode, ModelInfo, Status, parse_result_json
from glutefire.screening.assemble import build_result
from glutefire.screening.pipeline import ClipInput, screen_clip
from glutefire.screening.session import OutputReport, SessionOptions, screen_session
from synthetic import SquatSpec, front_squat, side_squat

MODEL = ModelInfo(name="keypoint-file")


@pytest.fixture
def clips(tmp_path: Path) -> list[ClipInput]:
    front, side = tmp_path / "front.csv", tmp_path / "side.csv"
    write_landmark_csv(front_squat(SquatSpec(fppa_deg=20.0))[0], front)
    write_landmark_csv(side_squat()[0], side)
    return [ClipInput(front, view=View.FRONT), ClipInput(side)]


def test_session_result_is_written_first_then_outputs(clips, tmp_path):
    json_path = tmp_path / "out" / "result.json"
    calls = []

    def output(screens, result):
        calls.append((len(screens), json_path.exists(), result.view))
        return OutputReport([json_path])

    progress = []
    session = screen_session(
        clips,
        model=MODEL,
        json_paths=[json_path],
        outputs=[output],
        on_progress=lambda *p: progress.append(p),
    )
    assert calls == [(2, True, "front+side")]
    assert progress == [(0, 1, 1), (1, 1, 1)]  # keypoint files count as one frame each
    written = parse_result_json(json_path.read_text())
    assert written == session.result
    knees = written.finding(FindingCode.KNEES_CAVE_IN)
    assert knees.status is Status.PRESENT and knees.clip == 0
    assert [c.kind for c in written.input] == ["keypoints", "keypoints"]
    assert written.model.name == "keypoint-file" and written.warnings == []


def test_a_failing_optional_output_never_loses_the_result(clips, tmp_path):
    json_path = tmp_path / "result.json"
    later = []

    def broken(screens, result):
        raise OSError("disk full")

    session = screen_session(
        clips[:1],
        model=MODEL,
        json_paths=[json_path],
        outputs=[broken, lambda s, r: later.append(r) or OutputReport()],
    )
    assert parse_result_json(json_path.read_text()) == session.result  # rewritten with warning
    assert [r.findings for r in later] == [session.result.findings]  # the next output still ran
    assert session.result.warnings == ["could not write an optional output (OSError: disk full)"]


def test_in_memory_keypoints_and_names_given_by_the_caller(clips):
    ds, _ = front_squat()
    live = ClipInput(Path("live-mirror"), keypoints=ds)
    session = screen_session([live], model=MODEL, named_as=[ClipInput(Path("named.mp4"))])
    assert session.result.input[0].path == "named.mp4"
    assert session.result.input[0].kind == "keypoints"
    assert len(session.result.input[0].sha256) == 64


def test_an_empty_session_is_refused():
    with pytest.raises(GlutefireError, match="expected at least one clip"):
        screen_session([], options=SessionOptions(), model=MODEL)


def test_result_json_that_cannot_be_written_is_a_clear_error(clips, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(GlutefireError, match="could not write the result to"):
        screen_session(clips[:1], model=MODEL, json_paths=[blocker / "result.json"])


def _fails(exc: Exception):
    def write():
        raise exc

    return write


def test_json_then_result_files_then_store_then_outputs_whose_failures_become_warnings(
    clips, tmp_path
):
    json_path = tmp_path / "result.json"
    order = []

    def table(screens, result):
        order.append(("table", json_path.exists()))
        return tmp_path / "reps.csv"

    def output(screens, result):
        order.append(("output",))
        report = OutputReport()
        report.attempt("the keyframe of knees_cave_in", _fails(RuntimeError("no codec")))
        report.attempt("the keypoint CSV of clip 0", lambda: tmp_path / "kp.csv")
        return report

    session = screen_session(
        clips[:1],
        model=MODEL,
        json_paths=[json_path],
        result_files=[table],
        outputs=[output],
        store=lambda result: order.append(("store", result.warnings)),
    )
    assert order == [("table", True), ("store", []), ("output",)]
    warning = "the keyframe of knees_cave_in could not be written (RuntimeError: no codec)"
    assert session.result.warnings == [warning]
    assert parse_result_json(json_path.read_text()).warnings == [warning]
    assert tmp_path / "kp.csv" in session.written and json_path in session.written


def test_a_result_file_that_cannot_be_written_is_an_error_after_the_json(clips, tmp_path):
    json_path = tmp_path / "result.json"
    stored = []

    def table(screens, result):
        raise OSError("read-only file system")

    with pytest.raises(InputFileError, match="could not write the result files: read-only"):
        screen_session(
            clips[:1],
            model=MODEL,
            json_paths=[json_path],
            result_files=[table],
            store=stored.append,
        )
    assert parse_result_json(json_path.read_text()).summary.complete_reps >= 1
    assert stored == []


def test_decoding_warnings_of_the_clips_are_the_results_warnings(clips):
    screen = screen_clip(clips[0])
    note = "front.mp4: decoding stopped early: screened 0.0-8.0 s of the 10.0 s the file declares"
    result = build_result([replace(screen, notes=[note]), screen_clip(clips[1])], model=MODEL)
    assert result.warnings == [note]
    assert parse_result_json(result.to_json()).warnings == [note]


@pytest.mark.parametrize("model", list(PoseModel))
def test_result_names_the_chosen_pose_model_and_its_bundle_sha256(clips, model, tmp_path):
    json_path = tmp_path / "result.json"
    screen_session(clips[:1], options=SessionOptions(model=model), json_paths=[json_path])
    written = parse_result_json(json_path.read_text()).model
    assert (written.name, written.variant) == ("mediapipe-blazepose", model.value)
    assert written.file == f"pose_landmarker_{model.value}.task"
    assert written.sha256 == expected_sha256(model)


def test_subject_warnings_reach_the_written_result(clips, tmp_path):
    screen = screen_clip(clips[0])
    lost = "subject lost at frame 40; followed the person re-found at frame 72 (1.1 s later)"
    screen = replace(
        screen,
        subject=SubjectReport(
            people_seen=2, reason="the tallest full body", first_frame=0, warnings=[lost]
        ),
    )
    result = parse_result_json(build_result([screen], model=MODEL).to_json())
    subject = result.input[0].subject
    assert subject is not None and subject.warnings == [lost] and subject.people_seen == 2
