"""Check one clip of a corrective exercise: the one entry point that ``glutefire check``, batch
and session logging call.

:func:`check_exercise` reads the keypoints through the screening flow's
:func:`~glutefire.screening.pipeline.estimate_keypoints` (the same pose models, decoding and
subject choice as ``glutefire screen``), analyses them
(:func:`~glutefire.exercises.analyse.analyse_exercise`), builds the typed
:class:`~glutefire.exercise_result.ExerciseCheckResult` and writes its JSON files atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from glutefire import __version__
from glutefire.exercise_result import (
    CHECK_DISCLAIMER,
    CHECK_SCHEMA_VERSION,
    Camera,
    CheckClip,
    CheckSummary,
    ExerciseCheckResult,
    ExerciseRep,
    FormCheck,
    HoldRecord,
)
from glutefire.exercises.analyse import CheckOutcome, ExerciseAnalysis, analyse_exercise
from glutefire.exercises.spec import ExerciseSpec, get_exercise
from glutefire.io.video import sha256_of
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.pose.estimate import ProgressFn
from glutefire.pose.mediapipe_backend import MAX_PEOPLE, TRACKED_POSES, PoseModels
from glutefire.result import ModelInfo, Software, Status, finite_or_none
from glutefire.screening.pipeline import (
    ClipInput,
    EstimatedKeypoints,
    estimate_keypoints,
    make_pose_models,
    pose_model_info,
)


@dataclass
class CheckedClip:
    """The result, the analysis it came from, and the keypoints (to save or reuse)."""

    result: ExerciseCheckResult
    analysis: ExerciseAnalysis
    estimated: EstimatedKeypoints


#: Bodies the tracker follows for an exercise done on the floor. Following one body, MediaPipe
#: finds it again only when lost, and the landmarks of a side-lying body drift: the side plank
#: sample read 0.235 trunk lengths wide (oblique) against 0.33 (front, as labelled) when the
#: person detector runs on every frame, as it does when more bodies are allowed than are seen.
FLOOR_TRACKED_POSES = MAX_PEOPLE


def tracked_poses_for(spec: ExerciseSpec) -> int:
    """Bodies the pose tracker follows when checking ``spec`` (see :data:`FLOOR_TRACKED_POSES`)."""
    return FLOOR_TRACKED_POSES if spec.posture == "floor" else TRACKED_POSES


def exercise_pose_models(spec: ExerciseSpec, model: PoseModel | str) -> PoseModels:
    """Pose models for checking several clips of ``spec`` (loaded once)."""
    return make_pose_models(model, tracked_poses=tracked_poses_for(spec))


def check_clips(
    items: Sequence[tuple[ExerciseSpec, ClipInput]], *, model: PoseModel | str = DEFAULT_POSE_MODEL
) -> list[CheckedClip]:
    """Check each clip as its exercise; pose models are loaded only for videos, once per kind of
    tracker (see :func:`tracked_poses_for`) for all of them."""
    from glutefire.screening.session import clip_frames_needed

    models: dict[int, PoseModels] = {}
    with contextlib.ExitStack() as stack:

        def models_for(spec: ExerciseSpec, clip: ClipInput) -> PoseModels | None:
            if not clip_frames_needed(clip):
                return None
            tracked = tracked_poses_for(spec)
            if tracked not in models:
                models[tracked] = exercise_pose_models(spec, model)
                stack.callback(models[tracked].close)
            return models[tracked]

        return [
            check_exercise(spec.id, clip, model=model, pose_models=models_for(spec, clip))
            for spec, clip in items
        ]


def check_exercise(
    exercise: str,
    clip: ClipInput,
    *,
    view: str | None = None,
    model: PoseModel | str = DEFAULT_POSE_MODEL,
    pose_models: PoseModels | None = None,
    on_frame: ProgressFn | None = None,
    json_paths: Sequence[Path] = (),
) -> CheckedClip:
    """Check ``clip`` (a video, keypoint CSV or in-memory keypoints) of ``exercise`` (an id of
    ``data/exercise_checks.yaml``); write the result JSON to ``json_paths``. ``view`` forces the
    camera view (side, front, oblique). Raises a :class:`~glutefire.errors.GlutefireError` for
    unusable input (one line for the user)."""
    from glutefire.screening.session import write_result_json

    spec = get_exercise(exercise)
    est = estimate_keypoints(
        clip,
        model=model,
        pose_models=pose_models,
        on_frame=on_frame,
        tracked_poses=tracked_poses_for(spec),
    )
    analysis = analyse_exercise(est.keypoints, spec, view=view)
    info = (
        pose_model_info(model)
        if est.video is not None
        else ModelInfo(name=str(est.keypoints.attrs["source_software"]))
    )
    result = build_check_result(analysis, est, clip, model=info, view_forced=view is not None)
    for path in json_paths:
        write_result_json(result, path)
    return CheckedClip(result, analysis, est)


def _clip_entry(est: EstimatedKeypoints, clip: ClipInput) -> CheckClip:
    ds = est.keypoints
    time_s = ds.coords["time"].values
    rate = float(ds.attrs["sampling_rate_hz"])
    if est.video is not None:
        digest, kind = sha256_of(clip.path), "video"
    elif clip.keypoints is None:
        digest, kind = sha256_of(clip.path), "keypoints"
    else:
        digest, kind = hashlib.sha256(ds["position"].values.tobytes()).hexdigest(), "keypoints"
    return CheckClip(
        path=str(clip.path),
        sha256=digest,
        kind=kind,
        fps=round(rate, 3),
        n_frames=len(time_s),
        duration_s=round(float(time_s[-1] - time_s[0]) + 1.0 / rate, 3),
        width_px=int(ds.attrs["image_width_px"]),
        height_px=int(ds.attrs["image_height_px"]),
        keypoint_source=str(ds.attrs["source_software"]),
    )


def _form_check(outcome: CheckOutcome) -> FormCheck:
    spec = outcome.spec
    return FormCheck(
        code=spec.code,
        title=spec.title,
        status=outcome.status,
        value=None if outcome.value is None else finite_or_none(outcome.value),
        threshold=spec.threshold,
        direction=spec.direction,
        unit=spec.unit,
        measure=spec.measure,
        read_at=spec.at,
        views=list(spec.views),
        cue=spec.cue,
        source=" ".join(spec.source.split()),
        reason=" ".join(outcome.reason.split()),
        per_rep={str(k): finite_or_none(v) for k, v in outcome.per_rep.items()},
        supporting={k: finite_or_none(v) for k, v in outcome.supporting.items()},
    )


def build_check_result(
    analysis: ExerciseAnalysis,
    est: EstimatedKeypoints,
    clip: ClipInput,
    *,
    model: ModelInfo,
    view_forced: bool = False,
) -> ExerciseCheckResult:
    """The typed result of one analysed clip."""
    spec = analysis.spec
    checks = [_form_check(o) for o in analysis.checks]
    longest = analysis.longest_hold_s
    warnings = list(est.notes) + [
        n.removeprefix("warning: ") for n in analysis.notes if n.startswith("warning:")
    ]
    if est.subject is not None:
        warnings += est.subject.warnings
    return ExerciseCheckResult(
        schema_version=CHECK_SCHEMA_VERSION,
        software=Software(name="glutefire", version=__version__),
        model=model,
        created_at=datetime.now(timezone.utc),
        exercise=spec.id,
        exercise_title=spec.title,
        clip=_clip_entry(est, clip),
        camera=Camera(
            view=analysis.view.view,
            view_forced=view_forced,
            width_ratio=finite_or_none(analysis.view.width_ratio),
            posture=analysis.view.posture,
            views_needed=list(spec.views),
            fits=analysis.view_fits,
            how_to_film=spec.how_to_film,
        ),
        reps=[
            ExerciseRep(
                index=r.index,
                start_s=round(r.start_s, 3),
                peak_s=round(r.bottom_s, 3),
                end_s=round(r.end_s, 3),
                complete=r.complete,
            )
            for r in analysis.reps
        ],
        holds=[
            HoldRecord(
                start_s=round(h.start_s, 3),
                end_s=round(h.end_s, 3),
                duration_s=round(h.duration_s, 3),
                open_start=h.open_start,
                open_end=h.open_end,
            )
            for h in analysis.holds
        ],
        checks=checks,
        summary=CheckSummary(
            counts=spec.counts,
            complete_reps=analysis.complete_reps,
            longest_hold_s=None if longest is None else round(longest, 2),
            present=[c.code for c in checks if c.status is Status.PRESENT],
            not_assessable=[c.code for c in checks if c.status is Status.NOT_ASSESSABLE],
        ),
        notes=[n for n in analysis.notes if not n.startswith("warning:")],
        warnings=warnings,
        disclaimer=CHECK_DISCLAIMER,
    )
