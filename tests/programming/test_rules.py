"""Rule table: each finding or answer leads to the right muscles and exercises."""

from __future__ import annotations

import pytest

from glutefire.programming.questionnaire import answer_facts, parse_answers
from glutefire.programming.rules import apply_rules, avoided_exercises, score_exercises
from glutefire.result import Status, parse_result

from .conftest import finding, result_with


def _fired(data, answers_raw, *findings):
    result = parse_result(result_with(*findings))
    facts = answer_facts(parse_answers(answers_raw))
    return apply_rules(data.rules, findings=result.with_status(Status.PRESENT), facts=facts)


@pytest.mark.parametrize(
    ("code", "heels", "rule_id", "must_include", "underactive"),
    [
        (
            "knees_cave_in",
            "present",
            "knees_cave_in_hips",
            ["clamshell", "side_lying_hip_abduction"],
            "gluteus_medius",
        ),
        ("knees_cave_in", None, "knees_cave_in_hips", ["band_side_step"], "gluteus_medius"),
        (
            "knees_cave_in",
            "absent",
            "knees_cave_in_ankle",
            ["ankle_dorsiflexion_mobilisation", "standing_calf_stretch"],
            "anterior_tibialis",
        ),
        ("knees_forward", None, "knees_forward", ["hip_hinge", "hip_thrust"], "gluteus_maximus"),
        (
            "excessive_forward_lean",
            None,
            "excessive_forward_lean",
            ["smr_calves", "half_kneeling_hip_flexor_stretch"],
            "gluteus_maximus",
        ),
        (
            "low_back_arches",
            None,
            "low_back_arches",
            ["dead_bug", "half_kneeling_hip_flexor_stretch"],
            "intrinsic_core",
        ),
        (
            "heel_rise",
            None,
            "heel_rise",
            ["standing_calf_stretch", "heel_elevated_squat"],
            "anterior_tibialis",
        ),
        (
            "feet_turn_out",
            None,
            "feet_turn_out",
            ["smr_calves", "single_leg_glute_bridge"],
            "medial_hamstrings",
        ),
        (
            "asymmetric_weight_shift",
            None,
            "asymmetric_weight_shift",
            ["side_lying_hip_abduction", "split_squat"],
            "gluteus_medius",
        ),
        (
            "arms_fall_forward",
            None,
            "arms_fall_forward",
            ["smr_lats", "prone_y_t_raise"],
            "mid_lower_trapezius",
        ),
        (
            "insufficient_depth",
            None,
            "insufficient_depth",
            ["ankle_dorsiflexion_mobilisation"],
            "gluteus_maximus",
        ),
    ],
)
def test_each_finding_leads_to_its_exercises(
    data, quiet_answers, code, heels, rule_id, must_include, underactive
):
    fired = {r.rule_id: r for r in _fired(data, quiet_answers, finding(code, heels=heels))}
    assert rule_id in fired
    rec = fired[rule_id]
    assert set(must_include) <= set(rec.exercises)
    assert underactive in rec.underactive
    assert rec.because.startswith(f"finding {code.replace('_', ' ').capitalize()}")
    assert rec.source


def test_valgus_gone_with_heels_raised_points_to_ankles_not_glutes(data, quiet_answers):
    fired = {
        r.rule_id: r for r in _fired(data, quiet_answers, finding("knees_cave_in", heels="absent"))
    }
    assert "knees_cave_in_hips" not in fired
    assert "ankle mobility rather than the glutes" in fired["knees_cave_in_ankle"].so
    assert "Bell" in fired["knees_cave_in_ankle"].source


def test_valgus_without_retest_adds_ankle_note(data, quiet_answers):
    fired = {r.rule_id for r in _fired(data, quiet_answers, finding("knees_cave_in", heels=None))}
    assert {"knees_cave_in_hips", "knees_cave_in_not_retested"} <= fired


@pytest.mark.parametrize("status", ["absent", "not_assessable"])
def test_only_present_findings_drive_rules(data, quiet_answers, status):
    fired = [r.rule_id for r in _fired(data, quiet_answers, finding("heel_rise", status=status))]
    assert fired == ["baseline"]


