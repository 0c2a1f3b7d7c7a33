"""Each exercise check on analytic stick figures: reps and holds where they were built, each
form check present when the figure shows the fault and absent when it does not, and the same
answers when the left/right labels swap every few frames (as MediaPipe does lying down)."""

import pytest

from exercise_figures import (
    bird_dog,
    bridge,
    bridge_from_feet_features,
    clamshell,
    hinge,
    lunge_front,
    lunge_side,
    peak_times_s,
    plank,
    swap_labels,
)
from glutefire.errors import ViewError
from glutefire.exercises.analyse import analyse_exercise
from glutefire.exercises.spec import get_exercise
from glutefire.result import Status


def status(analysis, code):
    return next(c for c in analysis.checks if c.spec.code == code).status


def run(ds, exercise):
    return analyse_exercise(ds, get_exercise(exercise))


@pytest.mark.parametrize("swap", [False, True])
def test_bridge_counts_three_reps_at_the_tops_and_passes_a_straight_bridge(swap):
    a = run(bridge(swap=swap), "glute_bridge")
    assert a.view.view == "side" and a.view.posture == "floor"
    tops = [r.bottom_s for r in a.reps if r.complete]
    assert tops == pytest.approx(peak_times_s(), abs=0.2)
    assert status(a, "incomplete_hip_extension") is Status.ABSENT
    assert status(a, "low_back_arch") is Status.ABSENT
    assert status(a, "feet_too_far") is Status.ABSENT
    assert status(a, "knees_cave_in") is Status.NOT_ASSESSABLE  # needs a front view


def test_bridge_that_stops_short_of_straight_is_flagged():
    a = run(bridge(reach=0.5), "glute_bridge")
    assert status(a, "incomplete_hip_extension") is Status.PRESENT


def test_bridge_pushed_past_the_line_flags_the_low_back():
    a = run(bridge(top_dev_deg=30.0), "glute_bridge")
    assert status(a, "low_back_arch") is Status.PRESENT


def test_bridge_with_feet_far_away_flags_the_hamstrings():
    a = run(bridge(ankle_x=980.0), "glute_bridge")
    assert status(a, "feet_too_far") is Status.PRESENT


def test_standing_clip_checked_as_a_bridge_is_refused():
    with pytest.raises(ViewError, match="standing in most frames"):
        run(hinge(), "glute_bridge")


@pytest.mark.parametrize(
    ("dev_deg", "sag", "pike"),
    [(0.0, "absent", "absent"), (-9.0, "present", "absent"), (25.0, "absent", "present")],
)
def test_plank_hold_is_timed_and_hip_line_judged(dev_deg, sag, pike):
    a = run(plank(dev_deg=dev_deg), "forearm_plank")
    assert len(a.holds) == 1
    hold = a.holds[0]
    assert hold.start_s == pytest.approx(1.5, abs=0.3) and hold.end_s == pytest.approx(6.5, abs=0.3)
    assert status(a, "hip_sag").value == sag
    assert status(a, "hip_pike").value == pike


def test_side_plank_filmed_facing_the_chest_times_the_hold_and_sees_the_pelvis_drop():
    good = run(plank(front=True), "side_plank")
    assert good.view.view == "front" and good.view_fits
    assert good.longest_hold_s == pytest.approx(5.0, abs=0.4)
    assert status(good, "pelvis_drop") is Status.ABSENT
    dropped = run(plank(front=True, dev_deg=-9.0), "side_plank")
    assert status(dropped, "pelvis_drop") is Status.PRESENT


def test_side_plank_filmed_from_the_side_is_explained():
    a = run(plank(), "side_plank")
    assert not a.view_fits
    assert any("does not fit" in n for n in a.notes)
    assert status(a, "pelvis_drop") is Status.NOT_ASSESSABLE


def test_hinge_counts_reps_and_judges_knees_weights_and_depth():
    good = run(hinge(), "hip_hinge")
    assert [r.bottom_s for r in good.reps if r.complete] == pytest.approx(peak_times_s(), abs=0.2)
    assert status(good, "excessive_knee_bend") is Status.ABSENT
    assert status(good, "weights_to_floor") is Status.ABSENT
    assert status(good, "shallow_hinge") is Status.ABSENT
    assert status(good, "rounded_shoulders_back") is Status.NOT_ASSESSABLE
    squatty = run(hinge(knee_flexion_deg=75.0), "hip_hinge")
    assert status(squatty, "excessive_knee_bend") is Status.PRESENT
    floor = run(hinge(wrist_drop=0.95), "hip_hinge")
    assert status(floor, "weights_to_floor") is Status.PRESENT
    shallow = run(hinge(trunk_deg=30.0), "hip_hinge")
    assert status(shallow, "shallow_hinge") is Status.PRESENT


