"""Every explanation sentence is true of the plan it sits in (property test over many intakes,
findings and time budgets), and a knee-pain plan keeps pain-limited knee-dominant work."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glutefire.errors import PlanError
from glutefire.programming.builder import build_plan
from glutefire.programming.explanation import NOT_INCLUDED
from glutefire.programming.questionnaire import parse_answers
from glutefire.result import ScreeningResult

from .conftest import ROOT, finding, options, result_with

BASE = yaml.safe_load((ROOT / "examples" / "intake_example.yaml").read_text())
CODES = [
    "knees_cave_in",
    "knees_forward",
    "excessive_forward_lean",
    "heel_rise",
    "feet_turn_out",
    "asymmetric_weight_shift",
    "arms_fall_forward",
    "insufficient_depth",
]
PAIN_SITES = ["knee", "lower_back", "groin", "shoulder", "hip"]
INJURIES = ["patellofemoral_pain", "it_band_syndrome", "disc_herniation", "piriformis_syndrome"]


@st.composite
def intakes(draw) -> dict:
    answers = copy.deepcopy(BASE)
    answers.pop("scales", None)
    answers["sitting_hours_per_day"] = draw(st.sampled_from([2, 6, 10]))
    answers["age_years"] = draw(st.sampled_from([None, 25, 45, 60, 75]))
    answers["sex"] = draw(st.sampled_from([None, "female", "male"]))
    answers["sports"] = draw(
        st.lists(st.sampled_from(["running", "cycling", "court_sports"]), unique=True)
    )
    cramp = draw(st.sampled_from([None, True, False]))
    answers["training"] = {
        "quad_dominant_percent": draw(st.sampled_from([20, 50, 80])),
        "abdominal_training": draw(
            st.sampled_from(["none", "crunches_situps", "planks_bracing", "mixed"])
        ),
    }
    sites = draw(st.lists(st.sampled_from(PAIN_SITES), unique=True, max_size=3))
    answers["pain"] = {s: draw(st.integers(1, 6)) for s in sites}
    answers["injuries"] = draw(st.lists(st.sampled_from(INJURIES), unique=True, max_size=2))
    answers["tightness"] = {
        k: draw(st.booleans())
        for k in (
            "hamstrings_after_glute_lifts",
            "groin_after_glute_lifts",
            "hip_flexors",
            "low_back",
        )
    }
    answers["tightness"]["hamstrings_cramp_in_bridges"] = cramp
    answers["jump_landing"] = draw(
        st.sampled_from(["no_jumping", "soft_quiet", "stiff_loud", "knees_cave_in"])
    )
    return answers


@st.composite
def screenings(draw) -> ScreeningResult | None:
    if draw(st.booleans()):
        return None
    codes = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=4))
    heels = draw(st.sampled_from([None, "present", "absent"]))
    return result_with(*(finding(c, heels=heels if c == "knees_cave_in" else None) for c in codes))


def _build(
    data, answers: dict, result: ScreeningResult | None, minutes: int, maintenance: bool = False
):
    return build_plan(
        answers=parse_answers(answers),
        findings=result,
        options=options(minutes_per_session=minutes, maintenance=maintenance),
        data=data,
    )


def _check_every_sentence(plan, data) -> None:
    used = {x.exercise_id for p in plan.phases for s in p.sessions for x in s.exercises}
    rules = {r.id: r for r in data.rules.rules}
    by_sentence = {" ".join(r.so.split()): r for r in rules.values()}
    for e in plan.explanations:
        assert e.exercises == [x for x in e.exercises if x in used]
        if e.so.startswith(NOT_INCLUDED):
            continue  # the plan says it could not hold what the rule would add
        if e.because.startswith("answer: you are 60 or older"):
            assert plan.mode == "maintenance" and f"{plan.sessions_per_week} session(s)" in e.so
            continue
        rule = by_sentence[" ".join(e.so.split())]
        groups = (
            rule.claims if rule.claims is not None else ([rule.exercises] if rule.exercises else [])
        )
        for group in groups:
            assert set(group) & used, f"{rule.id}: {e.so!r} claims one of {group}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=intakes(),
    result=screenings(),
    minutes=st.sampled_from([12, 15, 20, 30, 45, 60]),
    maintenance=st.booleans(),
)
def test_every_explanation_sentence_is_true_of_its_plan(
    data, answers, result, minutes, maintenance
):
    try:
        plan = _build(data, answers, result, minutes, maintenance)
    except PlanError as exc:
        assert "expected at least" in str(exc) and "raise --minutes-per-session" in str(exc)
        return
    _check_every_sentence(plan, data)
    if "knee" in answers["pain"] and not plan.stopped and not maintenance:
        assert plan.balance.knee_dominant_sets > 0


@pytest.mark.parametrize("minutes", [15, 20, 30])
def test_knee_pain_keeps_knee_dominant_work_in_every_session_of_integration(data, minutes):
    answers = copy.deepcopy(BASE)
    answers["pain"] = {"knee": 4}
    plan = _build(data, answers, None, minutes)
    assert plan.balance.knee_dominant_sets > 0
    for session in plan.phases[-1].sessions:
        assert any(x.pattern == "knee_dominant" for x in session.exercises), session.label
    sentence = next(e.so for e in plan.explanations if "knee pain" in e.because)
    assert "pain-limited knee-dominant work" in sentence


def test_an_explanation_whose_work_was_cut_says_so(data):
    answers = copy.deepcopy(BASE)
    answers["training"]["abdominal_training"] = "crunches_situps"
    answers["pain"] = {"knee": 4}
    plan = _build(data, answers, None, 15)
    trunk = next(e for e in plan.explanations if "abdominal training" in e.because)
    assert trunk.so.startswith("this plan could not include Dead bug")
    assert trunk.exercises == []


def test_older_adults_keep_two_sessions_and_two_sets_in_maintenance(data):
    answers = copy.deepcopy(BASE)
    answers["age_years"] = 68
    plan = _build(data, answers, None, 30, maintenance=True)
    assert plan.sessions_per_week == 2
    assert {x.sets for p in plan.phases for s in p.sessions for x in s.exercises} == {2}
    assert any("60 or older" in e.because for e in plan.explanations)
    young = _build(data, copy.deepcopy(BASE), None, 30, maintenance=True)
    assert young.sessions_per_week == 1


def test_runner_and_cramping_answers_change_the_plan(data):
    answers = copy.deepcopy(BASE)
    answers["sports"] = ["running"]
    answers["tightness"]["hamstrings_cramp_in_bridges"] = True
    plan = _build(data, answers, None, 45)
    becauses = " ".join(e.because for e in plan.explanations)
    assert "you run" in becauses and "your hamstrings cramp in bridges" in becauses
    assert any("if the hamstrings cramp, stop" in a for a in plan.advice)


def test_45_minutes_says_why_sessions_are_shorter(data):
    plan = _build(data, copy.deepcopy(BASE), None, 45)
    longest = max(s.minutes for p in plan.phases for s in p.sessions)
    assert longest < 40
    note = next(a for a in plan.advice if a.startswith("Sessions take about"))
    assert "of the 45 you have: every exercise chosen for you fits at its full dose" in note


def test_a_woman_in_a_court_sport_gets_single_leg_control_work_a_man_does_not(data):
    answers = copy.deepcopy(BASE)
    answers["sports"] = ["court_sports"]
    answers["sex"] = "female"
    plan = _build(data, answers, None, 45)
    explained = next(
        e for e in plan.explanations if "woman who plays a field or court sport" in e.because
    )
    assert "single-leg control" in explained.so
    chosen = {x.exercise_id for p in plan.phases for s in p.sessions for x in s.exercises}
    assert chosen & {"lateral_step_up", "step_up", "single_leg_deadlift", "reverse_lunge"}
    answers["sex"] = "male"
    male = _build(data, answers, None, 45)
    assert not any("court sport" in e.because for e in male.explanations)
    answers["sex"], answers["sports"] = "female", ["cycling"]
    cyclist = _build(data, answers, None, 45)
    assert not any("court sport" in e.because for e in cyclist.explanations)
