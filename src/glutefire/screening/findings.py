"""Findings: apply the screening rules to the per-rep table. Pure functions, no I/O.

Each finding says present / absent / not_assessable (with the reason), the side, the measured
value (mean over complete reps, the worst side for sided rules), the threshold and its unit, the
reps that individually crossed it, the evidence frame and an honest confidence in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from glutefire.kinematics.view import View
from glutefire.policy import screening_policy
from glutefire.result import Status, confidence_label
from glutefire.screening.rules import Rule, load_rules

_POLICY = screening_policy()  # data/screening_policy.yaml
#: A landmark seen less than this (its mean visibility around the reps' bottoms, 0 outside the
#: image) makes a finding not assessable: each landmark a rule needs must be seen.
MIN_MEAN_VISIBILITY = _POLICY.min_mean_visibility.value
#: Confidence factor by number of complete reps: the FPPA method averages 3 trials (Munro 2012).
REP_COUNT_FACTOR = _POLICY.rep_count.factor
RECOMMENDED_REPS = _POLICY.rep_count.recommended


@dataclass
class Finding:
    """One rule's outcome for one clip (or merged over clips)."""

    code: str
    title: str
    status: Status
    side: str = "none"
    value: float | None = None
    threshold: float | None = None
    unit: str = ""
    reps: list[int] = field(default_factory=list)
    evidence_frame: int | None = None
    evidence_time_s: float | None = None
    confidence: float = 0.0
    reason: str = ""
    source: str = ""
    caveat: str = ""
    metric: str | None = None
    per_side: dict[str, float] = field(default_factory=dict)
    supporting: dict[str, float] = field(default_factory=dict)
    cue: str = ""
    clip: int = 0

    @property
    def confidence_label(self) -> str:
        """ "high", "moderate" or "low" (bands in ``data/screening_policy.yaml``)."""
        return confidence_label(self.confidence)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        out = asdict(self)
        out["status"] = self.status.value
        out["confidence"] = round(self.confidence, 2)
        out["confidence_label"] = self.confidence_label
        return out


def _not_assessable(rule: Rule, reason: str) -> Finding:
    return Finding(
        code=rule.code,
        title=rule.title,
        status=Status.NOT_ASSESSABLE,
        reason=reason,
        threshold=rule.threshold,
        unit=rule.unit,
        source=rule.source,
        caveat=rule.caveat,
        metric=rule.metric,
        cue=rule.cue,
    )


def _expand(template: str, sides: Sequence[str]) -> list[str]:
    return [template.format(side=s) for s in sides] if "{side}" in template else [template]


def _visibility(
    vis: pd.DataFrame, rule: Rule, side: str | None, frames: np.ndarray
) -> tuple[float, float]:
    """(mean, lowest per-landmark mean) visibility of the rule's landmarks around the reps'
    bottoms. For a rule that is not sided, the landmarks of the better seen side count (a side
    view sees one leg), with the landmarks that name no side."""
    if side is not None:
        groups = [[n.format(side=side) for n in rule.landmarks]]
    else:
        expanded = [n for t in rule.landmarks for n in _expand(t, ("left", "right"))]
        plain = [n for n in expanded if not n.startswith(("left_", "right_"))]
        groups = [[n for n in expanded if n.startswith(f"{s}_")] + plain for s in ("left", "right")]
    best = (0.0, 0.0)
    for names in (g for g in groups if g):
        per_landmark = vis.iloc[frames][names].mean()
        score = (float(per_landmark.mean()), float(per_landmark.min()))
        best = max(best, score, key=lambda m: (m[1], m[0]))
    return best


def evaluate_rule(
    rule: Rule, reps: pd.DataFrame, visibility: pd.DataFrame, view: View, standing: dict[str, float]
) -> Finding:
    """Apply one rule to the per-rep table of one clip."""
    if rule.not_assessable_reason is not None:
        return _not_assessable(rule, rule.not_assessable_reason)
    assert rule.metric is not None, "Rule validates: a measurable rule has a metric"
    if view.value not in rule.views:
        needs = " or ".join(sorted(rule.views))
        article = "an" if view.value[0] in "aeiou" else "a"
        return _not_assessable(
            rule, f"needs a view from the {needs}; this clip is {article} {view.value} view"
        )
    complete = reps[reps["complete"]]
    if complete.empty:
        return _not_assessable(rule, "no complete repetition")
    if rule.precondition is not None:
        pre = standing.get(rule.precondition.metric, float("nan"))
        if not np.isfinite(pre) or pre > rule.precondition.max:
            return _not_assessable(rule, rule.precondition.reason.format(value=pre))
    frames = _rep_frames(complete)
    sides: list[str | None] = ["left", "right"] if rule.sided else [None]
    per_side: dict[str, float] = {}
    visibilities: dict[str, float] = {}
    for side in sides:
        key = side or "both"
        mean_vis, lowest = _visibility(visibility, rule, side, frames)
        visibilities[key] = mean_vis
        values = complete[rule.metric.format(side=side) if side else rule.metric]
        if lowest >= MIN_MEAN_VISIBILITY and values.notna().any():
            per_side[key] = float(values.mean())
    if not per_side:
        names = [n for t in rule.landmarks for n in _expand(t, ("left", "right"))]
        worst = float(visibility.iloc[frames][names].mean().min())
        if worst >= MIN_MEAN_VISIBILITY:
            return _not_assessable(rule, rule.unmeasured_reason)
        return _not_assessable(
            rule, f"the landmarks it needs were poorly visible (mean visibility {worst:.2f})"
        )
    return _decide(rule, complete, per_side, visibilities, view)


