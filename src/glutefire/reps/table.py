"""Per-rep metrics: one row per rep, one column per metric (tidy), from the per-frame table.

Most metrics are read at the bottom of the rep (peak knee flexion), as in the FPPA method of
Munro 2012 (evidence.md §2.1), as the median of a short window so one noisy frame cannot decide.
A few are the worst value over the whole rep (arms falling, trunk lean, knee flexion, depth).
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from glutefire.kinematics.metrics import SIDES, TRUNK_LEAN, col
from glutefire.reps.segment import Rep

#: Derived: mean tibia (shank) angle minus trunk lean at the bottom; + knees ahead of the trunk
#: line ("knees forward"), - trunk leaning more than the tibiae ("forward lean").
TIBIA_MINUS_TRUNK = "tibia_minus_trunk_deg"
TRUNK_MINUS_TIBIA = "trunk_minus_tibia_deg"

#: How each per-frame column is reduced over a rep; anything not listed is read at the bottom.
OVER_REP = {
    "arm_trunk_deg": "max", TRUNK_LEAN: "max",
    "knee_flexion_left_deg": "max", "knee_flexion_right_deg": "max",
    "thigh_above_horizontal_deg": "min",
}

REP_COLUMNS = ("start_s", "bottom_s", "end_s", "complete", "bottom_frame")


def compute_rep_metrics(frames: pd.DataFrame, reps: list[Rep], *,
                        bottom_window_s: float = 0.1,
                        sides: tuple[str, ...] = SIDES) -> pd.DataFrame:
    """Per-rep table indexed by rep number: timing columns then one column per metric."""
    metric_cols = [c for c in frames.columns if c != "frame"]
    rows = []
    times = frames.index.to_numpy()
    for rep in reps:
        span = frames.iloc[rep.start_frame:rep.end_frame + 1]
        near = np.abs(times - rep.bottom_s) <= bottom_window_s + 1e-9
        bottom = frames.loc[near, metric_cols].median(skipna=True)
        row: dict[str, object] = {"rep": rep.index, "start_s": rep.start_s,
                                  "bottom_s": rep.bottom_s, "end_s": rep.end_s,
                                  "complete": rep.complete, "bottom_frame": rep.bottom_frame}
        for name in metric_cols:
            how = OVER_REP.get(name)
            row[name] = float(getattr(span[name], how)()) if how else float(bottom[name])
        shanks = [cast(float, row[col("shank", s)]) for s in sides]
        shank = float(np.nanmean(shanks)) if np.isfinite(shanks).any() else float("nan")
        tibia_minus_trunk = shank - float(bottom[TRUNK_LEAN])
        row[TIBIA_MINUS_TRUNK] = tibia_minus_trunk
        row[TRUNK_MINUS_TIBIA] = -tibia_minus_trunk
        rows.append(row)
    columns = ["rep", *REP_COLUMNS, *metric_cols, TIBIA_MINUS_TRUNK, TRUNK_MINUS_TIBIA]
    return pd.DataFrame(rows, columns=columns).set_index("rep")
