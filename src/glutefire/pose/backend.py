"""The pose-backend interface: one frame in, 2D landmarks out. Backends are swappable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: Landmarks below this visibility are left out of a person's bounding box (it frames the
#: person for subject choice and the tracking crop; it decides no finding). Lower than the
#: screening's own cut-off (``screening_policy.yaml``) so a partly hidden limb still widens the
#: crop; a design value.
BBOX_MIN_VISIBILITY = 0.3


@dataclass(frozen=True)
class FramePose:
    """Landmarks of one person in one image.

    ``position_px``: (n_keypoints, 2) pixel coordinates (x right, y down) in the image passed in.
    ``visibility``: (n_keypoints,) model scores in [0, 1].
    """

    position_px: np.ndarray
    visibility: np.ndarray

    def bbox_px(
        self, *, min_visibility: float = BBOX_MIN_VISIBILITY
    ) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of the landmarks seen with at least ``min_visibility``."""
        seen = self.visibility >= min_visibility
        pts = self.position_px[seen] if seen.sum() >= 4 else self.position_px
        return (
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )


class PoseBackend(Protocol):
    """A multi-person 2D pose estimator, used either on single images (detection) or as a video
    stream (tracking between frames, timestamps strictly increasing until :meth:`reset`)."""

    name: str
    version: str
    keypoint_names: tuple[str, ...]

    def estimate_all(
        self, image_bgr: np.ndarray, *, timestamp_ms: int | None = None
    ) -> list[FramePose]:
        """Landmarks of everyone found in ``image_bgr`` (possibly nobody).

        ``timestamp_ms``: the frame's time in a video stream; None for the previous frame's time
        plus one nominal frame (ignored on single images).
        """
        ...

    def estimate(self, image_bgr: np.ndarray) -> FramePose | None:
        """Landmarks of the tallest person in ``image_bgr``, or None if nobody is found."""
        ...

    def reset(self) -> None:
        """Forget tracking state (the next frame is treated as a new scene, timestamps restart)."""
        ...

    def close(self) -> None:
        """Release model resources."""
        ...


def tallest(poses: list[FramePose]) -> FramePose | None:
    """The pose with the tallest bounding box, or None for an empty list."""
    if not poses:
        return None
    return max(poses, key=lambda p: p.bbox_px()[3] - p.bbox_px()[1])
