"""Per-frame squat kinematics as a tidy table (one row per frame, one column per metric).

Conventions (all angles in degrees):

- ``trunk_lean_deg``: trunk (mid-hip -> mid-shoulder) from vertical; 0 upright, + forward.
- ``thigh_{side}_deg``: thigh from vertical; 0 standing, 90 thigh horizontal, + knee ahead.
- ``shank_{side}_deg`` (tibia angle): shank from vertical; 0 vertical, + knee ahead of ankle.
- ``knee_flexion_{side}_deg`` = thigh + shank; ``hip_flexion_{side}_deg`` = thigh + trunk.
- ``thigh_above_horizontal_deg``: 90 - thigh; 0 thigh parallel to the floor, + hip above knee.
- ``knee_fppa_{side}_deg``: frontal plane projection angle; + valgus (knee towards the midline).
- ``kasr``: knee-to-ankle separation ratio (dimensionless).
- ``knee_medial_offset_{side}_pct``: the knee's distance from the hip-ankle line, % of leg
  length (hip to ankle, standing); + towards the midline (valgus), - outwards.
- ``foot_turnout_change_{side}_deg``: foot turn-out minus its standing value; + turning out
  during the squat. NaN where the foot is too foreshortened to judge
  (:data:`MIN_FOOT_VIEW_TO_SHANK`).
- ``heel_rise_{side}_pct``: heel height above its standing level relative to the toes, % of
  foot length; + heel lifted.
- ``knee_past_toe_{side}_pct`` (side view): horizontal distance of the knee ahead of the toe
  tip (foot index) in the direction the person faces, % of foot length (heel to toe, measured
  while standing); + knee beyond the toes, - behind them.
- ``foot_turnout_{side}_deg``: toes rotated away from the midline (front view estimate).
- ``pelvis_shift_pct``: mid-hip lateral offset from mid-ankle, % of ankle separation; + towards
  the person's left.
- ``arm_trunk_deg``: arm (shoulder->wrist) relative to the trunk; 0 overhead in line.
- ``hip_height_rel``: the rep driver: (ankle - hip height) / standing leg length; 1 standing.
  Computed per leg and averaged over the legs used (:func:`choose_sides`): in a side view only
  the near leg, since MediaPipe's far-leg landmarks are hidden or guessed; never both ankles
  required.

In a side view sagittal angles come from the in-image segment directions; in other views from
foreshortening (see :func:`glutefire.kinematics.angles.foreshortened_inclination_deg`), which
is unsigned. Frontal metrics (FPPA, KASR, pelvis shift, foot turn-out) are computed only in
front and back views; heel rise and arm angle only in side and oblique views.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.keypoints import point, visibility_of
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

#: A leg whose mean landmark visibility (hip, knee, ankle) is below this is not used.
MIN_LEG_VISIBILITY = screening_policy().min_leg_visibility.value  # data/screening_policy.yaml
LEG_LANDMARKS = ("hip", "knee", "ankle")

#: Per-side metrics measured in % (of foot length, leg length); the others are in degrees.
PERCENT_METRICS = ("heel_rise", "knee_past_toe", "knee_medial_offset")
#: Front view: a foot whose image length (heel to toe) is below this fraction of the shank's
#: points almost straight at the camera; its rotation cannot be judged (design value,
#: unverified: the feet of the front clips of docs/validation.md measure 0.26-0.31).
MIN_FOOT_VIEW_TO_SHANK = 0.15

HIP_HEIGHT = "hip_height_rel"
#: The rep driver, 0 standing and + deeper: in a side view the near knee's flexion over 90 deg
#: (angles are immune to the scale errors MediaPipe makes when a barbell hides the trunk, and
#: a bend to pick something up flexes the knee far less than a squat); in other views
#: 1 - hip_height_rel (the thigh is foreshortened there, so the 2D knee angle is not valid).
SQUAT_DEPTH = "squat_depth_rel"
#: Side view: knee flexion (deg) that counts as 1.0 of SQUAT_DEPTH.
DEPTH_KNEE_FLEXION_DEG = 90.0
#: Side view: a rep ends only when the knee is back within this flexion (deg), i.e. the person
#: stood up (``data/screening_policy.yaml``).
STANDING_MAX_KNEE_FLEXION_DEG = screening_policy().standing_max_knee_flexion.value
STANDING_MIN_THIGH_TO_SHANK = screening_policy().standing_min_thigh_to_shank.value
TRUNK_LEAN = "trunk_lean_deg"
THIGH_ABOVE_HORIZONTAL = "thigh_above_horizontal_deg"
KASR = "kasr"
PELVIS_SHIFT = "pelvis_shift_pct"
ARM_TRUNK = "arm_trunk_deg"


def col(metric: str, side: str) -> str:
    """Column name of a per-side metric, e.g. ``col("knee_fppa", "left")``."""
    unit = "pct" if metric.startswith(PERCENT_METRICS) else "deg"
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
    return angles.foreshortened_inclination_deg(
        lo, up, _ref_length(lo, up), out_of_plane_only=est.view.frontal
    )


def _mid(ds: xr.Dataset, part: str) -> np.ndarray:
    """Midpoint of the left and right ``part``; where one side is unseen, the other side."""
    both = np.stack([point(ds, f"left_{part}"), point(ds, f"right_{part}")])
    return _nanmean_rows(both)


@dataclass(frozen=True)
class SideChoice:
    """Which legs the per-frame metrics and the rep driver use, and why."""

    sides: tuple[str, ...]
    leg_visibility: dict[str, float]  # mean visibility of hip, knee, ankle per side, [0, 1]
    reason: str


def leg_visibility(ds: xr.Dataset) -> dict[str, float]:
    """Mean model visibility of each leg's hip, knee and ankle over the clip, in [0, 1]."""
    return {
        s: float(np.mean([np.nanmean(visibility_of(ds, f"{s}_{part}")) for part in LEG_LANDMARKS]))
        for s in SIDES
    }


