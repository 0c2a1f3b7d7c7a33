"""The questionnaire is defined once (data/questionnaire.yaml): its vocabulary is the answers
model's, and the terminal and the web form turn the same replies into the same answers."""

from __future__ import annotations

from typing import get_args

import pytest

from glutefire.programming.form import answers_from_form
from glutefire.programming.questionnaire import Answers, parse_answers
from glutefire.programming.questions import load_questions, parse_reply


def _model_field(path: str):
    model, annotation = Answers, None
    for part in path.split("."):
        annotation = model.model_fields[part].annotation
        model = annotation if isinstance(annotation, type) else None
    return annotation


def _literal_values(annotation) -> set[str]:
    found: set[str] = set()
    for arg in get_args(annotation) or ():
        if get_args(arg):
            found |= _literal_values(arg)
        elif isinstance(arg, str):
            found.add(arg)
    return found


def test_every_question_fills_a_model_field_with_the_model_vocabulary():
    for q in load_questions().questions:
        annotation = _model_field(q.id)
        if q.options:
            assert set(q.options) == _literal_values(annotation), q.id


def test_terminal_and_form_replies_give_the_same_answers():
    replies = {
        "age_years": "67",
        "sex": "female",
        "sports": "running",
        "sitting_hours_per_day": "9",
        "training.quad_dominant_percent": "70",
        "training.abdominal_training": "mixed",
        "pain": "knee",
        "jump_landing": "unsure",
        "injuries": "none",
    }
    form: dict[str, str] = {
        "age_years": "67",
        "sex": "female",
        "sport_running": "on",
        "sitting_hours_per_day": "9",
        "quad_dominant_percent": "70",
        "abdominal_training": "mixed",
        "pain_knee": "4",
        "jump_landing": "unsure",
        "tight_hip_flexors": "on",
        "tight_hamstring_flexibility_normal": "on",
        **{q.field: "no" for q in load_questions().questions if q.must_answer},
    }
    from glutefire.programming.questions import set_path

    terminal: dict = {}
    for q in load_questions().questions:
        text = replies.get(
            q.id,
            "y"
            if q.id in ("tightness.hip_flexors", "tightness.hamstring_flexibility_normal")
            else "n"
            if q.kind == "yes_no"
            else "",
        )
        value = parse_reply(q, text)
        if q.kind == "pain_sites":
            value = {site: 4 for site in value}
        if value is not None:
            set_path(terminal, q.id, value)
    assert parse_answers(terminal) == parse_answers(answers_from_form(form.get))


@pytest.mark.parametrize(
    ("qid", "text", "message"),
    [
        ("age_years", "200", "expected a number from 10 to 110, but got 200"),
        ("sex", "robot", "expected one of female, male, other, but got 'robot'"),
        ("sports", "chess", "expected items from running"),
    ],
)
def test_bad_replies_say_what_was_expected(qid, text, message):
    q = next(q for q in load_questions().questions if q.id == qid)
    with pytest.raises(ValueError, match=message):
        parse_reply(q, text)


def test_the_web_form_starts_filled_in_so_it_submits_with_only_the_plan_fields():
    """Every required number has a starting value in the form (the browser refuses an empty
    required field), and those starting values are valid answers."""
    replies = {}
    for q in load_questions().questions:
        if q.kind in ("number", "integer") and not q.optional:
            start = q.form_value or q.default
            assert start is not None, q.id
            replies[q.field] = start
        if q.must_answer:
            replies[q.field] = "no"
    parse_answers(answers_from_form(replies.get))
