"""Pain trend (pure): recent sessions' mean pain against the sessions before them.

A difference within the NPRS minimal detectable change (2 points; Childs 2005, evidence.md §6)
is "no real change". Thresholds live in ``data/relapse_rules.yaml`` (``pain_trend``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from glutefire.tracking.relapse import load_rules


@dataclass(frozen=True)
class PainTrend:
    previous_mean: float
    recent_mean: float
    verdict: str  # "lower", "higher" or "no real change"
    mdc_points: float
    source: str


def load_pain_rule() -> tuple[int, float, str]:
    """(window in sessions, MDC in NPRS points, source) from the relapse rules file."""
    rule = load_rules().pain_trend
    return rule.window_sessions, rule.mdc_points, rule.source


def pain_trend(points: Sequence[tuple[dt.date, int]]) -> PainTrend | None:
    """``None`` until there are two full windows of scores."""
    window, mdc, source = load_pain_rule()
    if len(points) < 2 * window:
        return None
    recent = [score for _, score in points[-window:]]
    previous = [score for _, score in points[-2 * window : -window]]
    before, after = sum(previous) / window, sum(recent) / window
    if abs(after - before) < mdc:
        verdict = "no real change"
    else:
        verdict = "lower" if after < before else "higher"
    return PainTrend(before, after, verdict, mdc, source)
