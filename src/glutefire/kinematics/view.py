"""Camera view recognition from the landmarks: front, back, side or oblique (about 3/4).

The cue is how wide the shoulders and hips look relative to trunk length: wide from the front
or back, nearly zero from the side. Front and back are told apart by which side of the image
the person's left shoulder is on (seen from the front, the person's left is on image right).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import xarray as xr

from glutefire.errors import ViewError
from glutefire.keypoints import point

#: Width-to-trunk ratio at or above which the view is frontal (front or back).
FRONTAL_MIN_RATIO = 0.5
#: Width-to-trunk ratio at or below which the view is a side view.
SIDE_MAX_RATIO = 0.2
#: The trunk must be within this many degrees of vertical (median) for a standing test.
UPRIGHT_MAX_TILT_DEG = 50.0


class View(str, Enum):
    """Camera view relative to the person."""

    FRONT = "front"
    BACK = "back"
    SIDE = "side"
    OBLIQUE = "oblique"

    @property
    def frontal(self) -> bool:
        """True for views that show the frontal plane (front or back)."""
        return self in (View.FRONT, View.BACK)


@dataclass(frozen=True)
class ViewEstimate:
    """The recognised view and the evidence for it."""

    view: View
    width_ratio: float
    trunk_tilt_deg: float
    facing_sign: float  # side view: +1 facing image-right, -1 facing image-left


def _mid(ds: xr.Dataset, part: str) -> np.ndarray:
    return 0.5 * (point(ds, f"left_{part}") + point(ds, f"right_{part}"))


def detect_view(ds: xr.Dataset) -> ViewEstimate:
    """Recognise the camera view from cleaned keypoints; raise :class:`ViewError` when the person
    is not upright (not a standing test) or the landmarks are too sparse."""
    shoulders, hips = _mid(ds, "shoulder"), _mid(ds, "hip")
    trunk = shoulders - hips
    trunk_len = np.hypot(trunk[:, 0], trunk[:, 1])
    tilt = np.degrees(np.arctan2(np.abs(trunk[:, 0]), -trunk[:, 1]))
    if np.isfinite(tilt).sum() < 5:
        raise ViewError("too few frames show the shoulders and hips to recognise the camera view")
    median_tilt = float(np.nanmedian(tilt))
    if median_tilt > UPRIGHT_MAX_TILT_DEG:
        raise ViewError(
            f"the person is not upright (trunk {median_tilt:.0f} deg from vertical); expected a "
            "standing squat filmed from the front, side or 3/4 view"
        )
    width = 0.5 * (np.abs(point(ds, "left_shoulder")[:, 0] - point(ds, "right_shoulder")[:, 0])
                   + np.abs(point(ds, "left_hip")[:, 0] - point(ds, "right_hip")[:, 0]))
    ratio = float(np.nanmedian(width / trunk_len))
    return ViewEstimate(view=_classify(ds, ratio), width_ratio=ratio, trunk_tilt_deg=median_tilt,
                        facing_sign=facing_sign(ds))


def _classify(ds: xr.Dataset, ratio: float) -> View:
    if ratio <= SIDE_MAX_RATIO:
        return View.SIDE
    if ratio < FRONTAL_MIN_RATIO:
        return View.OBLIQUE
    left_on_image_right = np.nanmedian(point(ds, "left_shoulder")[:, 0]
                                       - point(ds, "right_shoulder")[:, 0]) > 0
    return View.FRONT if left_on_image_right else View.BACK


def facing_sign(ds: xr.Dataset) -> float:
    """+1 when the toes point to image-right, -1 to image-left (median over frames and feet)."""
    dx = np.concatenate([
        point(ds, f"{s}_foot_index")[:, 0] - point(ds, f"{s}_heel")[:, 0]
        for s in ("left", "right")
    ])
    med = np.nanmedian(dx) if np.isfinite(dx).any() else 0.0
    if med == 0.0 or not np.isfinite(med):
        nose_dx = point(ds, "nose")[:, 0] - _mid(ds, "shoulder")[:, 0]
        med = np.nanmedian(nose_dx) if np.isfinite(nose_dx).any() else 1.0
    return 1.0 if med >= 0 else -1.0
