"""Questionnaire answers: validation with clear messages, and correct scale scoring."""

from __future__ import annotations

import pytest

from glutefire.errors import IntakeError
from glutefire.programming.questionnaire import (
    answer_facts,
    parse_answers,
    score_kujala,
    score_oswestry,
)


def test_example_answers_parse_and_score(raw_answers):
    answers = parse_answers(raw_answers)
    facts = answer_facts(answers)
    assert facts["pain.knee"] == 3 and facts["pain.max"] == 3
    assert facts["injuries.patellofemoral_pain"] is True
    assert facts["scales.kujala"] == 88
    assert facts["scales.oswestry_pct"] == pytest.approx(8.9)


def test_intake_file_wrapping_answers_is_accepted(raw_answers):
    assert parse_answers({"answers": raw_answers}).sitting_hours_per_day == 9


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (["a"] * 13, 100),
        (["c", "c", "d", "d", "e", "e", "d", "e", "e", "e", "e", "c", "c"], 0),
        (["a", "a", "a", "b", "b", "b", "b", "b", "b", "a", "a", "a", "a"], 88),
        (["b", "b", "c", "c", "d", "c", "b", "d", "c", "b", "b", "b", "b"], 58),
    ],
)
def test_kujala_item_scoring(choices, expected):
    # Last row by hand (Kujala 1993 item points): limp 3, support 3, walking 2, stairs 5,
    # squatting 2, running 6, jumping 7, sitting 4, pain 6, swelling 8, kneecap 6, atrophy 3,
    # flexion 3 = 58. Third row: the example answers file.
    assert score_kujala(choices) == expected


def test_kujala_rejects_an_option_the_item_does_not_have():
    with pytest.raises(
        IntakeError, match=r"Kujala item 1 \(Limp\) to be one of a, b, c, but got 'd'"
    ):
        score_kujala(["d"] + ["a"] * 12)


@pytest.mark.parametrize(
    ("sections", "pct", "band"),
    [
        ([0] * 10, 0.0, "minimal disability"),
        ([1] * 10, 20.0, "minimal disability"),
        ([2] * 10, 40.0, "moderate disability"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, None], 60.0, "severe disability"),
        ([4] * 10, 80.0, "crippled"),
        ([5] * 10, 100.0, "bed-bound"),
        ([1, 2, 3, 0, 1, 2, 3, 0, None, None], 30.0, "moderate disability"),
    ],
)
def test_oswestry_sum_over_answered_sections(sections, pct, band):
    assert score_oswestry(sections) == (pytest.approx(pct), band)


def test_oswestry_needs_enough_sections():
    with pytest.raises(
        IntakeError, match="expected at least 8 answered Oswestry sections, but got 7"
    ):
        score_oswestry([1] * 7 + [None] * 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sitting_hours_per_day": 30}, "sitting_hours_per_day"),
        ({"sitting_hours_per_day": "lots"}, "sitting_hours_per_day"),
        ({"pain": {"knee": 11}}, "expected pain ratings 0-10"),
        ({"pain": {"elbow": 2}}, "pain.elbow"),
        ({"jump_landing": "badly"}, "jump_landing"),
        ({"injuries": ["broken_heart"]}, "injuries.0"),
        (
            {"training": {"quad_dominant_percent": 150, "abdominal_training": "none"}},
            "training.quad_dominant_percent",
        ),
        ({"scales": {"kujala": ["a"] * 12}}, "expected 13 Kujala answers"),
        ({"scales": {"oswestry": [6] * 10}}, "expected Oswestry section scores 0-5"),
        ({"scales": {"nprs": -1}}, "scales.nprs"),
        ({"unknown_question": 1}, "unknown_question"),
    ],
)
def test_invalid_answers_are_rejected_with_the_field_named(raw_answers, change, message):
    raw_answers.update(change)
    with pytest.raises(IntakeError, match=message):
        parse_answers(raw_answers)


def test_missing_red_flag_answer_is_rejected(raw_answers):
    del raw_answers["red_flags"]["pain_at_night"]
    with pytest.raises(IntakeError, match="red_flags.pain_at_night: Field required"):
        parse_answers(raw_answers)


def test_answers_must_be_a_mapping():
    with pytest.raises(IntakeError, match="expected a mapping of answers, but got list"):
        parse_answers([1, 2])


def test_packaged_scales_are_validated_and_a_wrong_total_is_refused():
    import pydantic

    from glutefire.programming.questionnaire import ScalesData, scales_data

    scales = scales_data()
    assert len(scales.kujala.items) == 13 and scales.oswestry.min_answered == 8
    broken = scales.model_dump()
    broken["kujala"]["items"][0]["options"][0] = ("None", 6)  # best answers now total 101
    with pytest.raises(pydantic.ValidationError, match="total 100 points, but got 101"):
        ScalesData.model_validate(broken)
