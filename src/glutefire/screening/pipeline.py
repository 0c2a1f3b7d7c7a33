"""The screening pipeline for one clip: pose -> clean -> view -> metrics -> reps -> findings.

:func:`analyse_keypoints` is pure (keypoints in, analysis out) so keypoint files can be rerun
without the model; :func:`screen_clip` adds the video edge.
"""

from __future__ import annotations

import contextlib
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
from glutefire.pose.estimate import ProgressFn, SubjectReport, estimate_clip
from glutefire.pose.mediapipe_backend import PoseModels, open_pose_models, quiet_native_stderr
from glutefire.pose.subject import SubjectPolicy
from glutefire.reps.segment import Rep, SegmentationDiagnostics, segment_reps
from glutefire.reps.table import compute_rep_metrics
from glutefire.screening import checks
from glutefire.screening.findings import Finding, evaluate_all

#: Frames whose driver is at least this fraction of standing height count as "standing".
STANDING_LEVEL = 0.95


@dataclass(frozen=True)
class ClipInput:
    """One clip (video or keypoint file) and how to read it."""

    path: Path
    view: View | None = None  # None: detect
    heels_elevated: bool = False


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
                pose_models: PoseModels | None = None,
                preview: Path | None = None, preview_max_side_px: int = 960) -> ClipScreen:
    """Screen one video or keypoint file end to end.

    ``model``: the BlazePose variant (lite, full, heavy). ``pose_models`` lets a long-lived
    worker reuse its models across clips (they are reset first); by default they are made for
    this clip and closed. ``preview``: also write a copy of the clip downscaled to
    ``preview_max_side_px`` there, while decoding (for the annotated video, which then need not
    decode the original again).
    """
    if is_keypoint_file(clip.path):
        ds = read_keypoints(clip.path)
        return ClipScreen(clip, sha256_of(clip.path), analyse_keypoints(ds, view=clip.view))
    video = probe_video(clip.path)
    with contextlib.ExitStack() as stack:
        stack.enter_context(quiet_native_stderr())  # MediaPipe's C++ notices, also async ones
        if pose_models is None:
            pose_models = open_pose_models(model)
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
