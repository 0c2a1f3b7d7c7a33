"""The screening pipeline for one clip: pose -> clean -> view -> metrics -> reps -> findings.

:func:`analyse_keypoints` is pure (keypoints in, analysis out) so keypoint files can be rerun
without the model; :func:`screen_clip` adds the video edge.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import TooFewRepsError
from glutefire.io.keypoint_files import is_keypoint_file, read_keypoints
from glutefire.io.video import PreviewWriter, VideoInfo, probe_video, sha256_of
from glutefire.kinematics.filters import CleaningReport, clean_keypoints
from glutefire.kinematics.metrics import HIP_HEIGHT, compute_frame_metrics
from glutefire.kinematics.view import View, ViewEstimate, detect_view
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.policy import screening_policy
from glutefire.pose.backend import PoseBackend
from glutefire.pose.estimate import ProgressFn, SubjectReport, estimate_clip
from glutefire.pose.mediapipe_backend import (
    MediaPipePose,
    PoseModels,
    check_model_available,
    model_info,
    open_pose_models,
    quiet_native_stderr,
)
from glutefire.pose.subject import SubjectPolicy
from glutefire.reps.segment import Rep, SegmentationDiagnostics, segment_reps
from glutefire.reps.table import compute_rep_metrics
from glutefire.result import ModelInfo
from glutefire.screening import checks
from glutefire.screening.findings import Finding, evaluate_all

#: Frames whose driver is at least this fraction of standing height count as "standing"
#: (``data/screening_policy.yaml``).
STANDING_LEVEL = screening_policy().standing_level.value


def make_pose_backend(model: PoseModel | str = DEFAULT_POSE_MODEL, *,
                      static_image: bool = False) -> PoseBackend:
    """One pose model instance (live mode's tracker); offline, raises ModelUnavailableError if
    the bundle is missing or altered."""
    return MediaPipePose(model=model, static_image=static_image)


def make_pose_models(model: PoseModel | str = DEFAULT_POSE_MODEL) -> PoseModels:
    """The one factory of screening models (CLI, batch workers, web jobs, live save): a
    video-mode tracker and an image-mode detector of ``model`` (see
    :func:`~glutefire.pose.mediapipe_backend.open_pose_models`)."""
    return open_pose_models(model)


def pose_model_info(model: PoseModel | str = DEFAULT_POSE_MODEL) -> ModelInfo:
    """The ``model`` entry of a screening result for ``model``: name, variant, bundle file, its
    sha256 and the mediapipe version (raises ModelUnavailableError if the bundle is missing)."""
    return ModelInfo.model_validate(model_info(model))


def check_pose_model(model: PoseModel | str = DEFAULT_POSE_MODEL) -> None:
    """Raise :class:`~glutefire.errors.ModelUnavailableError` unless ``model``'s bundle is
    installed and intact."""
    check_model_available(model)


@dataclass(frozen=True)
class ClipInput:
    """One clip (video or keypoint file) and how to read it."""

    path: Path
    view: View | None = None  # None: detect
    heels_elevated: bool = False
    keypoints: xr.Dataset | None = None  # already estimated (live mode); ``path`` names it


@dataclass
class ClipAnalysis:
    """Everything computed from one clip's keypoints."""

    keypoints: xr.Dataset
    cleaned: xr.Dataset
    cleaning: CleaningReport
    view: ViewEstimate
    view_forced: bool
    frames: pd.DataFrame
    reps: list[Rep]
    segmentation: SegmentationDiagnostics
    rep_table: pd.DataFrame
    findings: list[Finding]


@dataclass
class ClipScreen:
    """A screened clip: its input, provenance and analysis."""

    clip: ClipInput
    sha256: str
    analysis: ClipAnalysis
    video: VideoInfo | None = None
    subject: SubjectReport | None = None
    notes: list[str] = field(default_factory=list)
    preview_path: Path | None = None  # downscaled copy made during the pose pass, if asked


def analyse_keypoints(ds: xr.Dataset, *, view: View | None = None) -> ClipAnalysis:
    """Analyse raw keypoints; raise a :class:`GlutefireError` for unusable input."""
    checks.check_person_found(ds)
    checks.check_duration(ds)
    checks.check_in_frame(ds)
    cleaned, cleaning = clean_keypoints(ds)
    estimate = detect_view(cleaned)
    if view is not None:
        estimate = ViewEstimate(view=view, width_ratio=estimate.width_ratio,
                                trunk_tilt_deg=estimate.trunk_tilt_deg,
                                facing_sign=estimate.facing_sign)
    frames = compute_frame_metrics(cleaned, estimate)
    reps, diag = segment_reps(1.0 - frames[HIP_HEIGHT].to_numpy(), frames.index.to_numpy())
    if not any(r.complete for r in reps):
        raise TooFewRepsError(
            f"{ds.attrs.get('source_path', 'clip')}: no complete squat found "
            f"({len(reps)} partial); film from standing, squat down and stand up fully, "
            "ideally three to five times"
        )
    rep_table = compute_rep_metrics(frames, reps)
    visibility = pd.DataFrame(ds["visibility"].values,
                              columns=[str(k) for k in ds.coords["keypoint"].values])
    standing = frames[frames[HIP_HEIGHT] >= STANDING_LEVEL].median(numeric_only=True).to_dict()
    findings = evaluate_all(rep_table, visibility, estimate.view, standing)
    return ClipAnalysis(ds, cleaned, cleaning, estimate, view is not None, frames, reps, diag,
                        rep_table, findings)


def screen_clip(clip: ClipInput, *, model: PoseModel | str = DEFAULT_POSE_MODEL,
                subject_policy: SubjectPolicy = SubjectPolicy.AUTO,
                on_frame: ProgressFn | None = None,
                pose_models: PoseModels | None = None, video: VideoInfo | None = None,
                preview: Path | None = None, preview_max_side_px: int = 960) -> ClipScreen:
    """Screen one video, keypoint file or in-memory keypoint set end to end.

    ``model``: the BlazePose variant (lite, full, heavy). ``pose_models`` (tracker, detector)
    lets a long-lived worker reuse its models across clips; the tracker is reset first. By
    default the models are made for this clip by :func:`make_pose_models` and closed.
    ``video``: the clip's probe, when the caller already has it.
    ``preview``: also write a copy of the clip downscaled to ``preview_max_side_px`` there, while
    decoding (for the annotated video, which then need not decode the original again).
    """
    if clip.keypoints is not None:
        ds = clip.keypoints
        digest = hashlib.sha256(ds["position"].values.tobytes()).hexdigest()
        return ClipScreen(clip, digest, analyse_keypoints(ds, view=clip.view))
    if is_keypoint_file(clip.path):
        ds = read_keypoints(clip.path)
        return ClipScreen(clip, sha256_of(clip.path), analyse_keypoints(ds, view=clip.view))
    video = video or probe_video(clip.path)
    with contextlib.ExitStack() as stack:
        stack.enter_context(quiet_native_stderr())  # MediaPipe's C++ notices, also async ones
        if pose_models is None:
            pose_models = make_pose_models(model)
            stack.callback(pose_models.close)
        pose_models.tracker.reset()
        tap = None
        if preview is not None:
            tap = PreviewWriter(preview, video, max_side_px=preview_max_side_px)
            stack.callback(tap.close)
        ds, subject = estimate_clip(video, tracker_backend=pose_models.tracker,
                                    detector_backend=pose_models.detector,
                                    policy=subject_policy, on_frame=on_frame, frame_tap=tap)
    analysis = analyse_keypoints(ds, view=clip.view)
    return ClipScreen(clip, sha256_of(clip.path), analysis, video=video, subject=subject,
                      preview_path=preview)


def standing_frames(frames: pd.DataFrame) -> np.ndarray:
    """Boolean mask of standing frames."""
    return (frames[HIP_HEIGHT] >= STANDING_LEVEL).to_numpy()
