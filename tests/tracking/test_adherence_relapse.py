"""Adherence weeks and relapse rules on constructed histories."""

from __future__ import annotations

import datetime as dt

import pytest

from glutefire.result import parse_result
from glutefire.tracking.adherence import (
    PlanPeriod,
    local_date,
    periods_from_plans,
    planned_in_week,
    weekly_adherence,
)
from glutefire.tracking.relapse import (
    BETTER,
    NO_REAL_CHANGE,
    NOT_JUDGED,
    WORSE,
    compare_screenings,
    detect_relapse,
    lapse_streak,
    load_rules,
    minimum_maintenance_routine,
)

RULES = load_rules()
MON = dt.date(2026, 11, 2)  # a Monday


def days(*offsets: int) -> list[dt.date]:
    return [MON + dt.timedelta(days=o) for o in offsets]


def test_weekly_adherence_counts_done_vs_planned():
    weeks = weekly_adherence(
        days(0, 2, 4, 8), [PlanPeriod(MON, None, 3)], today=MON + dt.timedelta(days=15)
    )
    assert [(w.iso_week, w.planned, w.done, w.complete) for w in weeks] == [
        ("2026-W45", 3, 3, True),
        ("2026-W46", 3, 1, True),
        ("2026-W47", 3, 0, False),
    ]


def test_plan_starting_midweek_is_prorated():
    assert planned_in_week(MON, [PlanPeriod(MON + dt.timedelta(days=3), None, 3)]) == 2  # 3*4/7
    assert planned_in_week(MON, [PlanPeriod(MON + dt.timedelta(days=6), None, 3)]) == 0


def test_periods_from_plans_end_where_the_next_starts():
    periods = periods_from_plans([(MON, 3), (MON + dt.timedelta(days=14), 1)])
    assert periods == [
        PlanPeriod(MON, MON + dt.timedelta(days=14), 3),
        PlanPeriod(MON + dt.timedelta(days=14), None, 1),
    ]


def test_empty_history_has_no_weeks_and_no_alerts():
    assert weekly_adherence([], [], today=MON) == []
    report = detect_relapse([], [], None, today=MON, rules=RULES)
    assert report.alerts == () and report.lapse_weeks == 0 and report.routine is None


def test_local_date_across_dst():
    # 2026-03-29 01:30 UTC is 03:30 CEST (after the spring-forward); 2026-03-29 22:30 UTC is
    # already Monday 00:30 in Berlin.
    late = dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.timezone.utc)
    assert local_date(late, "Europe/Berlin") == dt.date(2026, 3, 30)
    assert local_date(late, "America/New_York") == dt.date(2026, 3, 29)
    with pytest.raises(ValueError, match="expected a time-zone-aware datetime"):
        local_date(dt.datetime(2026, 3, 29), "UTC")


def _weeks(done_per_week: list[int], *, today_offset: int, spw: int = 3):
    sessions = [
        MON + dt.timedelta(days=7 * w + i) for w, n in enumerate(done_per_week) for i in range(n)
    ]
    return weekly_adherence(
        sessions, [PlanPeriod(MON, None, spw)], today=MON + dt.timedelta(days=today_offset)
    )


def test_two_empty_weeks_raise_an_alert_with_a_routine(make_plan):
    weeks = _weeks([3, 2, 0, 0], today_offset=29)  # the 5th week just started, nothing yet
    report = detect_relapse(
        weeks, [], make_plan(MON.isoformat()), today=MON + dt.timedelta(days=29), rules=RULES
    )
    assert report.lapse_weeks == 2
    (alert,) = report.alerts
    assert alert.rule_id == "adherence_below_maintenance" and "Spiering" in alert.source
    routine = report.routine
    assert routine.sessions_per_week == 1
    assert [(e["exercise_id"], e["sets"], e["reps"], e["load"]) for e in routine.exercises] == [
        ("hip_thrust", 1, 10, "20 kg")
    ]  # week 5 = the integrate phase, 1 set at the same load


