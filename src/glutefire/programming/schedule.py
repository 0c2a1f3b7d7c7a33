"""A plan's weekly schedule: which days are training days and which are rest days (pure).

A plan states ``sessions_per_week`` and ``start_date``; its advice says to alternate the
sessions through the week with a rest day between them (docs/plan-format.md). Plan weeks are
counted from ``start_date`` (week 1 is its first seven days, as
:func:`glutefire.tracking.session_entry.plan_week` counts them), so the week's training days are
day offsets from the start date's weekday: the ``n`` sessions of a week fall on offsets
``floor(i * 7 / n)`` for ``i`` in ``0 .. n-1``, spread evenly with the rest days between them
(3 a week from a Monday: Monday, Wednesday, Friday; 2 a week: Monday and Thursday). Seven or more
sessions a week make every day a training day; none makes none. The even spread is a design
value (unverified): the plan asks only for a rest day between sessions, not for given weekdays.
"""

from __future__ import annotations

import datetime as dt

DAYS_PER_WEEK = 7


def training_day_offsets(sessions_per_week: int) -> tuple[int, ...]:
    """Day offsets (0-6, from the first day of a plan week) of the week's training days.

    Expected ``sessions_per_week`` >= 0; 7 or more give every day (``(0, 1, ..., 6)``).
    """
    if sessions_per_week < 0:
        raise ValueError(f"expected sessions_per_week >= 0, but got {sessions_per_week}")
    n = min(sessions_per_week, DAYS_PER_WEEK)
    return tuple(i * DAYS_PER_WEEK // n for i in range(n))


def is_training_day(start: dt.date, sessions_per_week: int, on: dt.date) -> bool:
    """True when ``on`` is a training day of a plan that starts on ``start`` (days before the
    start are no training days)."""
    if on < start:
        return False
    return (on - start).days % DAYS_PER_WEEK in training_day_offsets(sessions_per_week)


def next_training_day(start: dt.date, sessions_per_week: int, after: dt.date) -> dt.date | None:
    """The first training day strictly after ``after`` (``start`` itself when ``after`` is
    earlier); None when the plan has no training days."""
    if not training_day_offsets(sessions_per_week):
        return None
    day = max(after + dt.timedelta(days=1), start)
    while not is_training_day(start, sessions_per_week, day):  # at most 6 steps
        day += dt.timedelta(days=1)
    return day