@pytest.mark.parametrize(("knee_gap", "expected"), [(100.0, "absent"), (40.0, "present")])
def test_bridge_knees_caving_in_is_judged_from_the_front(knee_gap, expected):
    a = analyse_exercise(
        bridge_from_feet_features(knee_gap=knee_gap), get_exercise("glute_bridge"), view="front"
    )
    assert status(a, "knees_cave_in").value == expected
    assert status(a, "incomplete_hip_extension") is Status.NOT_ASSESSABLE  # needs the side


@pytest.mark.parametrize(("tilt_px", "expected"), [(0.0, "absent"), (50.0, "present")])
def test_single_leg_bridge_pelvis_drop_from_the_front(tilt_px, expected):
    ds = bridge_from_feet_features(hip_tilt_px=tilt_px)
    a = analyse_exercise(ds, get_exercise("single_leg_glute_bridge"), view="front")
    assert status(a, "pelvis_drops").value == expected


@pytest.mark.parametrize("swap", [False, True])
def test_bird_dog_counts_reaches_whichever_side_is_labelled(swap):
    ds = bird_dog()
    if swap:
        ds = swap_labels(ds)
    a = run(ds, "bird_dog")
    assert [r.bottom_s for r in a.reps if r.complete] == pytest.approx(peak_times_s(), abs=0.2)
    assert status(a, "leg_above_hip") is Status.ABSENT
    assert status(a, "pelvis_rotates") is Status.NOT_ASSESSABLE  # from the side


def test_bird_dog_leg_lifted_above_the_hip_is_flagged():
    assert status(run(bird_dog(thigh_up_deg=30.0), "bird_dog"), "leg_above_hip") is Status.PRESENT


@pytest.mark.parametrize(("tilt_px", "expected"), [(0.0, "absent"), (60.0, "present")])
def test_bird_dog_pelvis_rotation_from_behind(tilt_px, expected):
    a = analyse_exercise(bird_dog(hip_tilt_px=tilt_px), get_exercise("bird_dog"), view="front")
    assert status(a, "pelvis_rotates").value == expected


def test_clamshell_counts_openings_and_passes_good_form():
    a = run(clamshell(), "clamshell")
    assert a.view.view == "front" and a.view_fits
    assert [r.bottom_s for r in a.reps if r.complete] == pytest.approx(peak_times_s(), abs=0.2)
    for code in ("feet_apart", "pelvis_rolls_back", "small_opening"):
        assert status(a, code) is Status.ABSENT, code


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"feet_apart_px": 80.0}, "feet_apart"),
        ({"roll_px": 40.0}, "pelvis_rolls_back"),
        ({"opening": 0.3}, "small_opening"),
    ],
)
def test_clamshell_faults_are_flagged(kwargs, code):
    assert status(run(clamshell(**kwargs), "clamshell"), code) is Status.PRESENT


@pytest.mark.parametrize(("lean_deg", "expected"), [(5.0, "absent"), (45.0, "present")])
def test_lunge_trunk_lean_from_the_side(lean_deg, expected):
    a = run(lunge_side(lean_deg=lean_deg), "reverse_lunge")
    assert [r.bottom_s for r in a.reps if r.complete] == pytest.approx(peak_times_s(), abs=0.2)
    assert status(a, "trunk_lean").value == expected
    assert status(a, "knee_over_foot") is Status.NOT_ASSESSABLE


@pytest.mark.parametrize(("valgus_px", "expected"), [(0.0, "absent"), (60.0, "present")])
def test_lunge_front_knee_caving_in_from_the_front(valgus_px, expected):
    a = run(lunge_front(valgus_px=valgus_px), "reverse_lunge")
    assert a.view.view == "front"
    assert a.complete_reps == 3
    assert status(a, "knee_over_foot").value == expected


def test_every_check_links_library_exercises_and_a_plan_shows_them():
    from glutefire.exercises.spec import load_exercise_checks
    from glutefire.programming.library import load_library
    from glutefire.programming.render import check_command

    library = set(load_library().ids)
    for spec in load_exercise_checks():
        assert set(spec.library) <= library, spec.id
    assert check_command("romanian_deadlift") == "glutefire check hip_hinge"
    assert check_command("side_plank") == "glutefire check side_plank"
    assert check_command("smr_calves") is None


def test_docs_checks_table_is_the_data_files():
    from conftest import ROOT
    from glutefire.exercises.spec import checks_table_markdown

    text = (ROOT / "docs" / "exercise-checks.md").read_text()
    start = text.index("<!-- checks-table:start -->\n") + len("<!-- checks-table:start -->\n")
    assert text[start : text.index("<!-- checks-table:end -->")] == checks_table_markdown()


def test_too_short_clip_and_unknown_view_are_clear_errors():
    from glutefire.errors import TooFewRepsError

    with pytest.raises(TooFewRepsError, match="film at least one whole rep"):
        run(bridge().isel(time=slice(0, 20)), "glute_bridge")
    with pytest.raises(ViewError, match="expected a view from side, front, oblique"):
        analyse_exercise(bridge(), get_exercise("glute_bridge"), view="top")
