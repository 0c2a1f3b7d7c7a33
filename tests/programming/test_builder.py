"""Plan building: phases, time budgets to the minute, drop order, maintenance, explanations."""

from __future__ import annotations

import datetime as dt

import pytest

from glutefire.errors import PlanError
from glutefire.programming import budget
from glutefire.programming.builder import build_plan
from glutefire.programming.questionnaire import parse_answers
from glutefire.result import parse_result

from .conftest import finding, options, result_with


def _plan(data, raw_answers, findings=None, **opts):
    result = parse_result(findings) if findings is not None else None
    return build_plan(
        answers=parse_answers(raw_answers), findings=result, options=options(**opts), data=data
    )


def _session_seconds(data, session) -> float:
    timing = budget.Timing(**data.phases.timing)
    items = [
        budget.Item(
            exercise=data.library.get(x.exercise_id),
            sets=x.sets,
            load=x.load,
            score=0,
            key=False,
            why=(),
        )
        for x in session.exercises
    ]
    return budget.session_seconds(items, timing=timing)


@pytest.mark.parametrize("minutes", [12, 15, 20, 25, 30, 45, 60, 90])
@pytest.mark.parametrize("maintenance", [False, True])
def test_every_session_fits_the_budget_to_the_minute(
    data, raw_answers, screen_result, minutes, maintenance
):
    plan = _plan(
        data, raw_answers, screen_result, minutes_per_session=minutes, maintenance=maintenance
    )
    for phase in plan.phases:
        for session in phase.sessions:
            seconds = _session_seconds(data, session)
            assert seconds <= minutes * 60
            assert session.minutes == round(seconds / 60, 1)
            assert session.exercises


def test_exercise_minutes_come_from_the_dose(data):
    timing = budget.Timing(setup_s=30, side_switch_s=10)
    clam = budget.Item(
        exercise=data.library.get("clamshell"), sets=2, load="", score=0, key=False, why=()
    )
    # 30 setup + 2 sets x 2 sides x 12 reps x 5 s + 1 rest x 30 s + 2 side switches x 10 s
    assert budget.item_seconds(clam, timing=timing) == 30 + 240 + 30 + 20
    plank = budget.Item(
        exercise=data.library.get("side_plank"), sets=2, load="", score=0, key=False, why=()
    )
    assert budget.item_seconds(plank, timing=timing) == 30 + 2 * 2 * 20 + 30 + 20


def test_tight_budget_drops_release_first_and_keeps_loaded_hip_extension(
    data, raw_answers, screen_result
):
    roomy = _plan(data, raw_answers, screen_result, minutes_per_session=60)
    tight = _plan(data, raw_answers, screen_result, minutes_per_session=15)
    roomy_phases = {x.phase for p in roomy.phases for s in p.sessions for x in s.exercises}
    assert "release" in roomy_phases
    integration = tight.phases[-1]
    for session in integration.sessions:
        ids = [x.exercise_id for x in session.exercises]
        assert not any(i.startswith("smr_") for i in ids)
        assert any(
            x.pattern == "hip_dominant" and data.library.get(x.exercise_id).loaded
            for x in session.exercises
        )
        assert any(x.phase == "activate" for x in session.exercises)
    reasons = [d.reason for d in tight.dropped if d.exercise_id.startswith("smr_")]
    assert reasons and all("first thing cut" in r or "ranked below" in r for r in reasons)
    assert any("see 'dropped'" in a for a in tight.advice)


def test_too_little_time_is_a_clear_error(data):
    bridge = budget.Item(
        exercise=data.library.get("hip_thrust"), sets=3, load="", score=1, key=True, why=()
    )
    with pytest.raises(PlanError, match=r"expected at least 2 minutes per session .* but got 1"):
        budget.fit_session([bridge], budget_min=1, timing=budget.Timing())


