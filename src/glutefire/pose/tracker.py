"""Following the chosen subject through a clip: a video-mode model on a crop around them.

The crop keeps a person who is small in a wide frame large enough for the model (the model's
detector sees its input shrunk to 224 x 224 px) and, where it can, leaves bystanders out.

Two models share the work (measured in ``docs/benchmarks.md``):

- the *tracker* (video mode) follows one body: while it holds the subject, each frame costs one
  landmark-model run and no person detection;
- the *wider look* (image mode, everyone in the crop) runs only in a frame where the tracker's
  body is not the subject (lost, or taken over by a bystander). If it finds the subject there,
  the crop is re-aimed at the subject, away from the others, and the tracker starts afresh.

:class:`~glutefire.pose.subject.SubjectFollower` decides, in every frame, which body is the
subject; a bystander is never taken silently.
"""

from __future__ import annotations

import numpy as np

from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.pose.search import shifted
from glutefire.pose.subject import Candidate, SubjectFollower, as_candidate

#: Consecutive frames without the subject after which the crop grows by
#: :data:`GROW_FRACTION` each way (up to the whole frame). Design value (unverified).
GROW_AFTER_MISSES = 5
GROW_FRACTION = 0.25
#: Re-centre the crop when the body comes this close to its edge (fraction of the crop size).
EDGE_MARGIN_FRACTION = 0.05
#: Least side margin of the crop, as a fraction of the subject's height, when a bystander beside
#: the subject is left out of it. Design value (unverified).
MIN_SIDE_MARGIN = 0.15
#: Frames between two fresh starts of the tracker on an unchanged crop, while it keeps taking a
#: bystander the crop cannot leave out (each start costs about three frames' model time).
#: Design value (unverified).
RESTART_COOLDOWN_FRAMES = 15

Box = tuple[int, int, int, int]


class SubjectTracker:
    """Runs a video-mode ``backend`` on a crop around the subject; returns full-image poses.

    ``wider``: an image-mode backend that reports everyone in an image, used in the frames where
    the tracker's body is not the subject. ``others``: bystanders known when the subject was
    chosen, left out of the first crop where possible.
    """

    def __init__(
        self,
        backend: PoseBackend,
        follower: SubjectFollower,
        image_shape: tuple[int, ...],
        *,
        wider: PoseBackend | None = None,
        others: list[Candidate] | None = None,
    ) -> None:
        self._backend = backend
        self._wider = wider
        self._follower = follower
        self._shape = image_shape
        self._others = list(others or [])
        self._roi = roi_for(follower.subject.bbox_px, image_shape, others=self._others)
        self._misses = 0
        self._last_restart = -RESTART_COOLDOWN_FRAMES
        self.wider_looks = 0

    @property
    def roi_px(self) -> Box:
        """Current crop (x0, y0, x1, y1) in pixels."""
        return self._roi

    def estimate(
        self, image_bgr: np.ndarray, *, frame_index: int, timestamp_ms: int
    ) -> FramePose | None:
        """The subject's landmarks in full-image pixels, or None when not found in this frame."""
        poses = self._in_crop(self._backend, image_bgr, timestamp_ms)
        looked_wider = False
        if self._wider is not None and not self._follower.sees_subject(poses):
            looked_wider = True
            self.wider_looks += 1
            poses = self._in_crop(self._wider, image_bgr, timestamp_ms)
        pose = self._follower.follow(poses, frame_index)
        if pose is None:
            self._on_miss()
            return None
        self._misses = 0
        if looked_wider:
            self._reaim(pose, poses, frame_index)
        else:
            self._keep_inside(pose)
        return pose

    def _in_crop(
        self, backend: PoseBackend, image_bgr: np.ndarray, timestamp_ms: int
    ) -> list[FramePose]:
        x0, y0, x1, y1 = self._roi
        found = backend.estimate_all(image_bgr[y0:y1, x0:x1], timestamp_ms=timestamp_ms)
        return [shifted(p, x0, y0) for p in found]

    def _on_miss(self) -> None:
        self._misses += 1
        if self._misses % GROW_AFTER_MISSES == 0:
            self._move_to(grow(self._roi, GROW_FRACTION, self._shape))

    def _reaim(self, subject: FramePose, seen: list[FramePose], frame_index: int) -> None:
        """The wider look found the subject the tracker had not: aim a crop at the subject, away
        from the others, and start the tracker afresh on it (at most once per
        :data:`RESTART_COOLDOWN_FRAMES` when the crop stays the same)."""
        self._others = [as_candidate(p) for p in seen if p is not subject]
        roi = roi_for(subject.bbox_px(), self._shape, others=self._others)
        if roi != self._roi or frame_index - self._last_restart >= RESTART_COOLDOWN_FRAMES:
            self._roi = roi
            self._last_restart = frame_index
            self._backend.reset()

    def _keep_inside(self, pose: FramePose) -> None:
        """Re-centre the crop when the body nears an inner edge (rarely: a moved crop restarts
        the model's tracking)."""
        bx0, by0, bx1, by1 = pose.bbox_px()
        x0, y0, x1, y1 = self._roi
        mx, my = EDGE_MARGIN_FRACTION * (x1 - x0), EDGE_MARGIN_FRACTION * (y1 - y0)
        height, width = self._shape[:2]
        near_edge = (
            (bx0 - x0 < mx and x0 > 0)
            or (x1 - bx1 < mx and x1 < width)
            or (by0 - y0 < my and y0 > 0)
            or (y1 - by1 < my and y1 < height)
        )
        if near_edge:
            self._move_to(roi_for((bx0, by0, bx1, by1), self._shape, others=self._others))

    def _move_to(self, roi: Box) -> None:
        if roi != self._roi:
            self._roi = roi
            self._backend.reset()


def roi_for(
    bbox: tuple[float, float, float, float],
    shape: tuple[int, ...],
    *,
    others: list[Candidate] | None = None,
) -> Box:
    """A generous crop around a body: half its height of margin sideways, a quarter above and
    below, so a squatting or reaching person stays inside. A side margin stops at the nearest
    body in ``others`` beside the subject, but leaves at least :data:`MIN_SIDE_MARGIN` of the
    subject's height (a bystander closer than that stays in the crop)."""
    x0, y0, x1, y1 = bbox
    h = max(y1 - y0, 1.0)
    left, right = x0 - 0.5 * h, x1 + 0.5 * h
    for other in others or []:
        ox0, _, ox1, _ = other.bbox_px
        if other.center_x_px > x1:  # beside the subject, to the right
            right = min(right, max(x1 + MIN_SIDE_MARGIN * h, ox0))
        elif other.center_x_px < x0:
            left = max(left, min(x0 - MIN_SIDE_MARGIN * h, ox1))
    return _clip((left, y0 - 0.25 * h, right, y1 + 0.25 * h), shape)


def grow(box: Box, fraction: float, shape: tuple[int, ...]) -> Box:
    """``box`` grown by ``fraction`` of its size on each side, clipped to the image."""
    x0, y0, x1, y1 = box
    dx, dy = fraction * (x1 - x0), fraction * (y1 - y0)
    return _clip((x0 - dx, y0 - dy, x1 + dx, y1 + dy), shape)


def _clip(box: tuple[float, float, float, float], shape: tuple[int, ...]) -> Box:
    height, width = shape[:2]
    x0, y0, x1, y1 = box
    return (int(max(0, x0)), int(max(0, y0)), int(min(width, x1)), int(min(height, y1)))
