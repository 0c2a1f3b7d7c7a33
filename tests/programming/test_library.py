"""The exercise library: valid, complete, cross-referenced and reachable."""

from __future__ import annotations

import copy
from importlib import resources

import pytest
import yaml

from glutefire.errors import LibraryError
from glutefire.programming.library import load_library, parse_library
from glutefire.programming.rules import load_rules

REQUIRED = [
    "glute_bridge",
    "single_leg_glute_bridge",
    "clamshell",
    "bird_dog",
    "donkey_kick",
    "front_plank_leg_lift",
    "side_plank",
    "dead_bug",
    "reverse_crunch",
    "push_up",
    "smr_hip_flexors",
    "smr_tfl",
    "smr_adductors",
    "smr_calves",
    "half_kneeling_hip_flexor_stretch",
    "hip_hinge",
    "romanian_deadlift",
    "single_leg_deadlift",
    "reverse_lunge",
    "split_squat",
    "lateral_lunge",
    "step_up",
    "pull_through",
    "hip_thrust",
    "side_lying_hip_abduction",
    "band_side_step",
    "heel_elevated_squat",
]


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(resources.files("glutefire.data").joinpath("exercises.yaml").read_text())


def test_library_loads_with_every_required_exercise():
    library = load_library()
    assert set(REQUIRED) <= set(library.ids)


@pytest.mark.parametrize("exercise_id", REQUIRED)
def test_each_required_exercise_is_complete(exercise_id):
    e = load_library().get(exercise_id)
    assert e.phase in ("release", "lengthen", "activate", "integrate")
    assert e.targets and e.cues and e.mistakes
    assert e.emg or e.emg_note
    assert e.dose.sets >= 1 and (e.dose.reps or e.dose.hold_s)


def test_every_emg_figure_has_a_source():
    for e in load_library().exercises:
        for figure in e.emg:
            assert len(figure.source) > 3, e.id


def test_every_exercise_is_reachable_from_a_rule_or_a_link():
    library = load_library()
    rules = load_rules(library)
    reachable = {x for r in rules.rules for x in r.exercises}
    for e in library.exercises:
        if e.id in reachable:
            reachable |= set(e.regressions + e.progressions)
    assert set(library.ids) - reachable == set()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("exercises", 0, "phase"), "warm_up", "exercises.0.phase"),
        (("exercises", 10, "dose", "tempo"), "slow", "expected tempo like '2-1-2'"),
        (("exercises", 10, "dose", "hold_s"), 30, "expected exactly one of reps or hold_s"),
        (("exercises", 10, "targets"), ["glutes"], "expected known muscles"),
        (("exercises", 10, "progressions"), ["flying_bridge"], "to be library ids"),
        (("exercises", 10, "emg", 0, "mvic_pct"), [50, 20], "expected [value] or [low, high]"),
    ],
)
def test_invalid_library_entries_are_rejected(raw, path, value, message):
    broken = copy.deepcopy(raw)
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(LibraryError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_library(broken)


def test_duplicate_ids_are_rejected(raw):
    broken = copy.deepcopy(raw)
    broken["exercises"].append(copy.deepcopy(broken["exercises"][0]))
    with pytest.raises(LibraryError, match="expected unique exercise ids"):
        parse_library(broken)
