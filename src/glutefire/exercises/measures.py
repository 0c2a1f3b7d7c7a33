"""The named per-frame measures the exercise checks read (``data/exercise_checks.yaml`` names
them), as one tidy table: a row per frame, a column per measure, units in the names.

Every measure is side-agnostic (see :mod:`glutefire.exercises.signals`): midpoints, the limb on
the floor chosen by geometry, or the larger of the two sides' angles, so MediaPipe swapping the
left and right labels of a lying person does not change it, and a hidden far limb is not
needed. Sign conventions are in each function's docstring; "trunk length" is the mid-hip to
mid-shoulder distance in the same frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.exercises import signals as sig
from glutefire.keypoints import point
from glutefire.kinematics.angles import fppa_deg, interior_angle_deg, knee_to_ankle_separation_ratio

Measure = Callable[[xr.Dataset], np.ndarray]


def _trunk_px(ds: xr.Dataset) -> np.ndarray:
    return sig.length_px(sig.mid(ds, "shoulder"), sig.mid(ds, "hip"))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-6, num / den, np.nan)


def _in_image(ds: xr.Dataset, xy: np.ndarray) -> np.ndarray:
    width, height = ds.attrs["image_width_px"], ds.attrs["image_height_px"]
    with np.errstate(invalid="ignore"):
        return (xy[:, 0] >= 0) & (xy[:, 0] <= width) & (xy[:, 1] >= 0) & (xy[:, 1] <= height)


def far_end(ds: xr.Dataset) -> np.ndarray:
    """The far end of the body line: the mid-ankle where it lies inside the image, else the
    mid-knee (feet beyond the frame edge: MediaPipe extrapolates them)."""
    ankle, knee = sig.mid(ds, "ankle"), sig.mid(ds, "knee")
    return np.where(_in_image(ds, ankle)[:, None], ankle, knee)


def hip_line_dev_deg(ds: xr.Dataset) -> np.ndarray:
    """Bridge: how far the hip sits off the shoulder-knee line (knee of the leg on the floor),
    degrees; + above the line (hips pushed past straight: the extension taken at the low
    back), - below it (hips not fully up)."""
    knee = sig.on_support_side(ds, "knee", by="ankle")
    return sig.line_deviation_deg(sig.mid(ds, "shoulder"), sig.mid(ds, "hip"), knee)


def hip_extension_deg(ds: xr.Dataset) -> np.ndarray:
    """Bridge: the shoulder-hip-knee angle on the side of the hips, degrees; 180 = a straight
    line, below 180 hips low, above 180 hips pushed past the line (= 180 + hip_line_dev)."""
    return 180.0 + hip_line_dev_deg(ds)


def body_line_dev_deg(ds: xr.Dataset) -> np.ndarray:
    """Planks: how far the hip sits off the shoulder-ankle line (knee where the feet are out of
    the image), degrees; + above the line (piking), - below it (sagging, pelvis dropping)."""
    return sig.line_deviation_deg(sig.mid(ds, "shoulder"), sig.mid(ds, "hip"), far_end(ds))


def trunk_incline_deg(ds: xr.Dataset) -> np.ndarray:
    """Trunk (mid-hip -> mid-shoulder) from vertical, [0, 180]: 0 upright, 90 horizontal."""
    return sig.incline_deg(sig.mid(ds, "hip"), sig.mid(ds, "shoulder"))


def hip_height_trunk(ds: xr.Dataset) -> np.ndarray:
    """Height of the mid-hip above the lowest ankle, in trunk lengths: about 1.5 standing, below
    0.7 on the floor (lying, kneeling, propped)."""
    lift = sig.lowest(ds, "ankle")[:, 1] - sig.mid(ds, "hip")[:, 1]
    return _ratio(lift, _trunk_px(ds))


def hip_drop_rel(ds: xr.Dataset) -> np.ndarray:
    """Lunge: how far the hips have dropped, as a fraction of their highest height in the clip
    (95th percentile of :func:`hip_height_trunk`); 0 standing, about 0.5 at a deep lunge."""
    height = hip_height_trunk(ds)
    if not np.isfinite(height).any():
        return height
    return 1.0 - height / np.nanpercentile(height, 95)


def knee_flexion_max_deg(ds: xr.Dataset) -> np.ndarray:
    """The more bent knee's flexion, degrees: 0 straight, 90 a right angle (180 minus the
    hip-knee-ankle angle, the larger of the two legs)."""
    return 180.0 - np.fmin(sig.knee_angle_deg(ds, "left"), sig.knee_angle_deg(ds, "right"))


def support_knee_flexion_deg(ds: xr.Dataset) -> np.ndarray:
    """Bridge: flexion of the knee of the leg on the floor, degrees; about 90 with the shins
    vertical at the top, small when the feet are far from the hips."""
    hip = sig.on_support_side(ds, "hip", by="ankle")
    knee = sig.on_support_side(ds, "knee", by="ankle")
    ankle = sig.lowest(ds, "ankle")
    return 180.0 - interior_angle_deg(hip, knee, ankle)


def hip_flexion_deg(ds: xr.Dataset) -> np.ndarray:
    """Hip flexion, degrees: 0 with the trunk in line with the thighs, 90 trunk at right angles
    (180 minus the mid-shoulder, mid-hip, mid-knee angle)."""
    return 180.0 - interior_angle_deg(
        sig.mid(ds, "shoulder"), sig.mid(ds, "hip"), sig.mid(ds, "knee")
    )


def wrist_height_trunk(ds: xr.Dataset) -> np.ndarray:
    """Height of the lower wrist above the lowest ankle, in trunk lengths (about 0.3 when the
    hands, or the weights in them, reach the floor)."""
    lift = sig.lowest(ds, "ankle")[:, 1] - sig.lowest(ds, "wrist")[:, 1]
    return _ratio(lift, _trunk_px(ds))


def arm_reach_deg(ds: xr.Dataset) -> np.ndarray:
    """The raised arm's hip-shoulder-wrist angle, degrees (the larger of the two arms): about 90
    with the arm under the shoulder, 150-180 reaching forward in line with the trunk."""
    return sig.larger_angle(
        *(
            interior_angle_deg(
                point(ds, f"{s}_hip"), point(ds, f"{s}_shoulder"), point(ds, f"{s}_wrist")
            )
            for s in sig.SIDES
        )
    )


def leg_reach_deg(ds: xr.Dataset) -> np.ndarray:
    """The extended leg's shoulder-hip-knee angle, degrees (the larger of the two legs): about
    90 on all fours, 150-180 with the thigh reaching back in line with the trunk."""
    return sig.larger_angle(sig.hip_angle_deg(ds, "left"), sig.hip_angle_deg(ds, "right"))


def reach_deg(ds: xr.Dataset) -> np.ndarray:
    """Bird dog driver: the mean of :func:`arm_reach_deg` and :func:`leg_reach_deg` (the one
    seen where the other is not), degrees."""
    return sig._nanmean(np.stack([arm_reach_deg(ds), leg_reach_deg(ds)]))


def thigh_elevation_deg(ds: xr.Dataset) -> np.ndarray:
    """Bird dog: the extended leg's thigh (hip -> knee) above horizontal, degrees; + knee above
    hip height, - below. The extended leg is the one with the larger shoulder-hip-knee angle."""
    weight = sig.right_weight(
        sig.hip_angle_deg(ds, "left"), sig.hip_angle_deg(ds, "right"), sig.TIE_DEG
    )
    d = sig.blend(ds, "knee", weight) - sig.blend(ds, "hip", weight)
    return np.degrees(np.arctan2(-d[:, 1], np.abs(d[:, 0])))


def hip_line_tilt_deg(ds: xr.Dataset) -> np.ndarray:
    """The left-right hip line from horizontal, degrees [0, 90] (unchanged by label swaps);
    seen from behind or in front, a change during a rep is the pelvis rotating or dropping."""
    return sig.horizontal_tilt_deg(point(ds, "left_hip"), point(ds, "right_hip"))


def _thigh_px(ds: xr.Dataset) -> float:
    lengths = np.concatenate(
        [sig.length_px(point(ds, f"{s}_hip"), point(ds, f"{s}_knee")) for s in sig.SIDES]
    )
    return float(np.nanpercentile(lengths, 95)) if np.isfinite(lengths).any() else float("nan")


def knee_separation_thigh(ds: xr.Dataset) -> np.ndarray:
    """Clamshell: distance between the knees in thigh lengths (0 knees together)."""
    gap = sig.length_px(point(ds, "left_knee"), point(ds, "right_knee"))
    return gap / _thigh_px(ds)


def ankle_separation_thigh(ds: xr.Dataset) -> np.ndarray:
    """Clamshell: distance between the ankles in thigh lengths (0 feet together)."""
    gap = sig.length_px(point(ds, "left_ankle"), point(ds, "right_ankle"))
    return gap / _thigh_px(ds)


def hip_width_trunk(ds: xr.Dataset) -> np.ndarray:
    """Clamshell: the hips' separation across the body in trunk lengths; seen from the front of
    a side-lying person it shrinks when the pelvis rolls back."""
    return _ratio(sig.width_across_body(ds, "hip"), _trunk_px(ds))


def kasr(ds: xr.Dataset) -> np.ndarray:
    """Knee-to-ankle separation ratio (front view): 1 knees as wide as ankles, below 1 knees
    inside the ankles (evidence.md §2.2)."""
    return knee_to_ankle_separation_ratio(
        point(ds, "left_knee"),
        point(ds, "right_knee"),
        point(ds, "left_ankle"),
        point(ds, "right_ankle"),
    )


def front_knee_fppa_deg(ds: xr.Dataset) -> np.ndarray:
    """Lunge (front view): frontal plane projection angle of the front leg's knee, degrees;
    + valgus (knee inside the hip-ankle line). The front leg is the one whose ankle is lowest in
    the image (nearest the camera)."""
    midline = sig.mid(ds, "hip")
    hip = sig.on_support_side(ds, "hip", by="ankle")
    knee = sig.on_support_side(ds, "knee", by="ankle")
    return fppa_deg(hip, knee, sig.lowest(ds, "ankle"), midline)


#: Every measure a check may name, by column name.
MEASURES: dict[str, Measure] = {
    f.__name__: f
    for f in (
        hip_line_dev_deg,
        hip_extension_deg,
        body_line_dev_deg,
        trunk_incline_deg,
        hip_height_trunk,
        hip_drop_rel,
        knee_flexion_max_deg,
        support_knee_flexion_deg,
        hip_flexion_deg,
        wrist_height_trunk,
        arm_reach_deg,
        leg_reach_deg,
        reach_deg,
        thigh_elevation_deg,
        hip_line_tilt_deg,
        knee_separation_thigh,
        ankle_separation_thigh,
        hip_width_trunk,
        kasr,
        front_knee_fppa_deg,
    )
}


def compute_measures(ds: xr.Dataset, names: list[str] | None = None) -> pd.DataFrame:
    """The measures ``names`` (default: all) per frame, indexed by time in seconds."""
    wanted = names or list(MEASURES)
    unknown = sorted(set(wanted) - set(MEASURES))
    if unknown:
        raise KeyError(f"expected measures from {sorted(MEASURES)}, but got {unknown}")
    table = pd.DataFrame(
        {name: MEASURES[name](ds) for name in wanted},
        index=pd.Index(ds.coords["time"].values, name="time_s"),
    )
    return table
