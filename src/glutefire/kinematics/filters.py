"""Trajectory cleaning: drop unseen points, remove spikes (Hampel), bridge short gaps, low-pass.

Order matters: a Butterworth filter would smear a one-frame landmark jump over many frames, so
spikes are removed first. Filtering uses zero-lag ``filtfilt`` (offline analysis); a 6 Hz cut-off
suits squats, whose joint motion is well below 2 Hz (6-10 Hz Butterworth is the range suggested
for BlazePose video, evidence.md §2.6, secondary).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from scipy.signal import butter, filtfilt

from glutefire.policy import screening_policy

#: Landmarks whose visibility is below this are treated as not seen (data/screening_policy.yaml).
MIN_VISIBILITY = screening_policy().min_visibility.value


@dataclass(frozen=True)
class CleaningReport:
    """What cleaning changed: counts per keypoint name."""

    spikes_removed: dict[str, int]
    frames_unseen: dict[str, int]


def hampel(
    values: np.ndarray, *, window: int = 7, n_sigma: float = 3.0, min_deviation: float = 0.0
) -> np.ndarray:
    """Boolean mask of outliers in a 1-D series: points further than ``n_sigma`` scaled MADs, and
    further than ``min_deviation``, from the centred rolling median of ``window`` samples.
    NaNs are never outliers."""
    series = pd.Series(values)
    median = series.rolling(window, center=True, min_periods=1).median()
    mad = (series - median).abs().rolling(window, center=True, min_periods=1).median()
    scale = 1.4826 * mad
    deviation = (series - median).abs()
    out = (deviation > n_sigma * scale) & (deviation > max(min_deviation, 1e-9))
    return out.to_numpy() & np.isfinite(values)


def hampel_frame(
    table: pd.DataFrame, *, window: int, n_sigma: float, min_deviation: float
) -> np.ndarray:
    """:func:`hampel` applied to every column of ``table`` at once; returns a boolean array."""
    median = table.rolling(window, center=True, min_periods=1).median()
    deviation = (table - median).abs()
    mad = deviation.rolling(window, center=True, min_periods=1).median()
    mask = (deviation > n_sigma * 1.4826 * mad) & (deviation > max(min_deviation, 1e-9))
    return mask.to_numpy() & np.isfinite(table.to_numpy())


def interpolate_short_gaps(values: np.ndarray, *, max_gap: int) -> np.ndarray:
    """Linearly fill NaN runs of at most ``max_gap`` samples that have data on both sides."""
    out = values.astype(float).copy()
    finite = np.isfinite(out)
    if finite.all() or finite.sum() < 2:
        return out
    edges = np.flatnonzero(np.diff(np.r_[0, (~finite).astype(int), 0]))
    idx = np.arange(len(out))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if start > 0 and stop < len(out) and stop - start <= max_gap:
            out[start:stop] = np.interp(
                idx[start:stop], [start - 1, stop], [out[start - 1], out[stop]]
            )
    return out


def lowpass(
    values: np.ndarray, *, cutoff_hz: float, sampling_rate_hz: float, order: int = 4
) -> np.ndarray:
    """Zero-lag Butterworth low-pass applied to each finite run; runs too short to filter are
    left as they are. NaNs stay NaN."""
    nyquist = 0.5 * sampling_rate_hz
    if cutoff_hz >= nyquist:
        return values.copy()
    b, a = butter(order, cutoff_hz / nyquist)
    out = values.copy()
    padlen = 3 * max(len(a), len(b))
    finite = np.isfinite(values)
    edges = np.flatnonzero(np.diff(np.r_[0, finite.astype(int), 0]))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start > padlen:
            out[start:stop] = filtfilt(b, a, values[start:stop])
    return out


def clean_keypoints(
    ds: xr.Dataset,
    *,
    min_visibility: float = MIN_VISIBILITY,
    spike_window_s: float = 0.25,
    spike_n_sigma: float = 3.0,
    spike_min_frac: float = 0.02,
    max_gap_s: float = 0.25,
    cutoff_hz: float = 6.0,
) -> tuple[xr.Dataset, CleaningReport]:
    """Return a cleaned copy of the keypoint dataset and a report of what changed.

    A spike must depart from the local median by ``spike_n_sigma`` robust SDs *and* by at least
    ``spike_min_frac`` of the image height, so smooth fast motion is never clipped.
    """
    rate = float(ds.attrs["sampling_rate_hz"])
    window = max(3, int(round(spike_window_s * rate)) | 1)
    max_gap = max(1, int(round(max_gap_s * rate)))
    min_jump_px = spike_min_frac * float(ds.attrs["image_height_px"])
    pos = ds["position"].values.copy()
    unseen = ds["visibility"].values < min_visibility
    pos[unseen] = np.nan
    names = [str(k) for k in ds.coords["keypoint"].values]
    n_frames, n_kp = pos.shape[:2]
    flat = hampel_frame(
        pd.DataFrame(pos.reshape(n_frames, n_kp * 2)),
        window=window,
        n_sigma=spike_n_sigma,
        min_deviation=min_jump_px,
    )
    spike_mask = np.asarray(flat.reshape(n_frames, n_kp, 2).any(axis=2), dtype=bool)
    pos[spike_mask] = np.nan
    spikes = {name: int(spike_mask[:, k].sum()) for k, name in enumerate(names)}
    for k in range(n_kp):
        for axis in range(2):
            bridged = interpolate_short_gaps(pos[:, k, axis], max_gap=max_gap)
            pos[:, k, axis] = lowpass(bridged, cutoff_hz=cutoff_hz, sampling_rate_hz=rate)
    out = ds.copy(data={"position": pos, "visibility": ds["visibility"].values})
    report = CleaningReport(
        spikes_removed=spikes,
        frames_unseen={n: int(unseen[:, k].sum()) for k, n in enumerate(names)},
    )
    return out, report
