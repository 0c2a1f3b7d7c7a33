"""Weekly adherence: sessions done vs planned per ISO week, in the person's time zone (pure).

A week runs Monday-Sunday (ISO 8601) in the person's local time. The planned count for a week
comes from the plan in force that week; when a plan starts or ends mid-week the count is
pro-rated by days (``round(sessions_per_week * days / 7)``, halves rounded up).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PlanPeriod:
    """A plan in force from ``start`` (inclusive) to ``end`` (exclusive, ``None`` = open)."""

    start: dt.date
    end: dt.date | None
    sessions_per_week: int


@dataclass(frozen=True)
class WeekAdherence:
    week_start: dt.date  # the Monday
    planned: int
    done: int
    complete: bool  # False for the week that contains ``today``

    @property
    def iso_week(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def ratio(self) -> float | None:
        return self.done / self.planned if self.planned else None


def local_date(moment: dt.datetime, time_zone: str) -> dt.date:
    """The calendar date of an aware ``moment`` in ``time_zone``."""
    if moment.tzinfo is None:
        raise ValueError(f"expected a time-zone-aware datetime, but got naive {moment!r}")
    return moment.astimezone(ZoneInfo(time_zone)).date()


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def periods_from_plans(plans: Sequence[tuple[dt.date, int]]) -> list[PlanPeriod]:
    """Plans as ``(start, sessions_per_week)`` in creation order -> non-overlapping periods."""
    ordered = sorted(plans, key=lambda p: p[0])
    periods = []
    for i, (start, spw) in enumerate(ordered):
        end = ordered[i + 1][0] if i + 1 < len(ordered) else None
        if end is None or end > start:
            periods.append(PlanPeriod(start, end, spw))
    return periods


def periods_with_ends(
    plans: Sequence[tuple[dt.date, int, dt.date | None]], *, maintenance_per_week: int
) -> list[PlanPeriod]:
    """Plans as ``(start, sessions_per_week, end)``: each is in force until its end (exclusive)
    or the next plan's start; between its end and the next start the maintenance dose
    (``maintenance_per_week``) is planned. A plan with 0 sessions (stopped) has no maintenance."""
    ordered = sorted(plans, key=lambda p: p[0])
    periods = []
    for i, (start, spw, end) in enumerate(ordered):
        following = ordered[i + 1][0] if i + 1 < len(ordered) else None
        stop = end if end is not None and (following is None or end < following) else following
        if stop is None or stop > start:
            periods.append(PlanPeriod(start, stop, spw))
        if stop is not None and stop == end and spw > 0 and (following is None or following > end):
            periods.append(PlanPeriod(end, following, maintenance_per_week))
    return periods


def planned_in_week(monday: dt.date, periods: Iterable[PlanPeriod]) -> int:
    total = 0.0
    sunday_next = monday + dt.timedelta(days=7)
    for period in periods:
        first = max(monday, period.start)
        last = min(sunday_next, period.end) if period.end else sunday_next
        days = (last - first).days
        if days > 0:
            total += period.sessions_per_week * days / 7
    return math.floor(total + 0.5)


def weekly_adherence(
    session_days: Iterable[dt.date],
    periods: Sequence[PlanPeriod],
    *,
    today: dt.date,
    weeks: int | None = None,
) -> list[WeekAdherence]:
    """One row per ISO week from the first plan or session up to the week of ``today``.

    ``session_days`` are local dates of sessions done; ``weeks`` keeps only the last N weeks.
    """
    days = [d for d in session_days if d <= today]
    starts = [p.start for p in periods] + days
    if not starts:
        return []
    done = Counter(week_start(d) for d in days)
    first, current = week_start(min(starts)), week_start(today)
    rows = []
    monday = first
    while monday <= current:
        rows.append(
            WeekAdherence(monday, planned_in_week(monday, periods), done[monday], monday < current)
        )
        monday += dt.timedelta(days=7)
    return rows[-weeks:] if weeks else rows
