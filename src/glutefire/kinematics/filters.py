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

#: Landmarks whose visibility is below this are treated as not seen.
MIN_VISIBILITY = 0.5


@dataclass(frozen=True)
class CleaningReport:
    """What cleaning changed: counts per keypoint name."""

    spikes_removed: dict[str, int]
    frames_unseen: dict[str, int]


def hampel(values: np.ndarray, *, window: int = 7, n_sigma: float = 3.0,
           min_deviation: float = 0.0) -> np.ndarray:
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


def interpolate_short_gaps(values: np.ndarray, *, max_gap: int) -> np.ndarray:
    """Linearly fill NaN runs of at most ``max_gap`` samples that have data on both sides."""
    series = pd.Series(values)
    filled = series.interpolate(limit_area="inside")
    gap_id = series.notna().cumsum()
    gap_len = series.isna().groupby(gap_id).transform("sum")
    keep_nan = series.isna() & (gap_len > max_gap)
    filled[keep_nan] = np.nan
    return filled.to_numpy()


def lowpass(values: np.ndarray, *, cutoff_hz: float, sampling_rate_hz: float,
            order: int = 4) -> np.ndarray:
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


def clean_keypoints(ds: xr.Dataset, *, min_visibility: float = MIN_VISIBILITY,
                    spike_window_s: float = 0.25, spike_n_sigma: float = 3.0,
                    spike_min_frac: float = 0.02, max_gap_s: float = 0.25, cutoff_hz: float = 6.0
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
    spikes: dict[str, int] = {}
    for k, name in enumerate(names):
        mask = np.zeros(pos.shape[0], dtype=bool)
        for axis in range(2):
            mask |= hampel(pos[:, k, axis], window=window, n_sigma=spike_n_sigma,
                           min_deviation=min_jump_px)
        pos[mask, k, :] = np.nan
        spikes[name] = int(mask.sum())
        for axis in range(2):
            bridged = interpolate_short_gaps(pos[:, k, axis], max_gap=max_gap)
            pos[:, k, axis] = lowpass(bridged, cutoff_hz=cutoff_hz, sampling_rate_hz=rate)
    out = ds.copy(data={"position": pos, "visibility": ds["visibility"].values})
    report = CleaningReport(
        spikes_removed=spikes,
        frames_unseen={n: int(unseen[:, k].sum()) for k, n in enumerate(names)},
    )
    return out, report
