"""A failing optional output (annotated video, keyframe, keypoint CSV) never loses the result:
result.json and reps.csv are written (and the screening stored) first, the failure is one
``warning:`` line and an entry in the result's ``warnings``, and the exit code stays 0. Checked in
the CLI, batch and web job paths by making an output fail on purpose."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glutefire.reports.annotate as annotate
from clips import derive_clip
from conftest import SQUAT_FRONT, run_cli
from glutefire.batch.manifest import Assessment
from glutefire.batch.tasks import Task, screen_assessment
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.annotate import Overlay, annotate_frame
from glutefire.screening.pipeline import ClipInput
from synthetic import SquatSpec, front_squat


@pytest.fixture
def valgus_csv(tmp_path):
    """A front-view keypoint file with present findings (so keyframes are drawn)."""
    path = tmp_path / "valgus.csv"
    write_landmark_csv(front_squat(SquatSpec(fppa_deg=22, thigh_deg=45))[0], path)
    return path


def _broken(*args, **kwargs):
    raise RuntimeError("simulated failure")


def test_frame_without_overlay_text_is_drawn():
    """The crash that lost three results: ``max()`` of no overlay lines."""
    overlay = Overlay(["left_hip"], np.full((1, 1, 2), np.nan), [[]], key="key")
    image = annotate_frame(np.zeros((480, 640, 3), np.uint8), overlay, 0, 1.0)
    assert image.shape == (480, 640, 3)


def test_cli_failing_keyframe_keeps_result_and_stored_screening(tmp_path, valgus_csv, monkeypatch):
    monkeypatch.setattr(annotate, "write_keyframe", _broken)
    out, db = tmp_path / "out", f"sqlite:///{tmp_path / 'g.sqlite3'}"
    code, text = run_cli(
        "screen",
        valgus_csv,
        "--out",
        out,
        "--json",
        tmp_path / "r.json",
        "--person",
        "Ann",
        "--new-person",
        "--db",
        db,
        "-q",
    )
    assert code == 0, text
    assert (
        "warning: the keyframe of knees_cave_in could not be written (RuntimeError: "
        "simulated failure)" in text
    )
    result = json.loads((out / "result.json").read_text())
    assert json.loads((tmp_path / "r.json").read_text()) == result
    assert any("keyframe of knees_cave_in" in w for w in result["warnings"])
    assert "knees_cave_in" in result["summary"]["present"]
    assert (out / "reps.csv").exists() and (out / "clip0_keypoints.csv").exists()
    assert not list(out.glob("keyframe_*.png"))
    code, history = run_cli("history", "--person", "Ann", "--db", db)
    assert code == 0 and "knees" in history.lower(), history


def test_cli_unwritable_output_folder_is_an_error(tmp_path, valgus_csv):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, text = run_cli("screen", valgus_csv, "--out", blocker / "out", "-q")
    assert code == 2 and text.strip().startswith("error: could not write the result"), text


@pytest.mark.slow
def test_cli_failing_annotated_video_keeps_the_result(tmp_path, monkeypatch):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "front.mp4", stop_s=4.5)

    def crash(*args, **kwargs):  # the original crash, raised inside the real drawing threads
        raise ValueError("max() arg is an empty sequence")

    monkeypatch.setattr(annotate, "annotate_frame", crash)
    code, text = run_cli("screen", clip, "--out", tmp_path / "out", "-q")
    assert code == 0, text
    assert (
        "warning: the annotated video of clip 0 could not be written (ValueError: max() arg "
        "is an empty sequence)" in text
    )
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert result["summary"]["complete_reps"] >= 1 and result["warnings"]
    assert (tmp_path / "out" / "reps.csv").exists()
    assert not list((tmp_path / "out").glob("*.mp4"))  # no half-written video either


def test_batch_failing_keyframe_keeps_the_result(tmp_path, valgus_csv, monkeypatch):
    monkeypatch.setattr(annotate, "write_keyframe", _broken)
    task = Task(
        0, Assessment("Ann", "overhead", (ClipInput(valgus_csv),)), out_dir=str(tmp_path / "out")
    )
    outcome = screen_assessment(task)
    assert outcome.status == "screened", outcome.error
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert any("keyframe of knees_cave_in could not be written" in w for w in result["warnings"])
    assert outcome.result is not None and outcome.result.warnings == result["warnings"]
    assert (tmp_path / "out" / "reps.csv").exists()


def test_web_job_failing_keyframe_is_done_with_a_warning(tmp_path, valgus_csv, monkeypatch):
    from fastapi.testclient import TestClient

    from glutefire.reports.outputs import keyframe_outputs
    from glutefire.result import ModelInfo
    from glutefire.screening.session import screen_session
    from glutefire.store.models import Screening, UploadJob
    from glutefire.store.repository import unit_of_work
    from glutefire.web.app import create_app
    from tests_upload_helpers import upload_sample
    from webtools import add_client, make_settings, signup

    def screen_keypoints(clips, on_frame, keyframes, store):  # matches ScreenFn; the uploaded
        on_frame(0)  # clip stands in for this file
        return screen_session(
            [ClipInput(valgus_csv)],
            model=ModelInfo(name="test"),
            store=store,
            outputs=[keyframe_outputs(keyframes)],
        )

    monkeypatch.setattr(annotate, "write_keyframe", _broken)
    with TestClient(create_app(make_settings(tmp_path), screen=screen_keypoints)) as client:
        csrf = signup(client)
        job = upload_sample(client, csrf, add_client(client, csrf))
        assert job["status"] == "done", job
        assert job["error"].startswith("warning: the keyframe of knees_cave_in could not be")
        with unit_of_work(client.app.state.engine) as uow:
            stored = uow.get(Screening, job["screening_id"])
            assert stored is not None
            assert "knees_cave_in" in [c.value for c in stored.parsed_result().summary.present]
            assert uow.query(UploadJob).one().status == "done"