def _rep_frames(complete: pd.DataFrame) -> np.ndarray:
    frames = [
        np.arange(int(r.bottom_frame) - 3, int(r.bottom_frame) + 4) for r in complete.itertuples()
    ]
    return np.clip(np.concatenate(frames), 0, None)


def _decide(
    rule: Rule,
    complete: pd.DataFrame,
    per_side: dict[str, float],
    visibilities: dict[str, float],
    view: View,
) -> Finding:
    flagged_sides = [k for k, v in per_side.items() if rule.exceeds(v)]
    worst_key = max(per_side, key=lambda k: _severity(rule, per_side[k]))
    value = per_side[worst_key]
    status = Status.PRESENT if flagged_sides else Status.ABSENT
    side = _side_label(rule, flagged_sides, value)
    rep_hits = _flagged_reps(rule, complete, flagged_sides or [worst_key])
    evidence_rep = _worst_rep(rule, complete, worst_key)
    n = len(complete)
    vis = float(np.mean([visibilities[k] for k in per_side]))
    confidence = rule.views[view.value] * min(1.0, vis) * REP_COUNT_FACTOR.get(n, 1.0)
    reason = _reason(rule, status, value, n)
    return Finding(
        code=rule.code,
        title=rule.title,
        status=status,
        side=side,
        value=round(value, 2),
        threshold=rule.threshold,
        unit=rule.unit,
        reps=rep_hits,
        evidence_frame=int(complete.loc[evidence_rep, "bottom_frame"]),
        evidence_time_s=float(complete.loc[evidence_rep, "bottom_s"]),
        confidence=confidence,
        reason=reason,
        source=rule.source,
        caveat=rule.caveat,
        metric=rule.metric,
        per_side={k: round(v, 2) for k, v in per_side.items()},
        supporting={
            m: round(float(complete[m].mean()), 3)
            for m in rule.supporting
            if m in complete and complete[m].notna().any()
        },
        cue=rule.cue,
    )


def _severity(rule: Rule, value: float) -> float:
    if rule.direction == "below":
        return -value
    return abs(value) if rule.direction == "abs_above" else value


def _side_label(rule: Rule, flagged: list[str], value: float) -> str:
    if rule.side_from_sign is not None:
        return rule.side_from_sign["positive" if value >= 0 else "negative"] if flagged else "none"
    if not rule.sided:
        return "both" if flagged else "none"
    if len(flagged) == 2:
        return "both"
    return flagged[0] if flagged else "none"


def _column(rule: Rule, key: str) -> str:
    assert rule.metric is not None
    return rule.metric.format(side=key) if rule.sided else rule.metric


def _flagged_reps(rule: Rule, complete: pd.DataFrame, keys: list[str]) -> list[int]:
    hits = set()
    for key in keys:
        for rep, value in complete[_column(rule, key)].items():
            if np.isfinite(value) and rule.exceeds(float(value)):
                hits.add(int(rep))
    return sorted(hits)


def _worst_rep(rule: Rule, complete: pd.DataFrame, key: str) -> int:
    values = complete[_column(rule, key)].map(lambda v: _severity(rule, v))
    return int(values.fillna(-np.inf).idxmax())


def _reason(rule: Rule, status: Status, value: float, n_reps: int) -> str:
    compare = "beyond" if status is Status.PRESENT else "within"
    text = (
        f"mean {value:.1f} {rule.unit} over {n_reps} complete rep(s), {compare} the "
        f"threshold of {rule.threshold:g} {rule.unit}"
    )
    if rule.measure:
        text += f" (measure: {' '.join(rule.measure.split())})"
    if n_reps < RECOMMENDED_REPS:
        text += f"; {RECOMMENDED_REPS} reps are recommended for a stable mean"
    return text


def evaluate_all(
    reps: pd.DataFrame,
    visibility: pd.DataFrame,
    view: View,
    standing: dict[str, float],
    rules: Sequence[Rule] | None = None,
) -> list[Finding]:
    """Apply every rule, in the order of the finding codes."""
    return [evaluate_rule(r, reps, visibility, view, standing) for r in (rules or load_rules())]