def choose_sides(ds: xr.Dataset, view: View) -> SideChoice:
    """The legs to measure: in a side view the near leg (the better seen one; the far leg is
    hidden behind it or guessed by the model); otherwise every leg seen on average at
    :data:`MIN_LEG_VISIBILITY`, or the better seen one when neither is."""
    vis = leg_visibility(ds)
    best = max(SIDES, key=lambda s: vis[s])
    other = SIDES[1 - SIDES.index(best)]
    if view is View.SIDE:
        return SideChoice(
            (best,),
            vis,
            f"{best} leg (near side; {other} leg mean visibility "
            f"{vis[other]:.2f} vs {vis[best]:.2f})",
        )
    seen = tuple(s for s in SIDES if vis[s] >= MIN_LEG_VISIBILITY)
    if len(seen) == 2:
        return SideChoice(seen, vis, "both legs")
    return SideChoice(
        (best,), vis, f"{best} leg only ({other} leg mean visibility {vis[other]:.2f})"
    )


def _trunk_lean(ds: xr.Dataset, est: ViewEstimate) -> np.ndarray:
    hip, shoulder = _mid(ds, "hip"), _mid(ds, "shoulder")
    if est.view is View.SIDE:
        return angles.inclination_deg(hip, shoulder, forward_sign=est.facing_sign)
    return angles.foreshortened_inclination_deg(
        hip, shoulder, _ref_length(hip, shoulder), out_of_plane_only=est.view.frontal
    )


def _leg_columns(ds: xr.Dataset, est: ViewEstimate, trunk: np.ndarray) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for s in SIDES:
        if est.view is View.SIDE:  # thigh: knee ahead of the hip is positive
            thigh = -angles.inclination_deg(
                point(ds, f"{s}_knee"), point(ds, f"{s}_hip"), forward_sign=est.facing_sign
            )
        else:
            thigh = _sagittal(ds, est, f"{s}_knee", f"{s}_hip")
        shank = _sagittal(ds, est, f"{s}_ankle", f"{s}_knee")
        out[col("thigh", s)] = thigh
        out[col("shank", s)] = shank
        out[col("knee_flexion", s)] = thigh + shank
        out[col("hip_flexion", s)] = thigh + trunk
    return out


def _frontal_columns(ds: xr.Dataset, standing: np.ndarray) -> dict[str, np.ndarray]:
    midline = _mid(ds, "hip")
    out = {
        col("knee_fppa", s): angles.fppa_deg(
            point(ds, f"{s}_hip"), point(ds, f"{s}_knee"), point(ds, f"{s}_ankle"), midline
        )
        for s in SIDES
    }
    for s in SIDES:
        hip, ankle = point(ds, f"{s}_hip"), point(ds, f"{s}_ankle")
        out[col("knee_medial_offset", s)] = (
            100.0
            * angles.medial_offset_px(hip, point(ds, f"{s}_knee"), ankle, midline)
            / _ref_length(hip, ankle)
        )
    out[KASR] = angles.knee_to_ankle_separation_ratio(
        point(ds, "left_knee"),
        point(ds, "right_knee"),
        point(ds, "left_ankle"),
        point(ds, "right_ankle"),
    )
    la, ra = point(ds, "left_ankle"), point(ds, "right_ankle")
    gap = la[:, 0] - ra[:, 0]  # + when the person's left is on image right
    left_dir = np.sign(np.nanmedian(gap)) if np.isfinite(gap).any() else 1.0
    shift = (midline[:, 0] - 0.5 * (la[:, 0] + ra[:, 0])) * left_dir
    with np.errstate(divide="ignore", invalid="ignore"):
        out[PELVIS_SHIFT] = np.where(np.abs(gap) > 1e-6, 100.0 * shift / np.abs(gap), np.nan)
    for s in SIDES:
        turnout = _foot_turnout(ds, s, midline)
        out[col("foot_turnout", s)] = turnout
        base = turnout[standing]
        out[col("foot_turnout_change", s)] = (
            turnout - np.nanmedian(base)
            if np.isfinite(base).any()
            else np.full(len(turnout), np.nan)
        )
    return out


