"""Live cues: the screening rules' own cues, judged on one frame with the rules' thresholds.

One frame is noisier than a rep's mean, so a cue is feedback while the person squats, never a
finding. Only frames of a squat count (the rep driver below :data:`SQUATTING_BELOW`); knee valgus
(FPPA, ``knees_cave_in``) is judged in front and back views, trunk leaning further than the shins
(``excessive_forward_lean``) in side and oblique views.
"""

from __future__ import annotations

import numpy as np

from glutefire.kinematics.live import TRUNK_MINUS_SHANK, LiveFrame
from glutefire.kinematics.metrics import SIDES, col
from glutefire.result import FindingCode
from glutefire.screening.rules import Rule, load_rules

#: Driver level (1 = standing) below which the person counts as squatting for cues.
SQUATTING_BELOW = 0.9


def rule_for(code: FindingCode) -> Rule:
    """The packaged rule of one finding code."""
    return next(r for r in load_rules() if r.code == code.value)


def frame_cue(frame: LiveFrame) -> str:
    """The cue for the newest frame, or "" when no rule is crossed (or nothing can be judged)."""
    level = frame.driver[-1] if len(frame.driver) else np.nan
    if frame.view is None or not (np.isfinite(level) and level < SQUATTING_BELOW):
        return ""
    if frame.view.view.frontal:
        rule = rule_for(FindingCode.KNEES_CAVE_IN)
        values = [frame.metrics.get(col("knee_fppa", s), np.nan) for s in SIDES]
    else:
        rule = rule_for(FindingCode.EXCESSIVE_FORWARD_LEAN)
        values = [frame.metrics.get(TRUNK_MINUS_SHANK, np.nan)]
    crossed = any(np.isfinite(v) and rule.exceeds(float(v)) for v in values)
    return rule.cue if crossed else ""
