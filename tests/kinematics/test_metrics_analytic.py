"""Analytic fixtures: stick-figure squats with known angles must be measured back."""

import numpy as np
import pytest

from glutefire.kinematics.filters import clean_keypoints
from glutefire.kinematics.metrics import compute_frame_metrics
from glutefire.kinematics.view import View, detect_view
from glutefire.reps.segment import segment_reps
from glutefire.reps.table import compute_rep_metrics
from synthetic import SquatSpec, front_squat, side_squat


def rep_table(ds):
    cleaned, _ = clean_keypoints(ds)
    est = detect_view(cleaned)
    frames = compute_frame_metrics(cleaned, est)
    reps, _ = segment_reps(1 - frames["hip_height_rel"].to_numpy(), frames.index.to_numpy())
    return est, compute_rep_metrics(frames, reps)


@pytest.mark.parametrize("facing", [1, -1])
def test_side_view_angles_at_the_bottom(facing):
    spec = SquatSpec(thigh_deg=80, shank_deg=30, trunk_deg=45, facing=facing)
    est, table = rep_table(side_squat(spec)[0])
    assert est.view is View.SIDE and est.facing_sign == facing
    bottom = table[table["complete"]].mean(numeric_only=True)
    assert bottom["trunk_lean_deg"] == pytest.approx(45, abs=1.5)
    assert bottom["thigh_left_deg"] == pytest.approx(80, abs=1.5)
    assert bottom["shank_left_deg"] == pytest.approx(30, abs=1.5)
    assert bottom["knee_flexion_left_deg"] == pytest.approx(110, abs=2)
    assert bottom["thigh_above_horizontal_deg"] == pytest.approx(10, abs=1.5)
    assert bottom["tibia_minus_trunk_deg"] == pytest.approx(-15, abs=2)


def test_front_view_known_valgus():
    est, table = rep_table(front_squat(SquatSpec(fppa_deg=18))[0])
    assert est.view is View.FRONT
    complete = table[table["complete"]]
    assert complete["knee_fppa_left_deg"].mean() == pytest.approx(18, abs=1)
    assert complete["knee_fppa_right_deg"].mean() == pytest.approx(18, abs=1)
    assert (complete["kasr"] < 1).all()


def test_front_view_no_valgus_and_trunk_from_foreshortening():
    est, table = rep_table(front_squat(SquatSpec(fppa_deg=0, trunk_deg=35))[0])
    complete = table[table["complete"]]
    assert np.allclose(complete["knee_fppa_left_deg"], 0, atol=1)
    assert complete["trunk_lean_deg"].mean() == pytest.approx(35, abs=2)


def test_heel_lift_is_measured_in_percent_of_foot_length():
    _, table = rep_table(side_squat(SquatSpec(heel_lift_px=44))[0])  # 44 px of a 110 px foot
    assert table[table["complete"]]["heel_rise_left_pct"].mean() == pytest.approx(40, abs=3)


def test_view_detection_rejects_lying_person():
    from glutefire.errors import ViewError

    ds, _ = side_squat()
    lying = ds.copy(deep=True)
    x = ds["position"].sel(space="x").values
    y = ds["position"].sel(space="y").values
    lying["position"].values[..., 0], lying["position"].values[..., 1] = y, 1000 - x
    with pytest.raises(ViewError, match="not upright"):
        detect_view(clean_keypoints(lying)[0])
