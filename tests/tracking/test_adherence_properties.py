"""Property tests: adherence weeks are contiguous and count every session exactly once."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from glutefire.tracking.adherence import PlanPeriod, local_date, weekly_adherence

ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
MOMENTS = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(dt.UTC)
)


@settings(max_examples=60, deadline=None)
@given(moments=st.lists(MOMENTS, max_size=40), zone=ZONES, spw=st.integers(0, 7))
def test_every_session_counted_once_in_contiguous_weeks(moments, zone, spw):
    days = [local_date(m, zone) for m in moments]
    today = dt.date(2027, 1, 10)
    weeks = weekly_adherence(days, [PlanPeriod(dt.date(2025, 1, 1), None, spw)], today=today)
    assert sum(w.done for w in weeks) == len(days)
    starts = [w.week_start for w in weeks]
    assert all(s.weekday() == 0 for s in starts)
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(starts, starts[1:], strict=False))
    assert all(w.planned == spw for w in weeks[1:])
    assert [w.complete for w in weeks].count(False) == 1
