"""Per-frame measures for the exercise checks, robust to MediaPipe's left/right label swaps.

Lying, side-lying and quadruped poses are where BlazePose swaps the left and right labels from
one frame to the next and guesses the hidden far limbs. No measure here trusts a label:

- **midpoints** of a left/right pair (shoulders, hips) do not change when the labels swap;
- a **support limb** is chosen per frame by geometry (the knee or ankle lowest in the image,
  the one on the floor), never by its label;
- a **moving limb** is chosen per frame as the one that moved most (the larger angle of the two),
  so a swap only swaps which label holds it.

Image convention: x to the right, y down (pixels); "up" is towards the top of the image.
Angles in degrees. Every function takes a cleaned keypoint dataset and returns one value per
frame (NaN where the landmarks are not seen).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from glutefire.keypoints import point
from glutefire.kinematics.angles import interior_angle_deg

SIDES = ("left", "right")


def _nanmean(stack: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames stay NaN
        return np.nanmean(stack, axis=0)


def mid(ds: xr.Dataset, part: str) -> np.ndarray:
    """Midpoint of the left and right ``part`` (n_frames, 2); the seen one where the other is
    not seen. Unchanged when the labels swap."""
    return _nanmean(np.stack([point(ds, f"left_{part}"), point(ds, f"right_{part}")]))


#: Two sides whose deciding values differ by less than this share of the trunk length (or, for
#: angles, :data:`TIE_DEG`) are a tie: both are averaged, so the choice never depends on which
#: side carries which label. Design value.
TIE_TRUNK_FRACTION = 0.05
TIE_DEG = 2.0


def right_weight(
    left_key: np.ndarray, right_key: np.ndarray, tolerance: np.ndarray | float
) -> np.ndarray:
    """Per frame, how much of the right side to take: 1 where ``right_key`` exceeds
    ``left_key`` by more than ``tolerance``, 0 where it is below by more, 0.5 for a tie; the
    seen side where the other's key is NaN."""
    diff = right_key - left_key
    with np.errstate(invalid="ignore"):
        weight = np.where(diff > tolerance, 1.0, np.where(diff < -tolerance, 0.0, 0.5))
    weight = np.where(np.isnan(left_key), 1.0, weight)
    return np.where(np.isnan(right_key) & ~np.isnan(left_key), 0.0, weight)


def blend(ds: xr.Dataset, part: str, weight: np.ndarray) -> np.ndarray:
    """``(1 - weight) * left + weight * right`` of ``part`` (n_frames, 2), using the seen side
    alone where the other is NaN."""
    left, right = point(ds, f"left_{part}"), point(ds, f"right_{part}")
    w = weight[:, None]
    out = (1.0 - w) * left + w * right
    out = np.where(np.isnan(left) & (w > 0), right, out)
    return np.where(np.isnan(right) & (w < 1), left, out)


def _tie_px(ds: xr.Dataset) -> np.ndarray:
    return TIE_TRUNK_FRACTION * length_px(mid(ds, "shoulder"), mid(ds, "hip"))


def on_support_side(ds: xr.Dataset, part: str, *, by: str) -> np.ndarray:
    """Per frame, ``part`` of the side whose ``by`` landmark is lowest in the image (e.g. the
    knee of the leg whose ankle is on the floor); the two sides averaged when their ``by``
    landmarks are level (within :data:`TIE_TRUNK_FRACTION` of the trunk length). (n_frames, 2)."""
    weight = right_weight(
        point(ds, f"left_{by}")[:, 1], point(ds, f"right_{by}")[:, 1], _tie_px(ds)
    )
    return blend(ds, part, weight)


def lowest(ds: xr.Dataset, part: str) -> np.ndarray:
    """Per frame, the left or right ``part`` lowest in the image (largest y): the one on the
    floor (planted foot, support hand); both averaged when level. (n_frames, 2)."""
    return on_support_side(ds, part, by=part)


def line_deviation_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """How far ``b`` bends away from the straight line a-c, as 180 minus the angle a-b-c, in
    [-180, 180]: positive when ``b`` lies above the line in the image (towards the ceiling for
    a person lying or propped on the floor), negative below it, 0 on it. Does not depend on
    which way the person faces (the line is read left to right)."""
    bend = 180.0 - interior_angle_deg(a, b, c)
    flip = c[..., 0] < a[..., 0]
    start = np.where(flip[..., None], c, a)
    end = np.where(flip[..., None], a, c)
    u, v = end - start, b - start
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    return np.where(cross < 0, bend, -bend)  # y down: above the line has a negative cross


def incline_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Unsigned angle of the segment lower->upper from vertical, in [0, 180]: 0 upright, 90
    horizontal, 180 upside down."""
    d = upper - lower
    return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))


def horizontal_tilt_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle of the line a-b from horizontal, in [0, 90]."""
    d = b - a
    return np.degrees(np.arctan2(np.abs(d[..., 1]), np.abs(d[..., 0])))


def length_px(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance a-b per frame, pixels."""
    return np.hypot(*(a - b).T)


def larger_angle(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per frame the larger of two angles (the moving limb, whatever its label); the seen one
    where the other is NaN."""
    return np.fmax(left, right)


def hip_angle_deg(ds: xr.Dataset, side: str) -> np.ndarray:
    """Angle shoulder-hip-knee of one labelled side, [0, 180]; 180 = hip fully extended."""
    return interior_angle_deg(
        point(ds, f"{side}_shoulder"), point(ds, f"{side}_hip"), point(ds, f"{side}_knee")
    )


def knee_angle_deg(ds: xr.Dataset, side: str) -> np.ndarray:
    """Angle hip-knee-ankle of one labelled side, [0, 180]; 180 = knee straight."""
    return interior_angle_deg(
        point(ds, f"{side}_hip"), point(ds, f"{side}_knee"), point(ds, f"{side}_ankle")
    )


def width_across_body(ds: xr.Dataset, part: str) -> np.ndarray:
    """Distance between the left and right ``part`` measured across the body (perpendicular to
    the mid-hip -> mid-shoulder line), pixels: about 0 when the camera looks at the person's
    side, a joint width when it looks at the front or back, whatever the person's orientation
    in the image (standing, lying, side-lying)."""
    axis = mid(ds, "shoulder") - mid(ds, "hip")
    norm = np.hypot(axis[:, 0], axis[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = axis / norm[:, None]
    d = point(ds, f"left_{part}") - point(ds, f"right_{part}")
    return np.abs(d[:, 0] * unit[:, 1] - d[:, 1] * unit[:, 0])
