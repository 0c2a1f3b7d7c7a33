"""Pose estimation over a whole clip, streamed frame by frame into the keypoint container."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from glutefire.errors import NoPersonError
from glutefire.io.video import FrameTap, VideoInfo, iter_frames
from glutefire.keypoints import make_keypoints
from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.pose.subject import (
    LOST_AFTER_S,
    SubjectFollower,
    SubjectPolicy,
    as_candidate,
    choose_subject,
)

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
    policy: SubjectPolicy = SubjectPolicy.AUTO,
    on_frame: ProgressFn | None = None,
    frame_tap: FrameTap | None = None,
) -> tuple[xr.Dataset, SubjectReport]:
    """Run pose estimation on every frame of ``video`` and return the subject's keypoints.

    ``tracker_backend`` (video mode, several people per frame) sees everyone; the subject is
    chosen by ``policy`` in the first frame where anyone is found and then followed (see
    :class:`SubjectFollower`). Raises :class:`NoPersonError` if nobody is found in the first
    :data:`SEARCH_WINDOW_S` seconds.
    """
    n_kp = len(tracker_backend.keypoint_names)
    positions: list[np.ndarray] = []
    visibilities: list[np.ndarray] = []
    follower: SubjectFollower | None = None
    report: SubjectReport | None = None
    search_frames = int(SEARCH_WINDOW_S * video.fps)
    for index, frame in iter_frames(video.path, tap=frame_tap):
        if follower is None and index > search_frames:
            break
        poses = tracker_backend.estimate_all(frame, timestamp_ms=round(1000.0 * index / video.fps))
        pose: FramePose | None = None
        if follower is not None:
            pose = follower.follow(poses, index)
        elif poses:
            candidates = [as_candidate(p) for p in poses]
            subject, why = choose_subject(candidates, policy=policy,
                                          image_width_px=video.width_px)
            follower = SubjectFollower(subject, policy, video.width_px,
                                       lost_after_frames=max(1, round(LOST_AFTER_S * video.fps)))
            report = SubjectReport(people_seen=len(candidates), reason=why, first_frame=index)
            pose = subject.pose
        _append(positions, visibilities, pose, n_kp)
        if on_frame is not None:
            on_frame(index)
    if report is None or follower is None:
        raise NoPersonError(
            f"{video.path}: no person found in the first {SEARCH_WINDOW_S:g} s; film the whole "
            "body, well lit, with the person facing or side-on to the camera"
        )
    report.warnings = follower.warnings
    ds = make_keypoints(
        np.stack(positions), np.stack(visibilities),
        keypoint_names=tracker_backend.keypoint_names,
        sampling_rate_hz=video.fps,
        image_size_px=(video.width_px, video.height_px),
        source_software=f"{tracker_backend.name} {tracker_backend.version}",
        source_path=str(video.path),
    )
    return ds, report


def _append(positions: list[np.ndarray], visibilities: list[np.ndarray],
            pose: FramePose | None, n_kp: int) -> None:
    if pose is None:
        positions.append(np.full((n_kp, 2), np.nan))
        visibilities.append(np.zeros(n_kp))
    else:
        positions.append(pose.position_px)
        visibilities.append(pose.visibility)
