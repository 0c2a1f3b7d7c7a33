"""Per-frame kinematics for live feedback, computed by the same functions as offline screening.

Live mode receives one frame at a time and cannot use the zero-lag filter of
:func:`~glutefire.kinematics.filters.clean_keypoints` (it needs the frames that follow). It
therefore applies only the filter's first, causal step (landmarks seen with less than
``min_visibility`` count as not seen) and then the offline functions unchanged:
:func:`~glutefire.kinematics.view.detect_view` on the frames so far,
:func:`~glutefire.kinematics.metrics.hip_height` for the rep driver, and
:func:`~glutefire.kinematics.metrics.compute_frame_metrics` for the angles. Angles of a frame
that depend on that frame only (knee FPPA, side-view trunk and shank inclination) are thus
identical to the offline per-frame table computed on the same keypoints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import ViewError
from glutefire.kinematics.filters import MIN_VISIBILITY
from glutefire.kinematics.metrics import SIDES, TRUNK_LEAN, col, compute_frame_metrics, hip_height
from glutefire.kinematics.view import ViewEstimate, detect_view

#: Trunk lean minus the mean shank (tibia) inclination of one frame, in degrees; + the trunk
#: leans further forward than the shins (the per-frame form of ``trunk_minus_tibia_deg``).
TRUNK_MINUS_SHANK = "trunk_minus_shank_deg"
#: Frames (the latest ones) over which the angles of the newest frame are computed: enough for
#: the reference segment lengths of foreshortened angles, few enough to stay fast.
WINDOW_FRAMES = 90


@dataclass(frozen=True)
class LiveFrame:
    """What live mode knows after the newest frame.

    ``driver``: the rep driver (hip height over standing leg length, 1 standing) of every frame
    so far; ``view``: None while the camera view cannot be recognised yet; ``metrics``: the
    newest frame's row of the per-frame table (empty without a view).
    """

    driver: np.ndarray
    view: ViewEstimate | None
    metrics: pd.Series


def seen_only(ds: xr.Dataset, *, min_visibility: float = MIN_VISIBILITY) -> xr.Dataset:
    """Copy of ``ds`` with positions set to NaN where visibility is below ``min_visibility``."""
    visibility = ds.variables["visibility"].values
    position = ds.variables["position"].values
    masked = np.where((visibility >= min_visibility)[..., None], position, np.nan)
    return ds.copy(data={"position": masked, "visibility": visibility})


def frame_metrics(ds: xr.Dataset, est: ViewEstimate) -> pd.DataFrame:
    """The offline per-frame table plus :data:`TRUNK_MINUS_SHANK`, for visible landmarks."""
    table = compute_frame_metrics(ds, est)
    shanks = table[[col("shank", s) for s in SIDES]].to_numpy()
    finite = np.isfinite(shanks)
    with np.errstate(invalid="ignore"):
        mean_shank = np.where(finite.any(axis=1),
                              np.where(finite, shanks, 0.0).sum(axis=1)
                              / np.maximum(finite.sum(axis=1), 1), np.nan)
    table[TRUNK_MINUS_SHANK] = table[TRUNK_LEAN].to_numpy() - mean_shank
    return table


def live_frame(ds: xr.Dataset, *, min_visibility: float = MIN_VISIBILITY,
               window_frames: int = WINDOW_FRAMES) -> LiveFrame:
    """Driver, view and newest frame's metrics from the raw keypoints received so far."""
    if window_frames < 1:
        raise ValueError(f"expected a window of at least 1 frame, but got {window_frames}")
    seen = seen_only(ds, min_visibility=min_visibility)
    driver = hip_height(seen)
    try:
        est = detect_view(seen)
    except ViewError:  # too few frames yet, or the person is not upright: no angles
        return LiveFrame(driver, None, pd.Series(dtype=float))
    window = seen.isel(time=slice(-window_frames, None))
    return LiveFrame(driver, est, frame_metrics(window, est).iloc[-1])
