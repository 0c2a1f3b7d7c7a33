import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glutefire.kinematics import angles


def pts(*xy):
    return np.array([xy], dtype=float)


def test_interior_angle_right_angle_and_straight():
    assert angles.interior_angle_deg(pts(0, 0), pts(1, 0), pts(1, 1))[0] == pytest.approx(90)
    assert angles.interior_angle_deg(pts(0, 0), pts(1, 0), pts(2, 0))[0] == pytest.approx(180)


def test_inclination_sign_follows_facing_direction():
    lower, upper = pts(0, 100), pts(10, 0)  # upper point to image-right of the lower one
    right = angles.inclination_deg(lower, upper, forward_sign=1)[0]
    left = angles.inclination_deg(lower, upper, forward_sign=-1)[0]
    assert right == pytest.approx(np.degrees(np.arctan2(10, 100)))
    assert left == pytest.approx(-right)


def test_foreshortened_inclination_recovers_tilt():
    length = 200.0
    for tilt in (0.0, 30.0, 60.0, 89.0):
        dy = length * np.cos(np.radians(tilt))
        got = angles.foreshortened_inclination_deg(pts(0, dy), pts(0, 0), length)[0]
        assert got == pytest.approx(tilt, abs=1e-6)


def test_foreshortened_out_of_plane_ignores_sideways_tilt():
    # a segment tilted sideways in the image plane, not towards the camera
    l_true = 100.0
    lower, upper = pts(0, 0), pts(60, -80)
    assert angles.foreshortened_inclination_deg(lower, upper, l_true, out_of_plane_only=True)[
        0
    ] == pytest.approx(0)


@pytest.mark.parametrize("knee_dx, expected_sign", [(-10, 1), (10, -1), (0, 0)])
def test_fppa_sign_valgus_positive(knee_dx, expected_sign):
    # left leg on image right of the midline at x=0: medial is towards smaller x
    hip, ankle, mid = pts(100, 0), pts(100, 200), pts(0, 0)
    knee = pts(100 + knee_dx, 100)
    value = angles.fppa_deg(hip, knee, ankle, mid)[0]
    assert np.sign(round(value, 6)) == expected_sign
    if knee_dx:
        assert abs(value) == pytest.approx(2 * np.degrees(np.arctan2(10, 100)))


def test_kasr_and_zero_gap():
    k = angles.knee_to_ankle_separation_ratio(pts(-40, 0), pts(40, 0), pts(-50, 0), pts(50, 0))
    assert k[0] == pytest.approx(0.8)
    assert np.isnan(
        angles.knee_to_ankle_separation_ratio(pts(1, 0), pts(2, 0), pts(3, 0), pts(3, 0))[0]
    )


def test_arm_trunk_angle_overhead_and_hanging():
    hip, shoulder = pts(0, 100), pts(0, 0)
    assert angles.arm_trunk_angle_deg(hip, shoulder, pts(0, -50))[0] == pytest.approx(0)
    assert angles.arm_trunk_angle_deg(hip, shoulder, pts(0, 50))[0] == pytest.approx(180)
    assert angles.arm_trunk_angle_deg(hip, shoulder, pts(50, 0))[0] == pytest.approx(90)


coords = st.floats(-500, 500, allow_nan=False)


@given(
    st.tuples(coords, coords),
    st.tuples(coords, coords),
    st.tuples(coords, coords),
    st.floats(0.1, 10),
    st.tuples(coords, coords),
)
def test_interior_angle_invariant_to_scale_and_translation(a, b, c, scale, shift):
    a, b, c = (np.array([p]) for p in (a, b, c))
    if min(np.hypot(*(a - b)[0]), np.hypot(*(c - b)[0])) < 1e-3:
        return
    base = angles.interior_angle_deg(a, b, c)[0]
    t = np.array(shift)
    moved = angles.interior_angle_deg(a * scale + t, b * scale + t, c * scale + t)[0]
    assert moved == pytest.approx(base, abs=1e-6)
