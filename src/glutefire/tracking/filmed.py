"""Filmed exercises in a logged session (pure): what a checked clip fills in.

``glutefire log --clip EXERCISE_ID=CLIP`` checks the clip (``glutefire check``) and the measured
complete reps or the longest hold become the exercise's done values, next to the plan's targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from glutefire.errors import RecordError
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.exercises.spec import ExerciseSpec, check_for_library_exercise, exercise_ids
from glutefire.tracking.session_entry import ExerciseDone


@dataclass(frozen=True)
class FilmedClip:
    """``--clip EXERCISE_ID=PATH``: the session's exercise id and the clip of it."""

    exercise_id: str
    path: str


def parse_clip_option(text: str) -> FilmedClip:
    """Parse ``EXERCISE_ID=PATH``; :class:`RecordError` when malformed."""
    exercise_id, sep, path = text.partition("=")
    if not sep or not exercise_id.strip() or not path.strip():
        raise RecordError(
            f"expected --clip EXERCISE_ID=PATH (glute_bridge=bridge.mp4), but got {text!r}"
        )
    return FilmedClip(exercise_id.strip(), path.strip())


def check_spec_for(exercise_id: str) -> ExerciseSpec:
    """The check that films the session exercise ``exercise_id`` (a library id such as
    ``romanian_deadlift``, or a check id such as ``hip_hinge``)."""
    from glutefire.exercises.spec import get_exercise

    spec = check_for_library_exercise(exercise_id)
    if spec is None and exercise_id in exercise_ids():
        spec = get_exercise(exercise_id)
    if spec is None:
        raise RecordError(
            f"expected an exercise that can be filmed and checked ({', '.join(exercise_ids())} "
            f"or a library exercise linked to one), but got {exercise_id!r}"
        )
    return spec


def apply_measured(
    exercises: Sequence[ExerciseDone], measured: Sequence[tuple[str, ExerciseCheckResult]]
) -> tuple[ExerciseDone, ...]:
    """The session's exercises with the done reps (complete reps) or hold (longest hold, s)
    measured from each filmed clip; an exercise not in the session is added with one set.
    Targets are kept, so measured sits next to target."""
    out = list(exercises)
    for exercise_id, result in measured:
        reps, hold_s = _done_values(result)
        for i, exercise in enumerate(out):
            if exercise.exercise_id == exercise_id:
                sets = exercise.done_sets if exercise.done_sets else 1
                out[i] = replace(
                    exercise, skipped=False, done_sets=sets, done_reps=reps, done_hold_s=hold_s
                )
                break
        else:
            out.append(
                ExerciseDone(
                    exercise_id=exercise_id, done_sets=1, done_reps=reps, done_hold_s=hold_s
                )
            )
    return tuple(out)


def _done_values(result: ExerciseCheckResult) -> tuple[int | None, float | None]:
    """(done reps, done hold in s) measured in the clip."""
    if result.summary.counts == "hold":
        return None, result.summary.longest_hold_s
    return result.summary.complete_reps, None


def refuse_unfit(result: ExerciseCheckResult, name: str) -> None:
    """Raise :class:`RecordError` (one line naming ``name``) when a checked clip cannot stand
    for a filmed set: the camera does not fit the exercise, or nothing was counted (no complete
    rep, no hold): the clip is not this exercise, or too short."""
    cam = result.camera
    if not cam.fits:
        raise RecordError(
            f"{name}: expected a {' or '.join(cam.views_needed)} view for {result.exercise_title}, "
            f"but the clip looks like a {cam.view} view ({cam.how_to_film.rstrip('.')})"
        )
    if result.summary.counts == "hold" and not result.summary.longest_hold_s:
        raise RecordError(
            f"{name}: no {result.exercise_title} hold found in the clip; film the whole hold, "
            "from the side, with the body in the frame"
        )
    if result.summary.counts == "reps" and not result.summary.complete_reps:
        raise RecordError(
            f"{name}: no complete {result.exercise_title} rep found in the clip; film at least "
            "one whole rep, with the body in the frame"
        )