def test_one_empty_week_is_not_a_relapse():
    assert lapse_streak(_weeks([3, 3, 0], today_offset=22), RULES.adherence) == 1


def test_resuming_in_the_current_week_clears_the_lapse():
    assert lapse_streak(_weeks([3, 0, 0, 1], today_offset=24), RULES.adherence) == 0


def test_weeks_without_a_plan_do_not_count():
    weeks = _weeks([0, 0, 0], today_offset=22, spw=0)
    assert lapse_streak(weeks, RULES.adherence) == 0


def test_maintenance_routine_from_first_phase(make_plan):
    routine = minimum_maintenance_routine(make_plan(MON.isoformat()), on=MON, rules=RULES)
    assert [(e["exercise_id"], e["sets"], e["hold_s"]) for e in routine.exercises] == [
        ("glute_bridge", 1, None),
        ("side_plank", 1, 30),
        ("clamshell", 1, None),
    ]
    assert minimum_maintenance_routine(None, on=MON, rules=RULES).exercises == ()


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (4.0, 11.9, NO_REAL_CHANGE),
        (4.0, 12.5, WORSE),
        (14.0, 5.0, BETTER),
        (4.0, -3.9, NO_REAL_CHANGE),
    ],
)
def test_fppa_judged_against_its_8_degree_sdd(make_result, before, after, verdict):
    comparisons = {
        c.key: c for c in compare_screenings(make_result(before), make_result(after), RULES.noise)
    }
    assert comparisons["knee_fppa_left_deg"].verdict == verdict
    assert comparisons["knee_fppa_left_deg"].sdd == 8.0
    assert comparisons["knees_cave_in"].verdict == verdict
    assert comparisons["knee_fppa_right_deg"].verdict == NO_REAL_CHANGE


def test_kasr_lower_is_worse_and_unknown_metrics_are_not_judged(make_result):
    previous, current = make_result(kasr=0.9).to_jsonable(), make_result(kasr=0.7).to_jsonable()
    for result in (previous, current):
        for rep in result["reps"]:
            rep["metrics"]["heel_rise_ratio"] = 0.1
    current["reps"][0]["metrics"]["heel_rise_ratio"] = 0.9
    previous, current = parse_result(previous), parse_result(current)
    comparisons = {c.key: c for c in compare_screenings(previous, current, RULES.noise)}
    assert comparisons["kasr"].verdict == WORSE
    assert comparisons["heel_rise_ratio"].verdict == NOT_JUDGED


def test_rescreen_alert_compares_same_view_only(make_result):
    screenings = [make_result(4.0), make_result(20.0, view="side"), make_result(13.0)]
    report = detect_relapse([], screenings, None, today=MON, rules=RULES)
    (alert,) = report.alerts  # the finding and the per-rep metric give one alert
    assert alert.rule_id == "rescreen_worse_than_sdd" and "Munro" in alert.source
    assert "more than its 8 deg smallest detectable difference" in alert.message
    assert "knee_fppa_left_deg 4.0 -> 13.0 deg (+9.0)" in alert.message
    assert "not a diagnosis" in alert.message
    assert report.routine is not None and report.routine.exercises == ()


def test_rescreen_within_noise_raises_nothing(make_result):
    report = detect_relapse([], [make_result(4.0), make_result(11.0)], None, today=MON, rules=RULES)
    assert report.alerts == ()
    assert {c.verdict for c in report.comparisons} == {NO_REAL_CHANGE}


def test_incomplete_reps_are_left_out_of_means(make_result):
    doc = make_result(4.0).to_jsonable()
    doc["reps"][0]["complete"] = False
    doc["reps"][0]["metrics"]["knee_fppa_left_deg"] = 60.0
    result = parse_result(doc)
    comparisons = {c.key: c for c in compare_screenings(make_result(4.0), result, RULES.noise)}
    assert comparisons["knee_fppa_left_deg"].verdict == NO_REAL_CHANGE
