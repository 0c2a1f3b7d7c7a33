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


def lowest(ds: xr.Dataset, part: str) -> np.ndarray:
    """Per frame, the left or right ``part`` lowest in the image (largest y): the one on the
    floor (support knee, support elbow, planted foot). (n_frames, 2)."""
    left, right = point(ds, f"left_{part}"), point(ds, f"right_{part}")
    use_right = np.isnan(left[:, 1]) | (right[:, 1] > left[:, 1])
    return np.where(use_right[:, None] & ~np.isnan(right[:, :1]), right, left)


def highest(ds: xr.Dataset, part: str) -> np.ndarray:
    """Per frame, the left or right ``part`` highest in the image (smallest y). (n_frames, 2)."""
    left, right = point(ds, f"left_{part}"), point(ds, f"right_{part}")
    use_right = np.isnan(left[:, 1]) | (right[:, 1] < left[:, 1])
    return np.where(use_right[:, None] & ~np.isnan(right[:, :1]), right, left)


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


def on_support_side(ds: xr.Dataset, part: str, *, by: str) -> np.ndarray:
    """Per frame, ``part`` of the side whose ``by`` landmark is lowest in the image (e.g. the
    knee of the leg whose ankle is on the floor). (n_frames, 2)."""
    lo_left = point(ds, f"left_{by}")[:, 1]
    lo_right = point(ds, f"right_{by}")[:, 1]
    use_right = np.isnan(lo_left) | (lo_right > lo_left)
    left, right = point(ds, f"left_{part}"), point(ds, f"right_{part}")
    chosen = np.where(use_right[:, None], right, left)
    return np.where(np.isnan(chosen), np.where(use_right[:, None], left, right), chosen)


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
