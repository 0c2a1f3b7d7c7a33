"""Editing a plan without the questionnaire: a swapped exercise, other minutes or sessions a
week, a copy. The edited plan is rebuilt by the builder, so its doses fit the new budget and
every explanation stays true of it (property test over intakes, findings, swaps and budgets)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glutefire.errors import LibraryError, PlanError
from glutefire.programming.builder import TRAINER_EDIT, build_plan
from glutefire.programming.edit import (
    PlanChange,
    edit_plan,
    plan_exercise_ids,
    swap_choices,
    with_swap,
)
from glutefire.programming.plan import Swap
from glutefire.programming.questionnaire import parse_answers

from .conftest import options
from .test_explanations_true import _check_every_sentence, intakes, screenings

TODAY = dt.date(2026, 12, 5)


def _used(plan) -> set[str]:
    return set(plan_exercise_ids(plan))


def _check_edited(plan, data, *, minutes: int, spw: int) -> None:
    assert plan.minutes_per_session == minutes and plan.sessions_per_week == spw
    for phase in plan.phases:
        for session in phase.sessions:
            assert session.minutes <= minutes + 0.05, (phase.name, session.label)
    swap_sentences = [e for e in plan.explanations if e.because.startswith(TRAINER_EDIT)]
    rest = plan.model_copy(
        update={"explanations": [e for e in plan.explanations if e not in swap_sentences]}
    )
    _check_every_sentence(rest, data)
    used, dropped = _used(plan), {d.exercise_id for d in plan.dropped}
    for swap in plan.swaps:
        assert swap.exercise_id not in used and swap.exercise_id in dropped
        assert swap.replaced_by in used or swap.replaced_by in dropped
    for e in swap_sentences:
        assert e.exercises and set(e.exercises) <= used
        assert any(s.replaced_by in e.exercises for s in plan.swaps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=intakes(),
    result=screenings(),
    minutes=st.sampled_from([20, 30, 45]),
    new_minutes=st.sampled_from([15, 20, 30, 60]),
    new_spw=st.sampled_from([1, 2, 3, 4]),
    pick=st.integers(0, 1000),
)
def test_an_edited_plan_is_dosed_for_the_edit_and_its_explanations_stay_true(
    data, answers, result, minutes, new_minutes, new_spw, pick
):
    parsed = parse_answers(answers)
    try:
        plan = build_plan(
            answers=parsed, findings=result, options=options(minutes_per_session=minutes), data=data
        )
    except PlanError:
        return
    if plan.stopped:
        return
    ids = plan_exercise_ids(plan)
    old = ids[pick % len(ids)]
    choices = swap_choices(plan, old, answers=parsed, findings=result, data=data)
    swap = (old, choices[pick % len(choices)].id) if choices else None
    change = PlanChange(
        minutes_per_session=new_minutes, sessions_per_week=new_spw, swaps=(swap,) if swap else ()
    )
    try:
        edited = edit_plan(plan, change, answers=parsed, findings=result, data=data, today=TODAY)
    except PlanError as exc:
        assert "expected at least" in str(exc) and "raise --minutes-per-session" in str(exc)
        return
    assert edited.created_on == TODAY.isoformat() and edited.start_date == plan.start_date
    _check_edited(edited, data, minutes=new_minutes, spw=new_spw)
    if swap is not None:
        assert edited.swaps == [Swap(exercise_id=swap[0], replaced_by=swap[1])]


def test_a_swap_keeps_the_dose_rules_and_survives_a_later_re_dose(data, raw_answers):
    parsed = parse_answers(raw_answers)
    plan = build_plan(answers=parsed, findings=None, options=options(), data=data)
    old = next(x for p in plan.phases for s in p.sessions for x in s.exercises)
    new = swap_choices(plan, old.exercise_id, answers=parsed, findings=None, data=data)[0]
    swapped = edit_plan(
        plan,
        PlanChange(swaps=((old.exercise_id, new.id),)),
        answers=parsed,
        findings=None,
        data=data,
        today=TODAY,
    )
    assert old.exercise_id not in _used(swapped) and new.id in _used(swapped)
    placed = next(
        x
        for p in swapped.phases
        for s in p.sessions
        for x in s.exercises
        if x.exercise_id == new.id
    )
    assert placed.phase == old.phase and placed.reps == new.dose.reps
    assert any(d.reason == f"swapped for {new.name} by the trainer" for d in swapped.dropped)
    longer = edit_plan(
        swapped,
        PlanChange(minutes_per_session=45),
        answers=parsed,
        findings=None,
        data=data,
        today=TODAY,
    )
    assert new.id in _used(longer) and old.exercise_id not in _used(longer)
    assert longer.minutes_per_session == 45
    copy = edit_plan(
        longer,
        PlanChange(start_date=dt.date(2027, 1, 4)),
        answers=parsed,
        findings=None,
        data=data,
        today=TODAY,
    )
    assert copy.phases == longer.phases and copy.start_date == "2027-01-04"
    assert copy.reassess_on != longer.reassess_on


def test_swaps_chain_and_undo():
    ab = with_swap((), "a", "b")
    assert with_swap(ab, "b", "c") == (Swap(exercise_id="a", replaced_by="c"),)
    assert with_swap(ab, "b", "a") == ()
    assert with_swap(ab, "x", "y") == (*ab, Swap(exercise_id="x", replaced_by="y"))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("glute_bridge", "glute_bridge", "expected another exercise"),
        ("glute_bridge", "half_kneeling_hip_flexor_stretch", "of the activate phase in place"),
        ("hip_hinge", "romanian_deadlift", "expected an exercise without external load"),
        ("glute_bridge", "nope", "expected a known exercise id"),
    ],
)
def test_bad_swaps_are_refused(data, raw_answers, old, new, message):
    parsed = parse_answers(raw_answers)
    plan = build_plan(answers=parsed, findings=None, options=options(), data=data)
    with pytest.raises((PlanError, LibraryError), match=message):
        edit_plan(
            plan,
            PlanChange(swaps=((old, new),)),
            answers=parsed,
            findings=None,
            data=data,
            today=TODAY,
        )


def test_an_exercise_left_out_for_pain_cannot_be_swapped_in(data, raw_answers):
    raw_answers["pain"] = {"groin": 3}
    parsed = parse_answers(raw_answers)
    plan = build_plan(answers=parsed, findings=None, options=options(), data=data)
    integrate = next(
        x.exercise_id
        for p in plan.phases
        for s in p.sessions
        for x in s.exercises
        if x.phase == "integrate" and not data.library.get(x.exercise_id).loaded
    )
    choices = swap_choices(plan, integrate, answers=parsed, findings=None, data=data)
    assert "lateral_lunge" not in {c.id for c in choices}
    with pytest.raises(PlanError, match="Lateral lunge is left out for this client: left out"):
        edit_plan(
            plan,
            PlanChange(swaps=((integrate, "lateral_lunge"),)),
            answers=parsed,
            findings=None,
            data=data,
            today=TODAY,
        )
