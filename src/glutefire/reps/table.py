"""Per-rep metrics: one row per rep, one column per metric (tidy), from the per-frame table.

Most metrics are read at the bottom of the rep (peak knee flexion), as in the FPPA method of
Munro 2012 (evidence.md §2.1), as the median of a short window so one noisy frame cannot decide.
A few are the worst value over the whole rep (arms falling, trunk lean, knee flexion, depth).
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from glutefire.kinematics.metrics import KASR, PELVIS_SHIFT, SIDES, SQUAT_DEPTH, TRUNK_LEAN, col
from glutefire.reps.segment import Rep

#: Derived: mean tibia (shank) angle minus trunk lean at the bottom; + knees ahead of the trunk
#: line ("knees forward"), - trunk leaning more than the tibiae ("forward lean").
TIBIA_MINUS_TRUNK = "tibia_minus_trunk_deg"
TRUNK_MINUS_TIBIA = "trunk_minus_tibia_deg"

#: How each per-frame column is reduced over a rep; anything not listed is read at the bottom.
OVER_REP = {
    "arm_trunk_deg": "max",
    TRUNK_LEAN: "max",
    "knee_flexion_left_deg": "max",
    "knee_flexion_right_deg": "max",
    "thigh_above_horizontal_deg": "min",
}

REP_COLUMNS = ("start_s", "bottom_s", "end_s", "complete", "bottom_frame")

#: Frontal knee measures are also averaged over this part of the descent (fraction of the rep's
#: depth), where a 2D frontal knee angle still means something: deep in a two-leg squat the
#: thigh is foreshortened and the FPPA reaches -75 to -100 deg. Bell 2013 (J Athl Train 48:442)
#: measured medial knee displacement over the 20-50 % phases of the squat; FPPA is validated in
#: single-leg squats at about 45-60 deg knee flexion (evidence.md §1.1, §2.1).
DESCENT_WINDOW = (0.2, 0.5)
DESCENT_METRICS = {col("knee_fppa", s): col("knee_fppa_descent", s) for s in SIDES}
DESCENT_METRICS.update(
    {col("knee_medial_offset", s): col("knee_medial_offset_descent", s) for s in SIDES}
)
DESCENT_METRICS[KASR] = "kasr_descent"


#: Read as the mean over the rep's lower half (depth at least half the rep's), not only at the
#: bottom: a weight shift shows through the deep part of the descent and the ascent.
LOWER_HALF_METRICS = (PELVIS_SHIFT,)


def lower_half_frames(depth: np.ndarray, rep: Rep) -> np.ndarray:
    """Frame numbers of ``rep`` whose depth is at least half of the way to its bottom."""
    span = depth[rep.start_frame : rep.end_frame + 1]
    start = span[0] if np.isfinite(span[0]) else np.nanmin(span)
    half = start + 0.5 * (np.nanmax(span) - start)
    return rep.start_frame + np.flatnonzero(span >= half)


def descent_frames(depth: np.ndarray, rep: Rep) -> np.ndarray:
    """Frame numbers of ``rep``'s descent within :data:`DESCENT_WINDOW` of its depth."""
    down = depth[rep.start_frame : rep.bottom_frame + 1]
    if down.size == 0 or not np.isfinite(down).any():
        return np.array([], dtype=int)
    start, bottom = down[0], np.nanmax(down)
    if not bottom > start:
        return np.array([], dtype=int)
    frac = (down - start) / (bottom - start)
    lo, hi = DESCENT_WINDOW
    return rep.start_frame + np.flatnonzero((frac >= lo) & (frac <= hi))


def compute_rep_metrics(
    frames: pd.DataFrame,
    reps: list[Rep],
    *,
    bottom_window_s: float = 0.1,
    sides: tuple[str, ...] = SIDES,
) -> pd.DataFrame:
    """Per-rep table indexed by rep number: timing columns then one column per metric."""
    metric_cols = [c for c in frames.columns if c != "frame"]
    rows = []
    times = frames.index.to_numpy()
    for rep in reps:
        span = frames.iloc[rep.start_frame : rep.end_frame + 1]
        near = np.abs(times - rep.bottom_s) <= bottom_window_s + 1e-9
        bottom = frames.loc[near, metric_cols].median(skipna=True)
        row: dict[str, object] = {
            "rep": rep.index,
            "start_s": rep.start_s,
            "bottom_s": rep.bottom_s,
            "end_s": rep.end_s,
            "complete": rep.complete,
            "bottom_frame": rep.bottom_frame,
        }
        for name in metric_cols:
            how = OVER_REP.get(name)
            row[name] = float(getattr(span[name], how)()) if how else float(bottom[name])
        window = (
            descent_frames(frames[SQUAT_DEPTH].to_numpy(), rep)
            if SQUAT_DEPTH in frames
            else np.array([], dtype=int)
        )
        if SQUAT_DEPTH in frames:
            lower = lower_half_frames(frames[SQUAT_DEPTH].to_numpy(), rep)
            for name in LOWER_HALF_METRICS:
                values = frames[name].to_numpy()[lower] if name in frames else np.array([])
                if np.isfinite(values).any():
                    row[name] = float(np.nanmean(values))
        for name, descent_name in DESCENT_METRICS.items():
            if name in frames:
                values = frames[name].to_numpy()[window]
                row[descent_name] = (
                    float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
                )
        shanks = [cast(float, row[col("shank", s)]) for s in sides]
        shank = float(np.nanmean(shanks)) if np.isfinite(shanks).any() else float("nan")
        tibia_minus_trunk = shank - float(bottom[TRUNK_LEAN])
        row[TIBIA_MINUS_TRUNK] = tibia_minus_trunk
        row[TRUNK_MINUS_TIBIA] = -tibia_minus_trunk
        rows.append(row)
    descent = [d for n, d in DESCENT_METRICS.items() if n in frames]
    columns = ["rep", *REP_COLUMNS, *metric_cols, *descent, TIBIA_MINUS_TRUNK, TRUNK_MINUS_TIBIA]
    return pd.DataFrame(rows, columns=columns).set_index("rep")