def _foot_turnout(ds: xr.Dataset, side: str, midline: np.ndarray) -> np.ndarray:
    heel, toe = point(ds, f"{side}_heel"), point(ds, f"{side}_foot_index")
    outward = np.sign(heel[:, 0] - midline[:, 0])
    lateral = (toe[:, 0] - heel[:, 0]) * outward
    shank_len = _ref_length(point(ds, f"{side}_knee"), point(ds, f"{side}_ankle"))
    turnout = np.degrees(np.arcsin(np.clip(lateral / (FOOT_TO_SHANK * shank_len), -1.0, 1.0)))
    seen_len = np.hypot(*(toe - heel).T)
    return np.where(seen_len >= MIN_FOOT_VIEW_TO_SHANK * shank_len, turnout, np.nan)


def _heel_rise(ds: xr.Dataset, side: str, standing: np.ndarray) -> np.ndarray:
    heel, toe = point(ds, f"{side}_heel"), point(ds, f"{side}_foot_index")
    lift = toe[:, 1] - heel[:, 1]  # image y grows downward: + when the heel is above the toes
    lengths = np.hypot(*(toe - heel)[standing].T)
    if not np.isfinite(lengths).any() or not np.isfinite(lift[standing]).any():
        return np.full(len(lift), np.nan)
    foot_len = np.nanmedian(lengths)  # flat foot while standing
    baseline = np.nanmedian(lift[standing])
    return 100.0 * (lift - baseline) / foot_len


def hip_height(ds: xr.Dataset, sides: tuple[str, ...] = SIDES) -> np.ndarray:
    """The rep driver: ankle minus hip height over standing leg length, per leg in ``sides``,
    averaged over the legs seen in each frame; 1 = standing, NaN where no used leg is seen."""
    rows = []
    for s in sides:
        drop = point(ds, f"{s}_ankle")[:, 1] - point(ds, f"{s}_hip")[:, 1]
        if not np.isfinite(drop).any():
            continue
        standing_px = np.nanpercentile(drop, REFERENCE_PERCENTILE)
        if standing_px > 0:  # a leg whose hip is never above its ankle gives no driver
            rows.append(drop / standing_px)
    if not rows:
        return np.full(ds.sizes["time"], np.nan)
    return _nanmean_rows(np.vstack(rows))


def squat_depth(columns: dict[str, np.ndarray], view: View, sides: tuple[str, ...]) -> np.ndarray:
    """The rep driver (:data:`SQUAT_DEPTH`) from already computed per-frame columns."""
    if view is View.SIDE:
        flexion = _nanmean_rows(np.vstack([columns[col("knee_flexion", s)] for s in sides]))
        return flexion / DEPTH_KNEE_FLEXION_DEG
    return 1.0 - columns[HIP_HEIGHT]


def standing_max_depth(view: View) -> float | None:
    """The :data:`SQUAT_DEPTH` a rep must come back to for it to end (the ``standing_max`` of
    :func:`~glutefire.reps.segment.segment_reps`): in a side view, where the driver has an
    absolute scale (knee flexion), :data:`STANDING_MAX_KNEE_FLEXION_DEG`; None otherwise."""
    if view is View.SIDE:
        return STANDING_MAX_KNEE_FLEXION_DEG / DEPTH_KNEE_FLEXION_DEG
    return None


def thigh_to_shank_height(ds: xr.Dataset, sides: tuple[str, ...] = SIDES) -> np.ndarray:
    """Per frame: the hip-to-knee height over the knee-to-ankle height in the image, averaged
    over the legs in ``sides`` seen in that frame (about 1.0-1.2 standing; smaller as the thigh
    tilts toward or away from the camera; NaN where no leg is seen)."""
    rows = []
    for s in sides:
        knee_y = point(ds, f"{s}_knee")[:, 1]
        thigh = knee_y - point(ds, f"{s}_hip")[:, 1]
        shank = point(ds, f"{s}_ankle")[:, 1] - knee_y
        with np.errstate(invalid="ignore", divide="ignore"):
            rows.append(np.where(shank > 0, thigh / shank, np.nan))
    return _nanmean_rows(np.vstack(rows))


