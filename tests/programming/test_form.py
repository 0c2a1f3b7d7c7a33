"""The questionnaire form reader: stored answers shown in the form read back as the same
answers (except the warning signs, which are asked afresh), and any text typed into any field
gives answers or messages, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from glutefire.programming.form import (
    field_names,
    form_values,
    read_form,
    scale_field_names,
)
from glutefire.programming.questionnaire import RedFlagAnswers, parse_answers
from glutefire.programming.questions import load_questions

ANSWERS = {
    "age_years": 52,
    "sex": "male",
    "sports": ["court_sports", "cycling"],  # in the order of the options
    "sitting_hours_per_day": 7.5,
    "training": {"quad_dominant_percent": 60, "abdominal_training": "planks_bracing"},
    "pain": {"lower_back": 3, "hip": 2},
    "tightness": {
        "hamstrings_after_glute_lifts": True,
        "groin_after_glute_lifts": False,
        "hamstring_flexibility_normal": False,
        "hip_flexors": True,
        "low_back": False,
        "hamstrings_cramp_in_bridges": True,
    },
    "jump_landing": "soft_quiet",
    "injuries": ["disc_herniation"],
    "red_flags": dict.fromkeys(RedFlagAnswers.model_fields, False),
    "scales": {
        "nprs": 4,
        "kujala": list("abcabcabcabca"),
        "oswestry": [0, 1, 2, 3, 4, 5, 0, None, 1, 2],
    },
}


def test_stored_answers_read_back_from_the_form_once_the_warning_signs_are_answered():
    values = form_values(parse_answers(ANSWERS).model_dump(mode="json"))
    assert not [name for name in values if name.startswith("flag_")]
    values.update({q.field: "no" for q in load_questions().questions if q.must_answer})
    reading = read_form(values.get)
    assert reading.errors == {}
    assert parse_answers(reading.answers) == parse_answers(ANSWERS)


NAMES = [n for q in load_questions().questions for n in field_names(q)] + scale_field_names()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), st.text(max_size=40)))
def test_any_text_in_any_field_gives_answers_or_messages(fields):
    reading = read_form(fields.get)
    if not reading.errors:
        parse_answers(reading.answers)  # valid whenever nothing was flagged
    assert all(isinstance(m, str) and m for m in reading.errors.values())
