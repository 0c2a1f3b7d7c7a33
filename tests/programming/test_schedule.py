"""The plan's weekly schedule: training days spread through each plan week from the start date,
rest days between them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glutefire.programming.schedule import (
    is_training_day,
    next_training_day,
    training_day_offsets,
)

MONDAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("per_week", "offsets"),
    [
        (0, ()),
        (1, (0,)),
        (2, (0, 3)),
        (3, (0, 2, 4)),
        (4, (0, 1, 3, 5)),
        (7, (0, 1, 2, 3, 4, 5, 6)),
        (14, (0, 1, 2, 3, 4, 5, 6)),
    ],
)
def test_the_sessions_of_a_week_are_spread_from_its_first_day(per_week, offsets):
    assert training_day_offsets(per_week) == offsets


def test_three_a_week_from_a_monday_is_monday_wednesday_friday():
    week = [MONDAY + dt.timedelta(days=d) for d in range(14)]
    days = [d.strftime("%a") for d in week if is_training_day(MONDAY, 3, d)]
    assert days == ["Mon", "Wed", "Fri"] * 2


def test_before_the_start_no_day_is_a_training_day_and_the_first_is_the_start():
    assert not is_training_day(MONDAY, 7, MONDAY - dt.timedelta(days=1))
    assert next_training_day(MONDAY, 3, MONDAY - dt.timedelta(days=20)) == MONDAY


def test_the_next_training_day_follows_the_rest_days():
    saturday = MONDAY + dt.timedelta(days=5)
    assert next_training_day(MONDAY, 3, saturday) == MONDAY + dt.timedelta(days=7)
    assert next_training_day(MONDAY, 3, MONDAY) == MONDAY + dt.timedelta(days=2)
    assert next_training_day(MONDAY, 0, MONDAY) is None


def test_a_negative_count_is_refused_with_what_arrived():
    with pytest.raises(ValueError, match="expected sessions_per_week >= 0, but got -1"):
        training_day_offsets(-1)


@given(
    per_week=st.integers(0, 14),
    start=st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    week=st.integers(0, 60),
)
def test_every_plan_week_holds_its_sessions_and_rest_days_separate_them(per_week, start, week):
    first = start + dt.timedelta(weeks=week)
    days = [first + dt.timedelta(days=d) for d in range(8)]  # a week and the next week's first
    training = [is_training_day(start, per_week, d) for d in days]
    assert sum(training[:7]) == min(per_week, 7)
    if per_week <= 3:  # a rest day between any two sessions, across the week's end too
        assert not any(a and b for a, b in zip(training, training[1:], strict=False))
    for day, trains in zip(days[:7], training, strict=False):
        following = next_training_day(start, per_week, day)
        if per_week:
            assert following is not None and following > day
            assert is_training_day(start, per_week, following)
            between = (following - day).days
            assert not any(
                is_training_day(start, per_week, day + dt.timedelta(days=k))
                for k in range(1, between)
            )
        else:
            assert following is None and not trains