def not_standing_frames(
    ds: xr.Dataset, view: View, sides: tuple[str, ...] = SIDES
) -> np.ndarray | None:
    """The ``not_standing`` of :func:`~glutefire.reps.segment.segment_reps`: outside a side view
    (where :func:`standing_max_depth` gives no absolute level), frames whose thighs stand below
    :data:`STANDING_MIN_THIGH_TO_SHANK` of the shins; None in a side view. Unseen frames are not
    constrained."""
    if view is View.SIDE:
        return None
    ratio = thigh_to_shank_height(ds, sides)
    return np.nan_to_num(ratio, nan=np.inf) < STANDING_MIN_THIGH_TO_SHANK


def rep_driver(ds: xr.Dataset, est: ViewEstimate, sides: tuple[str, ...]) -> np.ndarray:
    """Only the :data:`SQUAT_DEPTH` column of :func:`compute_frame_metrics` (0 standing, +
    deeper), for callers that need the driver of many frames and the angles of few."""
    columns: dict[str, np.ndarray] = {HIP_HEIGHT: hip_height(ds, sides)}
    if est.view is View.SIDE:
        columns.update(_leg_columns(ds, est, _trunk_lean(ds, est)))
    return squat_depth(columns, est.view, sides)


def compute_frame_metrics(
    ds: xr.Dataset, est: ViewEstimate, sides: tuple[str, ...] = SIDES
) -> pd.DataFrame:
    """All per-frame metrics for cleaned keypoints ``ds`` seen from ``est.view``; the driver,
    depth and the rep-level sagittal summaries use the legs in ``sides``
    (:func:`choose_sides`); per-side columns are computed for both legs."""
    driver = hip_height(ds, sides)
    standing = np.nan_to_num(driver, nan=0.0) >= screening_policy().standing_level.value
    trunk = _trunk_lean(ds, est)
    columns: dict[str, np.ndarray] = {HIP_HEIGHT: driver, TRUNK_LEAN: trunk}
    columns.update(_leg_columns(ds, est, trunk))
    columns[SQUAT_DEPTH] = squat_depth(columns, est.view, sides)
    thighs = np.vstack([columns[col("thigh", s)] for s in sides])
    columns[THIGH_ABOVE_HORIZONTAL] = 90.0 - _nanmean_rows(thighs)
    if est.view.frontal:
        columns.update(_frontal_columns(ds, standing))
    else:
        columns.update(_sagittal_only_columns(ds, standing, est.facing_sign))
    table = pd.DataFrame(columns, index=pd.Index(ds.coords["time"].values, name="time_s"))
    table.insert(0, "frame", np.arange(len(table)))
    return table


def _knee_past_toe(ds: xr.Dataset, side: str, standing: np.ndarray, facing: float) -> np.ndarray:
    """Knee ahead of the toe tip along the facing direction, % of standing foot length."""
    knee, heel, toe = (point(ds, f"{side}_{p}") for p in ("knee", "heel", "foot_index"))
    lengths = np.hypot(*(toe - heel)[standing].T)
    if not np.isfinite(lengths).any():
        return np.full(len(knee), np.nan)
    foot_len = np.nanmedian(lengths)
    return 100.0 * facing * (knee[:, 0] - toe[:, 0]) / foot_len


def _sagittal_only_columns(
    ds: xr.Dataset, standing: np.ndarray, facing: float
) -> dict[str, np.ndarray]:
    """Heel rise and arm angle: seen in side and oblique views (the heel hides behind the foot
    and the arm moves out of the image plane in a front view)."""
    out = {col("heel_rise", s): _heel_rise(ds, s, standing) for s in SIDES}
    out.update({col("knee_past_toe", s): _knee_past_toe(ds, s, standing, facing) for s in SIDES})
    arms = np.vstack(
        [
            angles.arm_trunk_angle_deg(
                point(ds, f"{s}_hip"), point(ds, f"{s}_shoulder"), point(ds, f"{s}_wrist")
            )
            for s in SIDES
        ]
    )
    out[ARM_TRUNK] = _nanmean_rows(arms)
    return out


def _nanmean_rows(stack: np.ndarray) -> np.ndarray:
    """Column-wise mean over the rows that are finite; NaN where none is."""
    finite = np.isfinite(stack)
    total = np.where(finite, stack, 0.0).sum(axis=0)
    count = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