@pytest.mark.parametrize(
    ("change", "rule_id", "exercise"),
    [
        ({"sitting_hours_per_day": 9}, "long_sitting", "half_kneeling_hip_flexor_stretch"),
        (
            {
                "tightness": {
                    "hamstrings_after_glute_lifts": False,
                    "groin_after_glute_lifts": False,
                    "hip_flexors": True,
                    "low_back": False,
                }
            },
            "tight_hip_flexors",
            "smr_hip_flexors",
        ),
        (
            {
                "tightness": {
                    "hamstrings_after_glute_lifts": True,
                    "groin_after_glute_lifts": False,
                    "hip_flexors": False,
                    "low_back": False,
                }
            },
            "hamstrings_take_over",
            "glute_bridge",
        ),
        (
            {
                "tightness": {
                    "hamstrings_after_glute_lifts": False,
                    "groin_after_glute_lifts": True,
                    "hip_flexors": False,
                    "low_back": False,
                }
            },
            "groin_takes_over",
            "side_lying_hip_abduction",
        ),
        (
            {
                "tightness": {
                    "hamstrings_after_glute_lifts": False,
                    "groin_after_glute_lifts": False,
                    "hip_flexors": False,
                    "low_back": True,
                }
            },
            "tight_low_back",
            "dead_bug",
        ),
        (
            {"training": {"quad_dominant_percent": 80, "abdominal_training": "mixed"}},
            "quad_dominant_training",
            "hip_thrust",
        ),
        (
            {"training": {"quad_dominant_percent": 10, "abdominal_training": "crunches_situps"}},
            "abdominal_habits",
            "dead_bug",
        ),
        ({"jump_landing": "knees_cave_in"}, "landing_habits", "lateral_step_up"),
        ({"pain": {"knee": 2}}, "knee_pain", "clamshell"),
        ({"pain": {"lower_back": 2}}, "low_back_pain", "side_plank"),
        ({"pain": {"hip": 2}}, "hip_pain", "glute_bridge"),
        ({"injuries": ["patellofemoral_pain"]}, "patellofemoral_pain", "step_up"),
        ({"injuries": ["it_band_syndrome"]}, "it_band_syndrome", "side_lying_hip_abduction"),
        ({"injuries": ["disc_herniation"]}, "disc_herniation", "bird_dog"),
        ({"injuries": ["piriformis_syndrome"]}, "piriformis_syndrome", "glute_bridge"),
    ],
)
def test_each_answer_leads_to_its_exercises(data, quiet_answers, change, rule_id, exercise):
    quiet_answers.update(change)
    fired = {r.rule_id: r for r in _fired(data, quiet_answers)}
    assert rule_id in fired
    assert exercise in fired[rule_id].exercises
    assert fired[rule_id].because.startswith("answer: ")


def test_threshold_edges_for_sitting(data, quiet_answers):
    quiet_answers["sitting_hours_per_day"] = 7.9
    assert "long_sitting" not in {r.rule_id for r in _fired(data, quiet_answers)}
    quiet_answers["sitting_hours_per_day"] = 8
    assert "long_sitting" in {r.rule_id for r in _fired(data, quiet_answers)}


@pytest.mark.parametrize(
    ("change", "avoided"),
    [
        (
            {"injuries": ["disc_herniation"]},
            {"reverse_crunch", "romanian_deadlift", "single_leg_deadlift"},
        ),
        ({"pain": {"shoulder": 2}}, {"push_up", "front_plank_leg_lift"}),
        ({"pain": {"groin": 2}}, {"lateral_lunge", "adductor_stretch"}),
    ],
)
def test_pain_and_injuries_leave_exercises_out(data, quiet_answers, change, avoided):
    quiet_answers.update(change)
    assert avoided <= set(avoided_exercises(_fired(data, quiet_answers)))


def test_scores_sum_weights_and_keep_reasons(data, quiet_answers):
    quiet_answers["pain"] = {"knee": 2}
    recs = _fired(data, quiet_answers, finding("knees_cave_in", side="left", heels="present"))
    clam = score_exercises(recs)["clamshell"]
    assert clam.score > 4
    assert "finding Knees cave in (left): your knees moved inward during the squat" in clam.why
    assert "answer: you reported knee pain" in clam.why


def test_every_rule_cites_a_source(data):
    for rule in data.rules.rules:
        assert len(rule.source.strip()) > 10, rule.id
