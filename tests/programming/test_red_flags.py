"""Red flags stop the plan and advise a clinician."""

from __future__ import annotations

import pytest

from glutefire.programming.builder import build_plan
from glutefire.programming.questionnaire import answer_facts, parse_answers
from glutefire.programming.red_flags import check_red_flags

from .conftest import options


@pytest.mark.parametrize(
    ("change", "flag_id"),
    [
        ({"red_flags.worsening_pain": True}, "worsening_pain"),
        ({"red_flags.numbness_or_tingling": True}, "numbness_or_tingling"),
        ({"red_flags.pain_at_night": True}, "pain_at_night"),
        ({"red_flags.recent_trauma": True}, "recent_trauma"),
        ({"red_flags.bladder_or_bowel_changes": True}, "bladder_or_bowel_changes"),
        ({"red_flags.unexplained_weight_loss_or_fever": True}, "unexplained_weight_loss_or_fever"),
        ({"red_flags.leg_weakness": True}, "leg_weakness"),
        ({"pain.knee": 7}, "severe_pain"),
        ({"scales.nprs": 8}, "severe_pain_nprs"),
        ({"scales.oswestry": [4] * 10}, "oswestry_severe"),
    ],
)
def test_each_red_flag_is_raised_and_stops_the_plan(raw_answers, data, change, flag_id):
    ((path, value),) = change.items()
    group, key = path.split(".")
    raw_answers[group][key] = value
    answers = parse_answers(raw_answers)
    raised = check_red_flags(answer_facts(answers), table=data.red_flags)
    assert flag_id in [f.id for f in raised]
    plan = build_plan(answers=answers, findings=None, options=options(), data=data)
    assert plan.stopped is True
    assert plan.phases == []
    assert plan.red_flags
    assert any("clinician" in a or "physiotherapist" in a for a in plan.advice)


def test_no_red_flags_in_the_example(raw_answers, data):
    assert check_red_flags(answer_facts(parse_answers(raw_answers)), table=data.red_flags) == []


def test_pain_of_six_is_not_a_red_flag(raw_answers, data):
    raw_answers["pain"]["knee"] = 6
    facts = answer_facts(parse_answers(raw_answers))
    assert check_red_flags(facts, table=data.red_flags) == []