@pytest.mark.parametrize("minutes", [5, 6, 8])
def test_a_too_short_budget_is_refused_with_the_minutes_needed(data, raw_answers, minutes):
    with pytest.raises(
        PlanError,
        match=r"expected at least \d+ minutes per session for the "
        r"essential exercises \(.*1 set.*with set-up and warm-up\), but got "
        rf"{minutes}; raise --minutes-per-session",
    ):
        _plan(data, raw_answers, minutes_per_session=minutes)


def test_a_loaded_lift_counts_its_set_up_and_warm_up(data):
    timing = budget.Timing(**data.phases.timing)
    thrust = budget.Item(
        exercise=data.library.get("hip_thrust"), sets=3, load="", score=0, key=True, why=()
    )
    # 60 s set-up + 1 warm-up set (10 reps x 5 s + 45 s rest) + 3 x 50 s + 2 x 90 s rest
    assert budget.item_seconds(thrust, timing=timing) == 60 + 95 + 150 + 180


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        ({"minutes_per_session": 2}, "expected --minutes-per-session between 5 and 180, but got 2"),
        ({"weeks": 0}, "expected --weeks between 1 and 52, but got 0"),
        ({"sessions_per_week": 9}, "expected --sessions-per-week between 1 and 6, but got 9"),
    ],
)
def test_bad_options_are_rejected(data, raw_answers, opts, message):
    with pytest.raises(PlanError, match=message):
        _plan(data, raw_answers, **opts)


@pytest.mark.parametrize(
    ("weeks", "windows"),
    [
        (1, [(1, 1)]),
        (4, [(1, 2), (3, 4)]),
        (6, [(1, 2), (3, 6)]),
        (8, [(1, 3), (4, 8)]),
        (12, [(1, 3), (4, 12)]),
    ],
)
def test_activation_comes_first_then_integration(data, raw_answers, weeks, windows):
    plan = _plan(data, raw_answers, weeks=weeks, minutes_per_session=40)
    assert [(p.week_from, p.week_to) for p in plan.phases] == windows
    assert plan.phases[0].name == "activation"
    if len(windows) > 1:
        assert plan.phases[1].name == "integration"
        loaded = [
            x
            for s in plan.phases[1].sessions
            for x in s.exercises
            if data.library.get(x.exercise_id).loaded
        ]
        assert loaded
    first = [x for s in plan.phases[0].sessions for x in s.exercises]
    assert not any(data.library.get(x.exercise_id).loaded for x in first)


def test_sessions_follow_the_continuum_order(data, raw_answers, screen_result):
    order = ["release", "lengthen", "activate", "integrate"]
    plan = _plan(data, raw_answers, screen_result, minutes_per_session=60)
    for phase in plan.phases:
        for session in phase.sessions:
            phases = [order.index(x.phase) for x in session.exercises]
            assert phases == sorted(phases)


@pytest.mark.parametrize(("spw", "labels"), [(1, ["A"]), (2, ["A", "B"]), (3, ["A", "B"])])
def test_session_templates_per_week(data, raw_answers, spw, labels):
    plan = _plan(data, raw_answers, sessions_per_week=spw)
    assert plan.sessions_per_week == spw
    assert [s.label for s in plan.phases[0].sessions] == labels


def test_integration_balances_hip_and_knee_dominant_work(data, quiet_answers):
    plan = _plan(data, quiet_answers, minutes_per_session=40)
    for session in plan.phases[-1].sessions:
        patterns = {x.pattern for x in session.exercises}
        assert {"hip_dominant", "knee_dominant"} <= patterns
    assert plan.balance.hip_dominant_sets > 0 and plan.balance.knee_dominant_sets > 0


def test_balance_counts_sets_times_sessions(data, quiet_answers):
    plan = _plan(data, quiet_answers, minutes_per_session=40, weeks=4, sessions_per_week=2)
    expected = {"hip_dominant": 0, "knee_dominant": 0}
    for phase in plan.phases:
        weeks = phase.week_to - phase.week_from + 1
        for session in phase.sessions:
            for x in session.exercises:
                if x.pattern in expected:
                    expected[x.pattern] += x.sets * weeks  # 2 sessions/week: A and B once each
    assert plan.balance.hip_dominant_sets == expected["hip_dominant"]
    assert plan.balance.knee_dominant_sets == expected["knee_dominant"]


