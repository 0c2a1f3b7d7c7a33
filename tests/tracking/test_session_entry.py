"""Building a session entry from the plan: phase by week, rotation, overrides, validation."""

from __future__ import annotations

import datetime as dt

import pytest

from glutefire.errors import RecordError
from glutefire.tracking.session_entry import (
    build_session_entry,
    current_phase,
    local_noon,
    next_session,
    parse_set_override,
)

UTC = dt.timezone.utc


def test_parse_set_override_forms():
    assert parse_set_override("glute_bridge:3x12@10 kg").load == "10 kg"
    hold = parse_set_override("side_plank:2x30s")
    assert (hold.sets, hold.reps, hold.hold_s) == (2, None, 30.0)
    with pytest.raises(RecordError, match="but got 'bridge'"):
        parse_set_override("bridge")


def test_phase_follows_plan_weeks(make_plan):
    plan = make_plan("2026-11-02")
    assert current_phase(plan, dt.date(2026, 10, 1))["name"] == "activate"  # before the start
    assert current_phase(plan, dt.date(2026, 11, 22))["name"] == "activate"  # week 3, Sunday
    assert current_phase(plan, dt.date(2026, 11, 23))["name"] == "integrate"  # week 4
    assert current_phase(plan, dt.date(2027, 6, 1))["name"] == "integrate"  # after the end
    assert current_phase({"phases": []}, dt.date(2026, 11, 2)) is None


def test_rotation(make_plan):
    phase = make_plan()["phases"][0]
    assert next_session(phase, None)["label"] == "A"
    assert next_session(phase, "A")["label"] == "B"
    assert next_session(phase, "B")["label"] == "A"
    assert next_session(phase, "Z")["label"] == "A"  # a label from an older phase


def test_without_a_plan_a_set_is_needed():
    moment = dt.datetime(2026, 11, 3, 18, tzinfo=UTC)
    with pytest.raises(RecordError, match="expected a current plan or at least one --set"):
        build_session_entry(None, performed_at=moment, time_zone="UTC")
    entry = build_session_entry(
        None, performed_at=moment, time_zone="UTC", sets=[parse_set_override("hip_thrust:3x8@40kg")]
    )
    assert entry.session_label is None and entry.exercises[0].target_sets is None


def test_naive_time_is_refused(make_plan):
    with pytest.raises(RecordError, match="time-zone-aware"):
        build_session_entry(make_plan(), performed_at=dt.datetime(2026, 11, 3), time_zone="UTC")


def test_local_noon_is_in_the_right_offset_across_dst():
    assert local_noon(dt.date(2026, 3, 28), "Europe/Berlin").utcoffset() == dt.timedelta(hours=1)
    assert local_noon(dt.date(2026, 3, 29), "Europe/Berlin").utcoffset() == dt.timedelta(hours=2)


def test_phase_uses_the_local_date(make_plan):
    # 2026-11-22 23:30 UTC is already Monday 2026-11-23 (week 4) in Berlin
    moment = dt.datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    berlin = build_session_entry(
        make_plan("2026-11-02"), performed_at=moment, time_zone="Europe/Berlin"
    )
    utc = build_session_entry(make_plan("2026-11-02"), performed_at=moment, time_zone="UTC")
    assert [e.exercise_id for e in berlin.exercises] == ["hip_thrust"]
    assert [e.exercise_id for e in utc.exercises] == ["glute_bridge", "side_plank"]
