import numpy as np

from glutefire.kinematics.filters import (
    clean_keypoints,
    hampel,
    interpolate_short_gaps,
    lowpass,
)
from synthetic import side_squat


def test_hampel_flags_single_frame_jump_only():
    x = np.sin(np.linspace(0, 6, 200)) * 100
    x[50] += 400
    mask = hampel(x, window=7, n_sigma=3, min_deviation=5)
    assert mask[50] and mask.sum() == 1


def test_interpolate_fills_short_gaps_keeps_long():
    x = np.arange(20, dtype=float)
    x[3:5] = np.nan
    x[10:17] = np.nan
    y = interpolate_short_gaps(x, max_gap=3)
    assert np.allclose(y[3:5], [3, 4])
    assert np.isnan(y[10:17]).all()


def test_lowpass_removes_high_frequency_keeps_slow():
    t = np.arange(300) / 30
    slow = np.sin(2 * np.pi * 0.5 * t)
    noisy = slow + 0.3 * np.sin(2 * np.pi * 12 * t)
    out = lowpass(noisy, cutoff_hz=6, sampling_rate_hz=30)
    assert np.max(np.abs(out[20:-20] - slow[20:-20])) < 0.05


def test_lowpass_keeps_nan_runs():
    x = np.ones(100)
    x[40:60] = np.nan
    out = lowpass(x, cutoff_hz=6, sampling_rate_hz=30)
    assert np.isnan(out[40:60]).all() and np.isfinite(out[:40]).all()


def test_clean_keypoints_removes_ankle_spike_and_reports_it():
    ds, _ = side_squat()
    ds = ds.copy(deep=True)
    ds["position"].loc[{"keypoint": "left_ankle", "space": "y"}][100] -= 250  # 1/4 image jump
    cleaned, report = clean_keypoints(ds)
    assert report.spikes_removed["left_ankle"] >= 1
    y = cleaned["position"].sel(keypoint="left_ankle", space="y").values
    assert abs(y[100] - 900) < 5


def test_low_visibility_points_are_treated_as_unseen():
    ds, _ = side_squat()
    ds = ds.copy(deep=True)
    ds["visibility"].loc[{"keypoint": "left_knee"}] = 0.1
    cleaned, report = clean_keypoints(ds)
    assert report.frames_unseen["left_knee"] == ds.sizes["time"]
    assert np.isnan(cleaned["position"].sel(keypoint="left_knee").values).all()
