"""Planar geometry on landmark trajectories. Pure functions of (n_frames, 2) pixel arrays.

Image convention: x to the right, y *down*. Every function converts to an "up" frame first,
so "vertical" means the direction opposite to image y. Angles are in degrees.
"""

from __future__ import annotations

import numpy as np


def _up(vec: np.ndarray) -> np.ndarray:
    """Image-space vectors (x right, y down) -> (x right, y up)."""
    return vec * np.array([1.0, -1.0])


def interior_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a-b-c at vertex b, in [0, 180]; 180 means the three points are collinear."""
    u, v = a - b, c - b
    dot = np.sum(u * v, axis=-1)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    return np.degrees(np.abs(np.arctan2(cross, dot)))


def inclination_deg(lower: np.ndarray, upper: np.ndarray, *, forward_sign: float) -> np.ndarray:
    """Signed angle of the segment lower->upper from vertical, in (-180, 180].

    0 = upper point straight above the lower one; positive = upper point displaced in the
    direction the person faces (``forward_sign`` +1 when facing image-right, -1 when facing
    image-left). Only meaningful in a side view.
    """
    seg = _up(upper - lower)
    return np.degrees(np.arctan2(forward_sign * seg[..., 0], seg[..., 1]))


def foreshortened_inclination_deg(
    lower: np.ndarray,
    upper: np.ndarray,
    reference_length_px: float,
    *,
    out_of_plane_only: bool = False,
) -> np.ndarray:
    """Unsigned tilt from vertical, in [0, 90], recovered from foreshortening.

    A segment of true length L (``reference_length_px``, its image length when it is
    perpendicular to the camera axis) tilted by theta from vertical shows a vertical extent of
    L*cos(theta) in a level camera's image, whatever the camera's yaw: the default returns
    that total tilt. With ``out_of_plane_only`` (front or back view) the sideways, in-image part
    is excluded: the tilt towards or away from the camera is atan(sqrt(L^2 - l^2) / dy), with l
    the segment's image length. Imprecise near 0 deg; assumes no backward lean.
    """
    dx = upper[..., 0] - lower[..., 0]
    dy = lower[..., 1] - upper[..., 1]
    if not out_of_plane_only:
        return np.degrees(np.arccos(np.clip(dy / reference_length_px, -1.0, 1.0)))
    depth = np.sqrt(np.clip(reference_length_px**2 - dx**2 - dy**2, 0.0, None))
    return np.degrees(np.arctan2(depth, dy))


def fppa_deg(
    hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, midline: np.ndarray
) -> np.ndarray:
    """Knee frontal plane projection angle (front or back view), in [-180, 180].

    180 minus the hip-knee-ankle angle; positive (valgus) when the knee lies on the same side of
    the hip-ankle line as ``midline`` (a point on the body midline, e.g. mid-hip), negative
    (varus) otherwise. Willson 2006 / Munro 2012 definition (evidence.md §2.1).
    """
    deviation = 180.0 - interior_angle_deg(hip, knee, ankle)
    axis = ankle - hip
    knee_side = np.sign(_cross(axis, knee - hip))
    mid_side = np.sign(_cross(axis, midline - hip))
    return np.where(knee_side == mid_side, deviation, -deviation)


def medial_offset_px(
    hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, midline: np.ndarray
) -> np.ndarray:
    """Distance of the knee from the hip-ankle line (front or back view), in pixels; positive
    when the knee lies on the midline side of the line (valgus), negative outside it."""
    axis = ankle - hip
    length = np.hypot(axis[..., 0], axis[..., 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.abs(_cross(axis, knee - hip)) / length
    knee_side = np.sign(_cross(axis, knee - hip))
    mid_side = np.sign(_cross(axis, midline - hip))
    return np.where(knee_side == mid_side, dist, -dist)


def knee_to_ankle_separation_ratio(
    left_knee: np.ndarray, right_knee: np.ndarray, left_ankle: np.ndarray, right_ankle: np.ndarray
) -> np.ndarray:
    """KASR: horizontal knee separation / horizontal ankle separation (front view). 1 = knees
    as wide as ankles; below 1 = knees inside the ankles (evidence.md §2.2)."""
    ankle_gap = np.abs(left_ankle[..., 0] - right_ankle[..., 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(left_knee[..., 0] - right_knee[..., 0]) / ankle_gap
    return np.where(ankle_gap > 1e-6, ratio, np.nan)


def arm_trunk_angle_deg(hip: np.ndarray, shoulder: np.ndarray, wrist: np.ndarray) -> np.ndarray:
    """Angle between the trunk (hip->shoulder) and the arm (shoulder->wrist), in [0, 180].

    0 = arm overhead in line with the trunk; 90 = arm perpendicular to the trunk; 180 = arm
    hanging along the trunk.
    """
    return 180.0 - interior_angle_deg(hip, shoulder, wrist)


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
