"""Check many clips of one exercise (``glutefire check EXERCISE CLIP... --out DIR``): the pose
models are loaded once, each clip's result is written as ``DIR/<clip stem>.json``, a clip that
cannot be checked is reported and the others go on, and ``DIR/summary.csv`` lists them all."""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from glutefire.errors import GlutefireError, InputFileError
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.exercises.check import check_exercise, exercise_pose_models
from glutefire.exercises.spec import get_exercise
from glutefire.io.keypoint_files import is_keypoint_file
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.screening.pipeline import ClipInput, PoseModels

#: Columns of ``summary.csv``.
SUMMARY_COLUMNS = (
    "clip",
    "exercise",
    "status",
    "view",
    "camera_fits",
    "complete_reps",
    "longest_hold_s",
    "present",
    "not_assessable",
    "result",
    "error",
)


@dataclass(frozen=True)
class ClipOutcome:
    """One clip: its result (and the JSON written), or the error that stopped it."""

    path: Path
    result: ExerciseCheckResult | None
    json_path: Path | None
    error: str = ""


def output_names(paths: Sequence[Path]) -> list[str]:
    """A distinct ``<stem>.json`` per clip (``<stem>-2.json`` for a repeated stem)."""
    seen: dict[str, int] = {}
    names = []
    for path in paths:
        seen[path.stem] = seen.get(path.stem, 0) + 1
        suffix = "" if seen[path.stem] == 1 else f"-{seen[path.stem]}"
        names.append(f"{path.stem}{suffix}.json")
    return names


def check_many(
    exercise: str,
    paths: Sequence[Path],
    out_dir: Path,
    *,
    view: str | None = None,
    model: PoseModel | str = DEFAULT_POSE_MODEL,
    on_clip: Callable[[ClipOutcome], None] | None = None,
) -> list[ClipOutcome]:
    """Check every clip; write each result and ``summary.csv`` into ``out_dir``."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"could not create {out_dir}: {exc}") from None
    outcomes = []
    with contextlib.ExitStack() as stack:
        models = None
        if not all(is_keypoint_file(p) for p in paths):
            models = exercise_pose_models(get_exercise(exercise), model)  # once for all
            stack.callback(models.close)
        for path, name in zip(paths, output_names(paths), strict=True):
            outcome = _one(exercise, path, out_dir / name, view, model, models)
            outcomes.append(outcome)
            if on_clip is not None:
                on_clip(outcome)
    write_summary(outcomes, out_dir)
    return outcomes


def _one(
    exercise: str,
    path: Path,
    json_path: Path,
    view: str | None,
    model: PoseModel | str,
    models: PoseModels | None,
) -> ClipOutcome:
    try:
        checked = check_exercise(
            exercise,
            ClipInput(path),
            view=view,
            model=model,
            pose_models=models,
            json_paths=[json_path],
        )
    except GlutefireError as exc:
        return ClipOutcome(path, None, None, str(exc))
    except Exception as exc:  # one clip's failure must not stop the others: reported
        return ClipOutcome(path, None, None, f"unexpected {type(exc).__name__}: {exc}")
    return ClipOutcome(path, checked.result, json_path)


def summary_row(outcome: ClipOutcome, out_dir: Path) -> dict[str, str]:
    """One ``summary.csv`` row."""
    r = outcome.result
    if r is None:
        return {"clip": str(outcome.path), "status": "failed", "error": outcome.error}
    hold = r.summary.longest_hold_s
    return {
        "clip": str(outcome.path),
        "exercise": r.exercise,
        "status": "checked",
        "view": r.camera.view,
        "camera_fits": "yes" if r.camera.fits else "no",
        "complete_reps": str(r.summary.complete_reps) if r.summary.counts == "reps" else "",
        "longest_hold_s": "" if hold is None else f"{hold:g}",
        "present": ";".join(r.summary.present),
        "not_assessable": ";".join(r.summary.not_assessable),
        "result": os.path.relpath(outcome.json_path, out_dir) if outcome.json_path else "",
        "error": "",
    }


def write_summary(outcomes: Sequence[ClipOutcome], out_dir: Path) -> Path:
    """Write ``summary.csv`` (atomically) and return its path."""
    path = out_dir / "summary.csv"
    tmp = out_dir / ".summary.csv.tmp"
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=SUMMARY_COLUMNS, restval="")
            writer.writeheader()
            for outcome in outcomes:
                writer.writerow(summary_row(outcome, out_dir))
        os.replace(tmp, path)
    except OSError as exc:
        raise InputFileError(f"could not write {path}: {exc}") from None
    return path
