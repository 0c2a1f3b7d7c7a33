"""Per-frame squat kinematics as a tidy table (one row per frame, one column per metric).

Conventions (all angles in degrees):

- ``trunk_lean_deg``: trunk (mid-hip -> mid-shoulder) from vertical; 0 upright, + forward.
- ``thigh_{side}_deg``: thigh from vertical; 0 standing, 90 thigh horizontal, + knee ahead.
- ``shank_{side}_deg`` (tibia angle): shank from vertical; 0 vertical, + knee ahead of ankle.
- ``knee_flexion_{side}_deg`` = thigh + shank; ``hip_flexion_{side}_deg`` = thigh + trunk.
- ``thigh_above_horizontal_deg``: 90 - thigh; 0 thigh parallel to the floor, + hip above knee.
- ``knee_fppa_{side}_deg``: frontal plane projection angle; + valgus (knee towards the midline).
- ``kasr``: knee-to-ankle separation ratio (dimensionless).
- ``heel_rise_{side}_pct``: heel height above its standing level relative to the toes, % of
  foot length; + heel lifted.
- ``foot_turnout_{side}_deg``: toes rotated away from the midline (front view estimate).
- ``pelvis_shift_pct``: mid-hip lateral offset from mid-ankle, % of ankle separation; + towards
  the person's left.
- ``arm_trunk_deg``: arm (shoulder->wrist) relative to the trunk; 0 overhead in line.
- ``hip_height_rel``: the rep driver: (ankle - hip height) / standing leg length; 1 standing.

In a side view sagittal angles come from the in-image segment directions; in other views from
foreshortening (see :func:`glutefire.kinematics.angles.foreshortened_inclination_deg`), which
is unsigned. Frontal metrics (FPPA, KASR, pelvis shift, foot turn-out) are computed only in
front and back views; heel rise and arm angle only in side and oblique views.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.keypoints import point
from glutefire.kinematics import angles
from glutefire.kinematics.view import View, ViewEstimate
from glutefire.policy import screening_policy

SIDES = ("left", "right")
#: Foot length as a fraction of shank length (Drillis & Contini segment proportions: foot
#: 0.152 H, shank 0.246 H), used to scale foot rotation in the front view (unverified design).
FOOT_TO_SHANK = 0.62
#: Percentile of a segment's 2D length taken as its true length (the segment is seen at full
#: length when it is perpendicular to the camera axis).
REFERENCE_PERCENTILE = 95

HIP_HEIGHT = "hip_height_rel"
TRUNK_LEAN = "trunk_lean_deg"
THIGH_ABOVE_HORIZONTAL = "thigh_above_horizontal_deg"
KASR = "kasr"
PELVIS_SHIFT = "pelvis_shift_pct"
ARM_TRUNK = "arm_trunk_deg"


def col(metric: str, side: str) -> str:
    """Column name of a per-side metric, e.g. ``col("knee_fppa", "left")``."""
    unit = "pct" if metric == "heel_rise" else "deg"
    return f"{metric}_{side}_{unit}"


def _ref_length(a: np.ndarray, b: np.ndarray) -> float:
    length = np.hypot(*(a - b).T)
    if not np.isfinite(length).any():
        return float("nan")
    return float(np.nanpercentile(length, REFERENCE_PERCENTILE))


def _sagittal(ds: xr.Dataset, est: ViewEstimate, lower: str, upper: str) -> np.ndarray:
    lo, up = point(ds, lower), point(ds, upper)
    if est.view is View.SIDE:
        return angles.inclination_deg(lo, up, forward_sign=est.facing_sign)
    return angles.foreshortened_inclination_deg(lo, up, _ref_length(lo, up),
                                                out_of_plane_only=est.view.frontal)


def _mid(ds: xr.Dataset, part: str) -> np.ndarray:
    return 0.5 * (point(ds, f"left_{part}") + point(ds, f"right_{part}"))


def _trunk_lean(ds: xr.Dataset, est: ViewEstimate) -> np.ndarray:
    hip, shoulder = _mid(ds, "hip"), _mid(ds, "shoulder")
    if est.view is View.SIDE:
        return angles.inclination_deg(hip, shoulder, forward_sign=est.facing_sign)
    return angles.foreshortened_inclination_deg(hip, shoulder, _ref_length(hip, shoulder),
                                                out_of_plane_only=est.view.frontal)


def _leg_columns(ds: xr.Dataset, est: ViewEstimate, trunk: np.ndarray) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for s in SIDES:
        if est.view is View.SIDE:  # thigh: knee ahead of the hip is positive
            thigh = -angles.inclination_deg(point(ds, f"{s}_knee"), point(ds, f"{s}_hip"),
                                            forward_sign=est.facing_sign)
        else:
            thigh = _sagittal(ds, est, f"{s}_knee", f"{s}_hip")
        shank = _sagittal(ds, est, f"{s}_ankle", f"{s}_knee")
        out[col("thigh", s)] = thigh
        out[col("shank", s)] = shank
        out[col("knee_flexion", s)] = thigh + shank
        out[col("hip_flexion", s)] = thigh + trunk
    return out


def _frontal_columns(ds: xr.Dataset) -> dict[str, np.ndarray]:
    midline = _mid(ds, "hip")
    out = {col("knee_fppa", s): angles.fppa_deg(point(ds, f"{s}_hip"), point(ds, f"{s}_knee"),
                                                point(ds, f"{s}_ankle"), midline) for s in SIDES}
    out[KASR] = angles.knee_to_ankle_separation_ratio(
        point(ds, "left_knee"), point(ds, "right_knee"),
        point(ds, "left_ankle"), point(ds, "right_ankle"))
    la, ra = point(ds, "left_ankle"), point(ds, "right_ankle")
    gap = la[:, 0] - ra[:, 0]  # + when the person's left is on image right
    left_dir = np.sign(np.nanmedian(gap)) if np.isfinite(gap).any() else 1.0
    shift = (midline[:, 0] - 0.5 * (la[:, 0] + ra[:, 0])) * left_dir
    with np.errstate(divide="ignore", invalid="ignore"):
        out[PELVIS_SHIFT] = np.where(np.abs(gap) > 1e-6, 100.0 * shift / np.abs(gap), np.nan)
    for s in SIDES:
        out[col("foot_turnout", s)] = _foot_turnout(ds, s, midline)
    return out


def _foot_turnout(ds: xr.Dataset, side: str, midline: np.ndarray) -> np.ndarray:
    heel, toe = point(ds, f"{side}_heel"), point(ds, f"{side}_foot_index")
    outward = np.sign(heel[:, 0] - midline[:, 0])
    lateral = (toe[:, 0] - heel[:, 0]) * outward
    foot_len = FOOT_TO_SHANK * _ref_length(point(ds, f"{side}_knee"), point(ds, f"{side}_ankle"))
    return np.degrees(np.arcsin(np.clip(lateral / foot_len, -1.0, 1.0)))


def _heel_rise(ds: xr.Dataset, side: str, standing: np.ndarray) -> np.ndarray:
    heel, toe = point(ds, f"{side}_heel"), point(ds, f"{side}_foot_index")
    lift = toe[:, 1] - heel[:, 1]  # image y grows downward: + when the heel is above the toes
    if not standing.any() or not np.isfinite(lift[standing]).any():
        return np.full(len(lift), np.nan)
    foot_len = np.nanmedian(np.hypot(*(toe - heel)[standing].T))  # flat foot while standing
    baseline = np.nanmedian(lift[standing])
    return 100.0 * (lift - baseline) / foot_len


def hip_height(ds: xr.Dataset) -> np.ndarray:
    """The rep driver: (mid-ankle minus mid-hip height) over standing leg length; 1 = standing."""
    drop = _mid(ds, "ankle")[:, 1] - _mid(ds, "hip")[:, 1]
    if not np.isfinite(drop).any():
        return drop
    return drop / np.nanpercentile(drop, REFERENCE_PERCENTILE)


def compute_frame_metrics(ds: xr.Dataset, est: ViewEstimate) -> pd.DataFrame:
    """All per-frame metrics for cleaned keypoints ``ds`` seen from ``est.view``."""
    driver = hip_height(ds)
    standing = np.nan_to_num(driver, nan=0.0) >= screening_policy().standing_level.value
    trunk = _trunk_lean(ds, est)
    columns: dict[str, np.ndarray] = {HIP_HEIGHT: driver, TRUNK_LEAN: trunk}
    columns.update(_leg_columns(ds, est, trunk))
    thighs = np.vstack([columns[col("thigh", s)] for s in SIDES])
    columns[THIGH_ABOVE_HORIZONTAL] = 90.0 - _nanmean_rows(thighs)
    if est.view.frontal:
        columns.update(_frontal_columns(ds))
    else:
        columns.update(_sagittal_only_columns(ds, standing))
    table = pd.DataFrame(columns, index=pd.Index(ds.coords["time"].values, name="time_s"))
    table.insert(0, "frame", np.arange(len(table)))
    return table


def _sagittal_only_columns(ds: xr.Dataset, standing: np.ndarray) -> dict[str, np.ndarray]:
    """Heel rise and arm angle: seen in side and oblique views (the heel hides behind the foot
    and the arm moves out of the image plane in a front view)."""
    out = {col("heel_rise", s): _heel_rise(ds, s, standing) for s in SIDES}
    arms = np.vstack([angles.arm_trunk_angle_deg(point(ds, f"{s}_hip"), point(ds, f"{s}_shoulder"),
                                                 point(ds, f"{s}_wrist")) for s in SIDES])
    out[ARM_TRUNK] = _nanmean_rows(arms)
    return out


def _nanmean_rows(stack: np.ndarray) -> np.ndarray:
    """Column-wise mean over the rows that are finite; NaN where none is."""
    finite = np.isfinite(stack)
    total = np.where(finite, stack, 0.0).sum(axis=0)
    count = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
