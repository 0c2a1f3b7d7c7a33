"""Pose estimation over a whole clip, streamed frame by frame into the keypoint container."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from glutefire.errors import NoPersonError
from glutefire.io.video import DecodeReport, FrameTap, VideoInfo, iter_frames
from glutefire.keypoints import make_keypoints
from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.pose.search import find_candidates
from glutefire.pose.subject import LOST_AFTER_S, SubjectFollower, SubjectPolicy, choose_subject
from glutefire.pose.tracker import SubjectTracker

#: How long (seconds from the start) to keep looking for the subject before giving up.
SEARCH_WINDOW_S = 3.0

ProgressFn = Callable[[int], None]


@dataclass
class SubjectReport:
    """How the subject was chosen and followed, for the result file."""

    people_seen: int
    reason: str
    first_frame: int
    warnings: list[str] = field(default_factory=list)  # re-selections after losing the subject


def estimate_clip(
    video: VideoInfo,
    *,
    tracker_backend: PoseBackend,
    detector_backend: PoseBackend,
    policy: SubjectPolicy = SubjectPolicy.AUTO,
    on_frame: ProgressFn | None = None,
    frame_tap: FrameTap | None = None,
    decode_report: DecodeReport | None = None,
) -> tuple[xr.Dataset, SubjectReport]:
    """Run pose estimation on every frame of ``video`` and return the subject's keypoints.

    ``detector_backend`` (image mode) finds everyone (:func:`find_candidates`) until someone is
    found; the subject is chosen by ``policy`` and followed by ``tracker_backend`` (video mode,
    on a crop around the subject, see :class:`SubjectTracker` and :class:`SubjectFollower`);
    ``detector_backend`` looks again in the frames where the tracker loses the subject.
    Raises :class:`NoPersonError` if nobody is found in the first :data:`SEARCH_WINDOW_S` s.
    ``decode_report`` is filled in by the decoder (frames repeated or dropped for the uniform
    time grid, an early stop).
    """
    n_kp = len(tracker_backend.keypoint_names)
    positions: list[np.ndarray] = []
    visibilities: list[np.ndarray] = []
    tracker: SubjectTracker | None = None
    report: SubjectReport | None = None
    search_frames = int(SEARCH_WINDOW_S * video.fps)
    for index, frame in iter_frames(video.path, tap=frame_tap, report=decode_report):
        pose: FramePose | None = None
        if tracker is not None:
            pose = tracker.estimate(
                frame, frame_index=index, timestamp_ms=round(1000.0 * index / video.fps)
            )
        elif index > search_frames:
            break
        elif candidates := find_candidates(frame, detector_backend):
            subject, why = choose_subject(candidates, policy=policy, image_width_px=video.width_px)
            follower = SubjectFollower(
                subject,
                policy,
                video.width_px,
                lost_after_frames=max(1, round(LOST_AFTER_S * video.fps)),
            )
            tracker = SubjectTracker(
                tracker_backend,
                follower,
                frame.shape,
                wider=detector_backend,
                others=[c for c in candidates if c is not subject],
            )
            report = SubjectReport(
                people_seen=len(candidates),
                reason=why,
                first_frame=index,
                warnings=follower.warnings,
            )
            pose = subject.pose
        _append(positions, visibilities, pose, n_kp)
        if on_frame is not None:
            on_frame(index)
    if report is None:
        raise NoPersonError(
            f"{video.path}: no person found in the first {SEARCH_WINDOW_S:g} s; film the whole "
            "body, well lit, with the person facing or side-on to the camera"
        )
    ds = make_keypoints(
        np.stack(positions),
        np.stack(visibilities),
        keypoint_names=tracker_backend.keypoint_names,
        sampling_rate_hz=video.fps,
        image_size_px=(video.width_px, video.height_px),
        source_software=f"{tracker_backend.name} {tracker_backend.version}",
        source_path=str(video.path),
    )
    return ds, report


def _append(
    positions: list[np.ndarray], visibilities: list[np.ndarray], pose: FramePose | None, n_kp: int
) -> None:
    if pose is None:
        positions.append(np.full((n_kp, 2), np.nan))
        visibilities.append(np.zeros(n_kp))
    else:
        positions.append(pose.position_px)
        visibilities.append(pose.visibility)
