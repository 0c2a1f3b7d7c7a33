"""Adherence weeks and relapse rules on constructed histories."""

from __future__ import annotations

import datetime as dt

import pytest

from glutefire.result import FindingCode, ScreeningResult, Status
from glutefire.tracking.adherence import (
    PlanPeriod,
    local_date,
    periods_from_plans,
    periods_with_ends,
    planned_in_week,
    weekly_adherence,
)
from glutefire.tracking.relapse import (
    BETTER,
    NO_REAL_CHANGE,
    NOT_JUDGED,
    WORSE,
    compare_latest,
    compare_screenings,
    detect_relapse,
    lapse_streak,
    load_rules,
    metric_history,
    minimum_maintenance_routine,
    past_gaps,
    plan_timeline,
)
from results import make_finding, with_finding

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


def dated(*results: ScreeningResult) -> list:
    """Screenings a week apart, oldest first, as stored: (recorded_at, result)."""
    start = dt.datetime(2026, 11, 2, 12, tzinfo=dt.timezone.utc)
    return [(start + dt.timedelta(weeks=i), r) for i, r in enumerate(results)]


def _edit_knees(result: ScreeningResult, **fields) -> ScreeningResult:
    knees = result.finding(FindingCode.KNEES_CAVE_IN)
    return with_finding(result, knees.model_validate({**knees.model_dump(), **fields}))


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
    assert comparisons["knees_cave_in_left"].verdict == verdict
    assert comparisons["knees_cave_in_left"].sdd == 8.0
    assert comparisons["knees_cave_in_left"].label == "Knees cave in (left)"


def test_only_findings_are_compared_never_raw_per_rep_metrics(make_result):
    comparisons = compare_screenings(make_result(4.0), make_result(13.0), RULES.noise)
    assert [c.key for c in comparisons] == ["knees_cave_in_left"]


def test_per_side_values_keep_one_series_per_side_whatever_the_status(make_result):
    first = _edit_knees(make_result(4.0), side="none", per_side={"left": 4.0, "right": 3.0})
    second = _edit_knees(make_result(20.0), side="left", per_side={"left": 20.0, "right": 3.5})
    series = {s.key: s for s in metric_history(dated(first, second), RULES.noise)}
    assert series["knees_cave_in_left"].values == (4.0, 20.0)
    assert series["knees_cave_in_right"].values == (3.0, 3.5)


def test_a_front_plus_side_session_is_compared_with_the_last_front_measure(make_result):
    side_only = with_finding(
        make_result(4.0, view="side"),
        make_finding(FindingCode.KNEES_CAVE_IN, reason="needs a view from the front or back"),
    )
    screenings = dated(make_result(4.0), side_only, make_result(13.0))
    (row,) = compare_latest(screenings, RULES.noise)
    assert (row.previous_at, row.current_at) == (screenings[0][0], screenings[2][0])
    assert (row.previous_view, row.current_view, row.verdict) == ("front", "front", WORSE)


def test_worse_rescreen_gives_replan_advice(make_result, make_plan):
    report = detect_relapse(
        [], dated(make_result(4.0), make_result(13.0)), make_plan(), today=MON, rules=RULES
    )
    (alert,) = report.alerts
    assert (
        "Re-screen 2026-11-09 vs 2026-11-02: Knees cave in (left) 4.0 deg -> 13.0 deg (+9.0 deg), "
        "more than its 8 deg smallest detectable difference" in alert.message
    )
    assert "not a diagnosis" in alert.message
    assert report.replan is not None and report.replan.worse == ("Knees cave in (left)",)
    assert report.routine is None


def test_rescreen_within_noise_raises_nothing(make_result):
    report = detect_relapse(
        [], dated(make_result(4.0), make_result(11.0)), None, today=MON, rules=RULES
    )
    assert report.alerts == ()
    assert {c.verdict for c in report.comparisons} == {NO_REAL_CHANGE}


def test_findings_without_a_documented_sdd_are_not_judged(make_result):
    previous, current = (
        with_finding(
            make_result(),
            make_finding(
                FindingCode.FEET_TURN_OUT,
                Status.ABSENT,
                value=v,
                unit="deg",
                per_side={"left": v},
                confidence=0.8,
            ),
        )
        for v in (5.0, 30.0)
    )
    rows = {c.key: c for c in compare_screenings(previous, current, RULES.noise)}
    assert rows["feet_turn_out_left"].verdict == NOT_JUDGED
    assert rows["feet_turn_out_left"].sdd is None


def test_plan_ends_and_maintenance_follows_on_its_own(make_plan):
    plan = make_plan("2026-11-02")  # 6 weeks: ends 2026-12-14
    timeline = plan_timeline(plan, [], today=dt.date(2026, 12, 20))
    assert timeline.ended_on == dt.date(2026, 12, 14) and timeline.in_maintenance
    assert timeline.reassess_due  # reassess_on 2026-12-14 passed without a screening
    periods = periods_with_ends(
        [(MON, 3, dt.date(2026, 12, 14))], maintenance_per_week=RULES.maintenance_sessions_per_week
    )
    weeks = weekly_adherence([], periods, today=dt.date(2026, 12, 28))
    assert [w.planned for w in weeks][-4:] == [3, 1, 1, 1]  # from the week of 2026-12-14


def test_past_gaps_stay_in_the_record_after_training_resumes():
    weeks = _weeks([3, 0, 0, 0, 3, 3], today_offset=43)
    assert lapse_streak(weeks, RULES.adherence) == 0
    assert past_gaps(weeks, RULES.adherence) == [
        (MON + dt.timedelta(weeks=1), MON + dt.timedelta(weeks=4, days=-1), 3)
    ]


def test_older_adults_maintenance_dose():
    older = RULES.for_age(70)
    assert (older.maintenance_sessions_per_week, older.maintenance_sets_per_exercise) == (2, 2)
    assert older.adherence.min_sessions_per_week == 2
    assert RULES.for_age(30) is RULES and RULES.for_age(None) is RULES
