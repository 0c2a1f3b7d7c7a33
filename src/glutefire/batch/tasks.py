"""The one task every batch mode runs: screen one assessment (a person's clips of one test).

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
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
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
    status: str  # "screened", "failed" or (decided by the parent) "skipped"
    result: ScreeningResult | None = None
    error: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # only when returned as bytes
    worker: str = ""
    elapsed_s: float = 0.0
    attempts: int = 1


def screen_assessment(task: Task) -> TaskResult:
    """Screen every clip of the task's assessment, build its result and write its outputs."""
    started = time.perf_counter()
    try:
        result, files = _screen(task)
        if task.out_dir is not None:
            publish_files(files, Path(task.out_dir))
            files = {}
        outcome = _outcome(task, "screened", result=result, files=files)
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


#: This worker process's own pose models, made on its first video and reused for the next ones
#: (the models are never shared between processes).
_MODELS: dict[PoseModel, PoseModels] = {}


def _worker_models(model: PoseModel) -> PoseModels:
    if model not in _MODELS:
        _MODELS[model] = make_pose_models(model)
    return _MODELS[model]


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
