"""The screening pipeline for one clip: pose -> clean -> view -> metrics -> reps -> findings.

:func:`analyse_keypoints` is pure (keypoints in, analysis out) so keypoint files can be rerun
without the model; :func:`screen_clip` adds the video edge.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import GlutefireError, TooFewRepsError
from glutefire.io.keypoint_files import is_keypoint_file, read_keypoints
from glutefire.io.video import (
    PREVIEW_MAX_SIDE_PX,
    DecodeReport,
    PreviewWriter,
    VideoInfo,
    probe_video,
    sha256_of,
)
from glutefire.kinematics.filters import CleaningReport, clean_keypoints
from glutefire.kinematics.metrics import (
    HIP_HEIGHT,
    SQUAT_DEPTH,
    SideChoice,
    choose_sides,
    compute_frame_metrics,
    not_standing_frames,
    standing_max_depth,
)
from glutefire.kinematics.view import View, ViewEstimate, detect_view, view_change_frames
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.policy import screening_policy
from glutefire.pose.backend import PoseBackend
from glutefire.pose.estimate import ProgressFn, SubjectReport, estimate_clip
from glutefire.pose.mediapipe_backend import (
    TRACKED_POSES,
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
from glutefire.screening.merge import best_findings

#: Frames whose driver is at least this fraction of standing height count as "standing"
#: (``data/screening_policy.yaml``).
STANDING_LEVEL = screening_policy().standing_level.value


def make_pose_backend(
    model: PoseModel | str = DEFAULT_POSE_MODEL, *, static_image: bool = False
) -> PoseBackend:
    """One pose model instance (live mode's tracker); offline, raises ModelUnavailableError if
    the bundle is missing or altered."""
    return MediaPipePose(model=model, static_image=static_image)


def make_pose_models(
    model: PoseModel | str = DEFAULT_POSE_MODEL, *, tracked_poses: int = TRACKED_POSES
) -> PoseModels:
    """The one factory of screening models (CLI, batch workers, web jobs, live save): a
    video-mode tracker of ``tracked_poses`` bodies and an image-mode detector of ``model`` (see
    :func:`~glutefire.pose.mediapipe_backend.open_pose_models`)."""
    return open_pose_models(model, tracked_poses=tracked_poses)


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


@dataclass(frozen=True)
class ViewSegment:
    """A stretch of a clip screened in one view; frames index the whole clip."""

    start_frame: int
    end_frame: int
    start_s: float
    end_s: float
    view: View


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
    notes: list[str] = field(default_factory=list)  # plain sentences: what was screened, how
    sides: SideChoice | None = None  # legs used by the driver and sagittal metrics
    segments: list[ViewSegment] = field(default_factory=list)  # one per view when it changes

    def screened_views(self) -> list[View]:
        """The views screened, in clip order (several when the view changed mid-clip)."""
        return list(dict.fromkeys(s.view for s in self.segments)) or [self.view.view]


@dataclass
class ClipScreen:
    """A screened clip: its input, provenance and analysis."""

    clip: ClipInput
    sha256: str
    analysis: ClipAnalysis
    video: VideoInfo | None = None
    subject: SubjectReport | None = None
    notes: list[str] = field(default_factory=list)  # decoding warnings -> result.warnings
    preview_path: Path | None = None  # downscaled copy made during the pose pass, if asked


def analyse_keypoints(ds: xr.Dataset, *, view: View | None = None) -> ClipAnalysis:
    """Analyse raw keypoints; raise a :class:`GlutefireError` for unusable input.

    When the view is detected (``view`` None) and changes mid-clip between side and front (or
    oblique) for at least :data:`~glutefire.kinematics.view.MIN_VIEW_SEGMENT_S` each, each part
    is screened in its own view and the parts are combined (:func:`combine_parts`); the notes
    say what was screened.
    """
    checks.check_person_found(ds)
    checks.check_duration(ds)
    checks.check_in_frame(ds)
    cleaned, cleaning = clean_keypoints(ds)
    spans = view_change_frames(cleaned) if view is None else [(0, ds.sizes["time"])]
    if len(spans) == 1:
        return _analyse_part(ds, cleaned, cleaning, view)
    parts: list[tuple[int, ClipAnalysis]] = []
    skipped: list[str] = []
    first_error: GlutefireError | None = None
    for start, stop in spans:
        part_ds = ds.isel(time=slice(start, stop))
        try:
            checks.check_duration(part_ds)
            part_clean, part_cleaning = clean_keypoints(part_ds)
            parts.append((start, _analyse_part(part_ds, part_clean, part_cleaning, None)))
        except GlutefireError as exc:
            first_error = first_error or exc
            skipped.append(f"{_span_text(part_ds)} not screened: {_short(exc)}")
    if not parts:
        assert first_error is not None
        raise first_error
    return combine_parts(ds, cleaned, cleaning, parts, skipped)


def _span_text(part: xr.Dataset) -> str:
    time_s = part.coords["time"].values
    return f"{time_s[0]:.1f}-{time_s[-1]:.1f} s"


def _short(exc: GlutefireError) -> str:
    """The error sentence without the leading file name."""
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def _analyse_part(
    ds: xr.Dataset, cleaned: xr.Dataset, cleaning: CleaningReport, view: View | None
) -> ClipAnalysis:
    """Analyse keypoints seen from one view (detected unless ``view`` is given)."""
    detected = detect_view(cleaned)
    estimate = detected
    notes = []
    if view is not None:
        estimate = ViewEstimate(
            view=view,
            width_ratio=detected.width_ratio,
            trunk_tilt_deg=detected.trunk_tilt_deg,
            facing_sign=detected.facing_sign,
        )
        conflict = _forced_view_conflict(view, detected)
        if conflict:
            notes.append(conflict)
    sides = choose_sides(ds, estimate.view)
    notes.append(_sides_note(sides))
    frames = compute_frame_metrics(cleaned, estimate, sides.sides)
    reps, diag = segment_reps(
        frames[SQUAT_DEPTH].to_numpy(),
        frames.index.to_numpy(),
        standing_max=standing_max_depth(estimate.view),
        not_standing=not_standing_frames(cleaned, estimate.view, sides.sides),
    )
    if not any(r.complete for r in reps):
        raise TooFewRepsError(
            f"{ds.attrs.get('source_path', 'clip')}: no complete squat found "
            f"({len(reps)} partial); film from standing, squat down and stand up fully, "
            "ideally three to five times"
        )
    rep_table = compute_rep_metrics(frames, reps, sides=sides.sides)
    visibility = seen_in_image(ds)
    standing = frames[frames[HIP_HEIGHT] >= STANDING_LEVEL].median(numeric_only=True).to_dict()
    findings = evaluate_all(rep_table, visibility, estimate.view, standing)
    time_s = ds.coords["time"].values
    segment = ViewSegment(0, len(time_s), float(time_s[0]), float(time_s[-1]), estimate.view)
    return ClipAnalysis(
        ds,
        cleaned,
        cleaning,
        estimate,
        view is not None,
        frames,
        reps,
        diag,
        rep_table,
        findings,
        notes=notes,
        sides=sides,
        segments=[segment],
    )


def seen_in_image(ds: xr.Dataset) -> pd.DataFrame:
    """Per frame and landmark, the model's visibility, or 0 where the landmark lies outside the
    image (MediaPipe extrapolates cut-off feet with a confident score: a front clip with the
    feet cut off must not judge the feet). Columns are landmark names."""
    pos = ds["position"].values
    width, height = ds.attrs["image_width_px"], ds.attrs["image_height_px"]
    with np.errstate(invalid="ignore"):
        inside = (
            (pos[..., 0] >= 0)
            & (pos[..., 0] <= width)
            & (pos[..., 1] >= 0)
            & (pos[..., 1] <= height)
        )
    vis = np.where(inside, ds["visibility"].values, 0.0)
    return pd.DataFrame(vis, columns=[str(k) for k in ds.coords["keypoint"].values])


def _forced_view_conflict(forced: View, detected: ViewEstimate) -> str:
    """A warning when a forced view contradicts the landmarks (side vs front/back), else ''."""
    if (forced is View.SIDE and detected.view.frontal) or (
        forced.frontal and detected.view is View.SIDE
    ):
        return (
            f"warning: --view {forced.value} contradicts the landmarks, which look like a "
            f"{detected.view.value} view (shoulder and hip width {detected.width_ratio:.2f} "
            "of trunk length); findings measured for the forced view may be wrong"
        )
    return ""


def combine_parts(
    ds: xr.Dataset,
    cleaned: xr.Dataset,
    cleaning: CleaningReport,
    parts: list[tuple[int, ClipAnalysis]],
    skipped: list[str],
) -> ClipAnalysis:
    """One analysis of a clip whose parts (first frame, analysis) were screened in their own
    views: frames, reps and rep tables joined with clip frame numbers, each finding from the
    part best suited to it (:func:`~glutefire.screening.merge.best_findings`)."""
    reps: list[Rep] = []
    tables, frame_tables, segments, notes = [], [], [], []
    for offset, part in parts:
        for rep in part.reps:
            reps.append(
                replace(
                    rep,
                    index=len(reps) + 1,
                    start_frame=rep.start_frame + offset,
                    bottom_frame=rep.bottom_frame + offset,
                    end_frame=rep.end_frame + offset,
                )
            )
        table = part.rep_table.copy()
        table["bottom_frame"] = table["bottom_frame"] + offset
        tables.append(table)
        frame_table = part.frames.copy()
        frame_table["frame"] = frame_table["frame"] + offset
        frame_tables.append(frame_table)
        segments += [
            replace(seg, start_frame=seg.start_frame + offset, end_frame=seg.end_frame + offset)
            for seg in part.segments
        ]
        n_complete = sum(r.complete for r in part.reps)
        notes.append(
            f"{_span_text(part.keypoints)}: {part.view.view.value} view, "
            f"{n_complete} complete rep(s); " + "; ".join(part.notes)
        )
    rep_table = pd.concat(tables, ignore_index=True)
    rep_table.index = pd.RangeIndex(1, len(rep_table) + 1, name="rep")
    findings = best_findings([_shift_findings(p.findings, off) for off, p in parts])
    main = max((p for _, p in parts), key=lambda p: sum(r.complete for r in p.reps))
    if len(parts) > 1:
        views = " then ".join(seg.view.value for seg in segments)
        notes.insert(
            0,
            f"the view changed mid-clip ({views}); each part was screened in its "
            "own view and each finding taken from the part suited to it",
        )
    else:
        notes.insert(
            0,
            f"the view changed mid-clip; only the {segments[0].view.value} view "
            f"part ({_span_text(parts[0][1].keypoints)}) could be screened",
        )
    frames = _whole_clip_frames(pd.concat(frame_tables), ds)
    return ClipAnalysis(
        ds,
        cleaned,
        cleaning,
        main.view,
        False,
        frames,
        reps,
        main.segmentation,
        rep_table,
        findings,
        notes=notes + skipped,
        sides=main.sides,
        segments=segments,
    )


def _whole_clip_frames(frames: pd.DataFrame, ds: xr.Dataset) -> pd.DataFrame:
    """The parts' per-frame tables on the whole clip's time axis, one row per clip frame (rows
    of parts that could not be screened are NaN), so frame ``i`` is row ``i``."""
    time_s = ds.coords["time"].values
    full = frames.drop(columns="frame").reindex(pd.Index(time_s, name=frames.index.name))
    full.insert(0, "frame", np.arange(len(time_s)))
    return full


def _shift_findings(findings: list[Finding], offset: int) -> list[Finding]:
    return [
        replace(f, evidence_frame=None if f.evidence_frame is None else f.evidence_frame + offset)
        for f in findings
    ]


def _sides_note(sides: SideChoice) -> str:
    return f"legs measured: {sides.reason}"


@dataclass
class EstimatedKeypoints:
    """A clip's raw keypoints and what the pose pass learnt on the way (video, subject, decoding
    warnings, the downscaled preview if it was fully written); only keypoints for a keypoint
    file or in-memory keypoints."""

    keypoints: xr.Dataset
    video: VideoInfo | None = None
    subject: SubjectReport | None = None
    notes: list[str] = field(default_factory=list)
    preview_path: Path | None = None


def estimate_keypoints(
    clip: ClipInput,
    *,
    model: PoseModel | str = DEFAULT_POSE_MODEL,
    subject_policy: SubjectPolicy = SubjectPolicy.AUTO,
    on_frame: ProgressFn | None = None,
    pose_models: PoseModels | None = None,
    video: VideoInfo | None = None,
    preview: Path | None = None,
    preview_max_side_px: int = PREVIEW_MAX_SIDE_PX,
    tracked_poses: int = TRACKED_POSES,
) -> EstimatedKeypoints:
    """The clip's raw keypoints: read from a keypoint file, or estimated from the video.

    ``video``: the clip's probe, when the caller already has it. ``tracked_poses``: bodies the
    tracker follows; ``pose_models`` tracking another number are not used (models are made).
    Other arguments as for :func:`screen_clip`.
    """
    if clip.keypoints is not None:
        return EstimatedKeypoints(clip.keypoints)
    if is_keypoint_file(clip.path):
        return EstimatedKeypoints(read_keypoints(clip.path))
    video = video or probe_video(clip.path)
    with contextlib.ExitStack() as stack:
        stack.enter_context(quiet_native_stderr())  # MediaPipe's C++ notices, also async ones
        if pose_models is None or pose_models.tracked_poses != tracked_poses:
            pose_models = make_pose_models(model, tracked_poses=tracked_poses)
            stack.callback(pose_models.close)
        pose_models.tracker.reset()
        tap, decoding = None, DecodeReport()
        if preview is not None:
            tap = PreviewWriter(preview, video, max_side_px=preview_max_side_px)
            stack.callback(tap.close)
        ds, subject = estimate_clip(
            video,
            tracker_backend=pose_models.tracker,
            detector_backend=pose_models.detector,
            policy=subject_policy,
            on_frame=on_frame,
            frame_tap=tap,
            decode_report=decoding,
        )
    return EstimatedKeypoints(
        ds,
        video,
        subject,
        notes=decoding.warnings(video),
        preview_path=preview if tap is not None and tap.usable else None,
    )


def screen_clip(
    clip: ClipInput,
    *,
    model: PoseModel | str = DEFAULT_POSE_MODEL,
    subject_policy: SubjectPolicy = SubjectPolicy.AUTO,
    on_frame: ProgressFn | None = None,
    pose_models: PoseModels | None = None,
    video: VideoInfo | None = None,
    preview: Path | None = None,
    preview_max_side_px: int = PREVIEW_MAX_SIDE_PX,
) -> ClipScreen:
    """Screen one video, keypoint file or in-memory keypoint set end to end.

    ``model``: the BlazePose variant (lite, full, heavy). ``pose_models`` (tracker, detector)
    lets a long-lived worker reuse its models across clips; the tracker is reset first. By
    default the models are made for this clip by :func:`make_pose_models` and closed.
    ``video``: the clip's probe, when the caller already has it.
    ``preview``: also write a copy of the clip downscaled to ``preview_max_side_px`` there, while
    decoding (for the annotated video, which then need not decode the original again).
    """
    est = estimate_keypoints(
        clip,
        model=model,
        subject_policy=subject_policy,
        on_frame=on_frame,
        pose_models=pose_models,
        video=video,
        preview=preview,
        preview_max_side_px=preview_max_side_px,
    )
    analysis = analyse_keypoints(est.keypoints, view=clip.view)
    if clip.keypoints is not None:
        digest = hashlib.sha256(est.keypoints["position"].values.tobytes()).hexdigest()
        return ClipScreen(clip, digest, analysis)
    return ClipScreen(
        clip,
        sha256_of(clip.path),
        analysis,
        video=est.video,
        subject=est.subject,
        notes=est.notes,
        preview_path=est.preview_path,
    )


def standing_frames(frames: pd.DataFrame) -> np.ndarray:
    """Boolean mask of standing frames."""
    return (frames[HIP_HEIGHT] >= STANDING_LEVEL).to_numpy()
