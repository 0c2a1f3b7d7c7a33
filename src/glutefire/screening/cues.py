"""Live cues: the screening rules' own cues, judged on one frame with the rules' thresholds and
measures.

One frame is noisier than a rep's mean, so a cue is feedback while the person squats, never a
finding. Only frames of a squat count: the rep driver deeper than :data:`SQUATTING_DEPTH` (or,
in a side view, than the standing knee flexion a rep must come back to). In front and back
views knee valgus (``knees_cave_in``) is judged on the knee FPPA of frames in the rule's
descent window (20-50 % of the descent, :data:`~glutefire.reps.table.DESCENT_WINDOW`) relative
to the deepest rep so far; during the first rep, when no depth is known yet, on every squatting
frame. In side and oblique views the trunk's absolute inclination (``excessive_forward_lean``,
the offline measure).
"""

from __future__ import annotations

import numpy as np

from glutefire.kinematics.live import LiveFrame
from glutefire.kinematics.metrics import SIDES, TRUNK_LEAN, col
from glutefire.reps.table import DESCENT_WINDOW
from glutefire.result import FindingCode
from glutefire.screening.rules import Rule, load_rules

#: Rep driver depth (0 standing; 1 - hip height over standing leg length outside side views)
#: beyond which the person counts as squatting for cues (design value: hip 10 % below standing).
SQUATTING_DEPTH = 0.1
#: A frame counts as descending while it is within this depth of the deepest frame since the
#: person last stood (landmark noise makes a descent not strictly monotonic; design value).
DESCENT_TOLERANCE = 0.02


def rule_for(code: FindingCode) -> Rule:
    """The packaged rule of one finding code."""
    return next(r for r in load_rules() if r.code == code.value)


def _squatting(frame: LiveFrame) -> bool:
    level = frame.depth[-1] if len(frame.depth) else np.nan
    floor = SQUATTING_DEPTH if frame.standing_max is None else frame.standing_max
    return bool(np.isfinite(level) and level > floor)


def in_descent_window(depth: np.ndarray, *, squatting_depth: float = SQUATTING_DEPTH) -> bool:
    """Whether the newest frame of ``depth`` (0 standing, + deeper) lies on the way down within
    :data:`DESCENT_WINDOW` of the deepest earlier rep's depth; True while no earlier rep is
    known (the first descent: its bottom is not known before it is reached). False while
    standing (depth at most ``squatting_depth``)."""
    standing = np.flatnonzero(np.nan_to_num(depth, nan=0.0) <= squatting_depth)
    start = int(standing[-1]) + 1 if standing.size else 0
    if start == len(depth):
        return False
    earlier = depth[:start]
    if start == 0 or not np.isfinite(earlier).any() or np.nanmax(earlier) <= squatting_depth:
        return True
    now = depth[-1]
    if not np.isfinite(now) or now < np.nanmax(depth[start:]) - DESCENT_TOLERANCE:
        return False  # on the way up
    base = float(np.nanmin(depth))
    frac = (now - base) / (float(np.nanmax(earlier)) - base)
    lo, hi = DESCENT_WINDOW
    return bool(lo <= frac <= hi)


def frame_cue(frame: LiveFrame) -> str:
    """The cue for the newest frame, or "" when no rule is crossed (or nothing can be judged)."""
    if frame.view is None or not _squatting(frame):
        return ""
    if frame.view.view.frontal:
        if not in_descent_window(frame.depth):
            return ""
        rule = rule_for(FindingCode.KNEES_CAVE_IN)
        values = [frame.metrics.get(col("knee_fppa", s), np.nan) for s in SIDES]
    else:
        rule = rule_for(FindingCode.EXCESSIVE_FORWARD_LEAN)
        values = [frame.metrics.get(TRUNK_LEAN, np.nan)]
    crossed = any(np.isfinite(v) and rule.exceeds(float(v)) for v in values)
    return rule.cue if crossed else ""
