"""Following the chosen subject through a clip: a video-mode model on a crop around them.

The crop keeps a person who is small in a wide frame large enough for the model (the model's
detector sees its input shrunk to 224 x 224 px). Inside the crop the model may see several
people; :class:`~glutefire.pose.subject.SubjectFollower` decides which one is the subject.
"""

from __future__ import annotations

import numpy as np

from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.pose.search import shifted
from glutefire.pose.subject import SubjectFollower

#: Consecutive frames without the subject after which the crop grows by
#: :data:`GROW_FRACTION` each way (up to the whole frame). Design value (unverified).
GROW_AFTER_MISSES = 5
GROW_FRACTION = 0.25
#: Re-centre the crop when the body comes this close to its edge (fraction of the crop size).
EDGE_MARGIN_FRACTION = 0.05

Box = tuple[int, int, int, int]


class SubjectTracker:
    """Runs a video-mode ``backend`` on a crop around the subject; returns full-image poses."""

    def __init__(
        self, backend: PoseBackend, follower: SubjectFollower, image_shape: tuple[int, ...]
    ) -> None:
        self._backend = backend
        self._follower = follower
        self._shape = image_shape
        self._roi = roi_for(follower.subject.bbox_px, image_shape)
        self._misses = 0

    @property
    def roi_px(self) -> Box:
        """Current crop (x0, y0, x1, y1) in pixels."""
        return self._roi

    def estimate(
        self, image_bgr: np.ndarray, *, frame_index: int, timestamp_ms: int
    ) -> FramePose | None:
        """The subject's landmarks in full-image pixels, or None when not found in this frame."""
        x0, y0, x1, y1 = self._roi
        poses = [
            shifted(p, x0, y0)
            for p in self._backend.estimate_all(image_bgr[y0:y1, x0:x1], timestamp_ms=timestamp_ms)
        ]
        pose = self._follower.follow(poses, frame_index)
        if pose is None:
            self._on_miss()
        else:
            self._misses = 0
            self._keep_inside(pose)
        return pose

    def _on_miss(self) -> None:
        self._misses += 1
        if self._misses % GROW_AFTER_MISSES == 0:
            self._move_to(grow(self._roi, GROW_FRACTION, self._shape))

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
            self._move_to(roi_for((bx0, by0, bx1, by1), self._shape))

    def _move_to(self, roi: Box) -> None:
        if roi != self._roi:
            self._roi = roi
            self._backend.reset()


def roi_for(bbox: tuple[float, float, float, float], shape: tuple[int, ...]) -> Box:
    """A generous crop around a body: half its height of margin sideways, a quarter above and
    below, so a squatting or reaching person stays inside."""
    x0, y0, x1, y1 = bbox
    h = max(y1 - y0, 1.0)
    return _clip((x0 - 0.5 * h, y0 - 0.25 * h, x1 + 0.5 * h, y1 + 0.25 * h), shape)


def grow(box: Box, fraction: float, shape: tuple[int, ...]) -> Box:
    """``box`` grown by ``fraction`` of its size on each side, clipped to the image."""
    x0, y0, x1, y1 = box
    dx, dy = fraction * (x1 - x0), fraction * (y1 - y0)
    return _clip((x0 - dx, y0 - dy, x1 + dx, y1 + dy), shape)


def _clip(box: tuple[float, float, float, float], shape: tuple[int, ...]) -> Box:
    height, width = shape[:2]
    x0, y0, x1, y1 = box
    return (int(max(0, x0)), int(max(0, y0)), int(min(width, x1)), int(min(height, y1)))
