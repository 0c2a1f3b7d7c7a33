"""Per-frame kinematics for live feedback, computed by the same functions as offline screening.

Live mode receives one frame at a time and cannot use the zero-lag filter of
:func:`~glutefire.kinematics.filters.clean_keypoints` (it needs the frames that follow). It
therefore applies only the filter's first, causal step (landmarks seen with less than
``min_visibility`` count as not seen) and then the offline functions unchanged:
:func:`~glutefire.kinematics.view.detect_view` on the frames given (live mode passes the newest
``web.live.SQUAT_WINDOW_S`` seconds, so the work per frame is bounded),
:func:`~glutefire.kinematics.metrics.choose_sides` for the legs measured (the near leg in a side
view), :func:`~glutefire.kinematics.metrics.rep_driver` for the rep driver (knee flexion in a
side view, hip height otherwise) and
:func:`~glutefire.kinematics.metrics.compute_frame_metrics` for the angles. Angles of a frame
that depend on that frame only (knee FPPA, side-view trunk inclination and knee flexion) are thus
identical to the offline per-frame table computed on the same keypoints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import ViewError
from glutefire.kinematics.filters import MIN_VISIBILITY
from glutefire.kinematics.metrics import (
    SIDES,
    SideChoice,
    choose_sides,
    compute_frame_metrics,
    hip_height,
    not_standing_frames,
    rep_driver,
    standing_max_depth,
)
from glutefire.kinematics.view import ViewEstimate, detect_view

#: Frames (the latest ones) over which the angles of the newest frame are computed: enough for
#: the reference segment lengths of foreshortened angles, few enough to stay fast.
WINDOW_FRAMES = 90


@dataclass(frozen=True)
class LiveFrame:
    """What live mode knows after the newest frame.

    ``depth``: the offline rep driver (:data:`~glutefire.kinematics.metrics.SQUAT_DEPTH`, 0
    standing, + deeper) of every frame given; ``view``: None while the camera view cannot be
    recognised yet (``depth`` is then 1 - hip height of both legs); ``metrics``: the newest
    frame's row of the per-frame table (empty without a view); ``sides``: the legs measured;
    ``standing_max``: the depth a rep must come back to for it to end (None: relative);
    ``not_standing``: per frame, True where the person cannot be standing (outside a side view;
    see :func:`~glutefire.kinematics.metrics.not_standing_frames`), None for no constraint.
    """

    depth: np.ndarray
    view: ViewEstimate | None
    metrics: pd.Series
    sides: SideChoice | None = None
    standing_max: float | None = None
    not_standing: np.ndarray | None = None


def seen_only(ds: xr.Dataset, *, min_visibility: float = MIN_VISIBILITY) -> xr.Dataset:
    """Copy of ``ds`` with positions set to NaN where visibility is below ``min_visibility``."""
    visibility = ds.variables["visibility"].values
    position = ds.variables["position"].values
    masked = np.where((visibility >= min_visibility)[..., None], position, np.nan)
    return ds.copy(data={"position": masked, "visibility": visibility})


def frame_metrics(
    ds: xr.Dataset, est: ViewEstimate, sides: tuple[str, ...] = SIDES
) -> pd.DataFrame:
    """The offline per-frame table for visible landmarks, measured on the legs in ``sides``."""
    return compute_frame_metrics(ds, est, sides)


def live_frame(
    ds: xr.Dataset, *, min_visibility: float = MIN_VISIBILITY, window_frames: int = WINDOW_FRAMES
) -> LiveFrame:
    """Depth, view and newest frame's metrics from the raw keypoints given (the newest ones)."""
    if window_frames < 1:
        raise ValueError(f"expected a window of at least 1 frame, but got {window_frames}")
    seen = seen_only(ds, min_visibility=min_visibility)
    try:
        est = detect_view(seen)
    except ViewError:  # too few frames yet, or the person is not upright: no angles
        return LiveFrame(1.0 - hip_height(seen), None, pd.Series(dtype=float))
    sides = choose_sides(seen, est.view)
    window = seen.isel(time=slice(-window_frames, None))
    return LiveFrame(
        rep_driver(seen, est, sides.sides),
        est,
        frame_metrics(window, est, sides.sides).iloc[-1],
        sides,
        standing_max_depth(est.view),
        not_standing_frames(seen, est.view, sides.sides),
    )
