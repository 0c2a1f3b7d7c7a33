"""Pain trend judged against the NPRS minimal detectable change (2 points)."""

from __future__ import annotations

import datetime as dt

import pytest

from glutefire.tracking.pain import pain_trend


def points(*scores: int) -> list[tuple[dt.date, int]]:
    return [(dt.date(2026, 11, 1) + dt.timedelta(days=i), s) for i, s in enumerate(scores)]


@pytest.mark.parametrize(
    ("scores", "verdict"),
    [
        ((5, 5, 5, 2, 3, 2), "lower"),
        ((2, 2, 2, 3, 3, 3), "no real change"),
        ((1, 1, 2, 4, 4, 4), "higher"),
    ],
)
def test_trend(scores, verdict):
    trend = pain_trend(points(*scores))
    assert trend.verdict == verdict and "Childs 2005" in trend.source


def test_too_few_scores():
    assert pain_trend(points(3, 4, 5, 6, 7)) is None
    assert pain_trend([]) is None