def test_maintenance_is_one_set_once_a_week(data, raw_answers):
    plan = _plan(data, raw_answers, maintenance=True, weeks=12, minutes_per_session=30)
    assert plan.mode == "maintenance"
    assert plan.sessions_per_week == 1
    assert [p.name for p in plan.phases] == ["maintenance"]
    exercises = [x for s in plan.phases[0].sessions for x in s.exercises]
    assert exercises and all(x.sets == 1 for x in exercises)
    assert any(x.pattern == "hip_dominant" for x in exercises)
    assert any("Spiering" in r.source for r in plan.expected_results)
    assert plan.reassess_on == "2027-01-12"  # 6 weeks after 2026-12-01


@pytest.mark.parametrize(("weeks", "reassess"), [(6, "2026-12-29"), (2, "2026-12-15")])
def test_reassessment_date(data, raw_answers, weeks, reassess):
    assert _plan(data, raw_answers, weeks=weeks).reassess_on == reassess


def test_valgus_with_heels_raised_plan_says_ankle_not_glutes(data, quiet_answers):
    result = result_with(finding("knees_cave_in", side="both", heels="absent"))
    plan = _plan(data, quiet_answers, result, minutes_per_session=40)
    texts = " ".join(e.so for e in plan.explanations)
    assert "ankle mobility rather than the glutes" in texts
    assert any("not glutes" in a for a in plan.advice)
    used = {x.exercise_id for p in plan.phases for s in p.sessions for x in s.exercises}
    assert "ankle_dorsiflexion_mobilisation" in used


def test_explanations_link_findings_to_exercises(data, quiet_answers, screen_result):
    plan = _plan(data, quiet_answers, screen_result, minutes_per_session=45)
    valgus = next(
        e for e in plan.explanations if e.because.startswith("finding Knees cave in (left)")
    )
    assert valgus.exercises and "Table 7.6" in valgus.source
    used = {x.exercise_id: x for p in plan.phases for s in p.sessions for x in s.exercises}
    assert any(w.startswith("finding Knees cave in") for e in valgus.exercises for w in used[e].why)


def test_not_assessable_findings_are_listed_as_not_checked(data, quiet_answers, screen_result):
    plan = _plan(data, quiet_answers, screen_result)
    items = [n.item for n in plan.not_checked]
    assert "finding Excessive forward lean" in items
    assert plan.findings_used is True


def test_questionnaire_only_plan_says_so(data, raw_answers):
    plan = _plan(data, raw_answers)
    assert plan.findings_used is False
    assert plan.not_checked[0].item == "squat screen"
    assert any("questionnaire only" in a for a in plan.advice)
    assert plan.phases


def test_avoided_exercises_never_appear_and_are_listed(data, quiet_answers):
    quiet_answers["injuries"] = ["disc_herniation"]
    quiet_answers["pain"] = {"shoulder": 2}
    plan = _plan(data, quiet_answers, minutes_per_session=60)
    used = {x.exercise_id for p in plan.phases for s in p.sessions for x in s.exercises}
    assert not used & {"reverse_crunch", "romanian_deadlift", "push_up"}
    assert {"reverse_crunch", "romanian_deadlift", "push_up"} <= {
        d.exercise_id for d in plan.dropped
    }


def test_weight_shift_side_cue(data, quiet_answers):
    plan = _plan(
        data,
        quiet_answers,
        result_with(finding("asymmetric_weight_shift", side="right")),
        minutes_per_session=40,
    )
    each = [x for p in plan.phases for s in p.sessions for x in s.exercises if x.side == "each"]
    assert each and all(any("right leg" in c for c in x.cues) for x in each)


def test_plan_is_deterministic(data, raw_answers, screen_result):
    first = _plan(data, raw_answers, screen_result)
    second = _plan(data, raw_answers, screen_result)
    assert first.model_dump() == second.model_dump()
    assert first.created_on == "2026-11-25" and first.start_date == dt.date(2026, 12, 1).isoformat()
