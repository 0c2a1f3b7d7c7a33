"""The one task every batch mode runs: screen one assessment (a person's clips of one test), or
check its one clip of an exercise through :func:`glutefire.exercises.check.check_exercise` (the
entry point of ``glutefire check``) when the assessment names an exercise.

:func:`screen_assessment` is used unchanged by the local process pool and by Ray. It never
raises for a bad clip: a :class:`GlutefireError` (or an unexpected error) becomes a failed
:class:`TaskResult` carrying the message. Outputs are written into the assessment's folder
(``result.json`` last, each file atomically) or, when the task has no folder (the worker cannot
reach the output storage), returned as bytes for the parent to write with :func:`publish_files`.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from glutefire.batch.manifest import Assessment
from glutefire.errors import GlutefireError
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.exercises.check import check_exercise, tracked_poses_for
from glutefire.exercises.spec import get_exercise
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.pose.mediapipe_backend import TRACKED_POSES
from glutefire.reports.outputs import RESULT_FILE, folder_outputs, reps_table
from glutefire.result import ScreeningResult
from glutefire.screening.pipeline import ClipInput, PoseModels, make_pose_models
from glutefire.screening.session import SessionOptions, clip_frames_needed, screen_session

#: Output files a task may write; stale ones from an earlier run are removed on publish.
_OUTPUT_PATTERNS = ("reps.csv", "clip*_keypoints.csv", "clip*_annotated.mp4", "keyframe_*.png")


@dataclass(frozen=True)
class Task:
    """One assessment to screen and where its outputs go."""

    index: int
    assessment: Assessment
    out_dir: str | None  # absolute; None: return the outputs as bytes
    clip_bytes: tuple[bytes, ...] | None = None  # shipped clips, in the assessment's order
    model: PoseModel = DEFAULT_POSE_MODEL
    video: bool = False


@dataclass
class TaskResult:
    """What a task reports back: the result document, or the error that stopped it."""

    index: int
    person: str
    test: str
    status: str  # "screened", "checked", "failed" or (decided by the parent) "skipped"
    result: ScreeningResult | None = None
    check: ExerciseCheckResult | None = None  # an exercise's check (``result`` is then None)
    error: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # only when returned as bytes
    worker: str = ""
    elapsed_s: float = 0.0
    attempts: int = 1


def screen_assessment(task: Task) -> TaskResult:
    """Screen every clip of the task's assessment (or check its exercise clip), build its result
    and write its outputs."""
    started = time.perf_counter()
    try:
        if task.assessment.exercise is not None:
            check, files = _check(task)
            outcome = _outcome(task, "checked", check=check, files=files)
        else:
            result, files = _screen(task)
            outcome = _outcome(task, "screened", result=result, files=files)
        if task.out_dir is not None:
            publish_files(outcome.files, Path(task.out_dir))
            outcome.files = {}
    except GlutefireError as exc:
        outcome = _outcome(task, "failed", error=str(exc))
    except OSError as exc:
        outcome = _outcome(task, "failed", error=f"could not read or write a file: {exc}")
    except Exception as exc:  # a bug or a library failure on this clip: report, don't stop
        outcome = _outcome(
            task, "failed", error=f"unexpected {type(exc).__name__}: {exc} (please report this)"
        )
    outcome.elapsed_s = round(time.perf_counter() - started, 3)
    return outcome


def _outcome(task: Task, status: str, **kwargs: Any) -> TaskResult:
    a = task.assessment
    return TaskResult(
        task.index,
        a.person,
        a.test,
        status,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        **kwargs,
    )


def _screen(task: Task) -> tuple[ScreeningResult, dict[str, bytes]]:
    with tempfile.TemporaryDirectory(prefix="glutefire-task-") as tmp:
        clips = _readable_clips(task, Path(tmp) / "clips")
        staging = Path(tmp) / "out"
        needs_model = any(clip_frames_needed(c) for c in clips)
        # result.json and reps.csv first; a failing optional output becomes a warning in it
        session = screen_session(
            clips,
            options=SessionOptions(model=task.model, previews=task.video),
            pose_models=_worker_models(task.model) if needs_model else None,
            named_as=task.assessment.clips,
            json_paths=[staging / RESULT_FILE],
            result_files=[reps_table(staging)],
            outputs=[folder_outputs(staging, video=task.video)],
        )
        return session.result, {p.name: p.read_bytes() for p in sorted(staging.iterdir())}


def _check(task: Task) -> tuple[ExerciseCheckResult, dict[str, bytes]]:
    """Check the assessment's one clip of its exercise: ``result.json`` (the result of
    ``glutefire check``, naming the clip as the manifest does) and, from a video, its raw
    keypoints as ``clip0_keypoints.csv``."""
    from glutefire.screening.session import write_result_json

    a = task.assessment
    assert a.exercise is not None
    with tempfile.TemporaryDirectory(prefix="glutefire-task-") as tmp:
        (clip,) = _readable_clips(task, Path(tmp) / "clips")
        needs_model = clip_frames_needed(clip)
        checked = check_exercise(
            a.exercise,
            clip,
            view=a.view,
            model=task.model,
            pose_models=(
                _worker_models(task.model, tracked_poses_for(get_exercise(a.exercise)))
                if needs_model
                else None
            ),
        )
        named = checked.result.clip.model_copy(update={"path": str(a.clips[0].path)})
        result = checked.result.model_copy(update={"clip": named})
        staging = Path(tmp) / "out"
        write_result_json(result, staging / RESULT_FILE)
        if checked.estimated.video is not None:
            write_landmark_csv(checked.estimated.keypoints, staging / "clip0_keypoints.csv")
        return result, {p.name: p.read_bytes() for p in sorted(staging.iterdir())}


#: This worker process's own pose models, made on its first video and reused for the next ones
#: (the models are never shared between processes).
_MODELS: dict[tuple[PoseModel, int], PoseModels] = {}


def _worker_models(model: PoseModel, tracked_poses: int = TRACKED_POSES) -> PoseModels:
    """``model`` with a tracker of ``tracked_poses`` bodies (squats: one; floor exercises: more,
    see :data:`glutefire.exercises.check.FLOOR_TRACKED_POSES`)."""
    key = (model, tracked_poses)
    if key not in _MODELS:
        _MODELS[key] = make_pose_models(model, tracked_poses=tracked_poses)
    return _MODELS[key]


def _readable_clips(task: Task, folder: Path) -> list[ClipInput]:
    """The clips as the worker can read them: the shared paths, or shipped bytes saved here."""
    if task.clip_bytes is None:
        return list(task.assessment.clips)
    clips = []
    for i, (clip, data) in enumerate(zip(task.assessment.clips, task.clip_bytes, strict=True)):
        path = folder / str(i) / clip.path.name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        clips.append(replace(clip, path=path))
    return clips


def publish_files(files: dict[str, bytes], out_dir: Path) -> None:
    """Write a task's outputs into ``out_dir``: the old result first removed, stale outputs
    deleted, each file atomically (temporary name, then rename), ``result.json`` last."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / RESULT_FILE).unlink(missing_ok=True)
    for pattern in _OUTPUT_PATTERNS:
        for stale in out_dir.glob(pattern):
            if stale.name not in files:
                stale.unlink()
    for name in sorted(files, key=lambda n: n == RESULT_FILE):
        tmp = out_dir / f".{name}.tmp"
        tmp.write_bytes(files[name])
        os.replace(tmp, out_dir / name)
