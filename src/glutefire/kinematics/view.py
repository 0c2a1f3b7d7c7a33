"""Camera view recognition from the landmarks: front, back, side or oblique (about 3/4).

The cue is how wide the shoulders and hips look relative to trunk length: wide from the front
or back, nearly zero from the side. Front and back are told apart by which side of the image
the person's left shoulder is on (seen from the front, the person's left is on image right).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import ViewError
from glutefire.keypoints import point

#: Width-to-trunk ratio at or above which the view is frontal (front or back).
FRONTAL_MIN_RATIO = 0.5
#: Width-to-trunk ratio at or below which the view is a side view. Judged on the narrower of
#: the hip width and the shoulder width scaled to hip width: MediaPipe guesses hidden far-side
#: landmarks apart (a barbell plate or the far arm widens the shoulders), so the narrower cue is
#: the more trustworthy one for a side view.
SIDE_MAX_RATIO = 0.2
#: A view narrower than frontal is a side view when the less visible knee is seen (MediaPipe
#: visibility, median over frames) less than this: the far leg is hidden behind the near one,
#: which happens from the side, not from 3/4 (design value, unverified beyond docs/validation.md:
#: far knee 0.16-0.43 in pure side views, 0.71 in the rear 3/4 clip; a barbell squat filmed from
#: the side read 0.29 with its hip landmarks guessed apart).
HIDDEN_FAR_KNEE_MAX_VISIBILITY = 0.5
#: Shoulder width over hip-joint width seen from the front (median 1.6 over the front clips of
#: docs/validation.md; design value, unverified beyond them).
SHOULDER_TO_HIP_WIDTH = 1.6
#: The trunk must be within this many degrees of vertical (median) for a standing test.
UPRIGHT_MAX_TILT_DEG = 50.0


class View(str, Enum):
    """Camera view relative to the person."""

    FRONT = "front"
    BACK = "back"
    SIDE = "side"
    OBLIQUE = "oblique"

    @property
    def frontal(self) -> bool:
        """True for views that show the frontal plane (front or back)."""
        return self in (View.FRONT, View.BACK)


@dataclass(frozen=True)
class ViewEstimate:
    """The recognised view and the evidence for it."""

    view: View
    width_ratio: float
    trunk_tilt_deg: float
    facing_sign: float  # side view: +1 facing image-right, -1 facing image-left


def _mid(ds: xr.Dataset, part: str) -> np.ndarray:
    """Midpoint of left and right ``part``; the seen one where the other is unseen."""
    both = np.stack([point(ds, f"left_{part}"), point(ds, f"right_{part}")])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames stay NaN
        return np.nanmean(both, axis=0)


def detect_view(ds: xr.Dataset) -> ViewEstimate:
    """Recognise the camera view from cleaned keypoints; raise :class:`ViewError` when the person
    is not upright (not a standing test) or the landmarks are too sparse."""
    shoulders, hips = _mid(ds, "shoulder"), _mid(ds, "hip")
    trunk = shoulders - hips
    trunk_len = np.hypot(trunk[:, 0], trunk[:, 1])
    tilt = np.degrees(np.arctan2(np.abs(trunk[:, 0]), -trunk[:, 1]))
    if np.isfinite(tilt).sum() < 5:
        raise ViewError("too few frames show the shoulders and hips to recognise the camera view")
    median_tilt = float(np.nanmedian(tilt))
    if median_tilt > UPRIGHT_MAX_TILT_DEG:
        raise ViewError(
            f"the person is not upright (trunk {median_tilt:.0f} deg from vertical); expected a "
            "standing squat filmed from the front, side or 3/4 view"
        )
    shoulder_w = np.abs(point(ds, "left_shoulder")[:, 0] - point(ds, "right_shoulder")[:, 0])
    hip_w = np.abs(point(ds, "left_hip")[:, 0] - point(ds, "right_hip")[:, 0])
    widths = 0.5 * (shoulder_w + hip_w) / trunk_len
    if np.isfinite(widths).sum() < 5:  # one side's hip and shoulder unseen: side-on
        return ViewEstimate(
            view=View.SIDE, width_ratio=0.0, trunk_tilt_deg=median_tilt, facing_sign=facing_sign(ds)
        )
    ratio = float(np.nanmedian(widths))
    narrow = float(np.nanmedian(narrow_width_ratio(ds)))
    return ViewEstimate(
        view=_classify(ds, ratio, narrow),
        width_ratio=ratio,
        trunk_tilt_deg=median_tilt,
        facing_sign=facing_sign(ds),
    )


def _classify(ds: xr.Dataset, ratio: float, narrow_ratio: float) -> View:
    if narrow_ratio <= SIDE_MAX_RATIO:
        return View.SIDE
    if ratio < FRONTAL_MIN_RATIO and far_knee_visibility(ds) < HIDDEN_FAR_KNEE_MAX_VISIBILITY:
        return View.SIDE
    if ratio < FRONTAL_MIN_RATIO:
        return View.OBLIQUE
    left_on_image_right = (
        np.nanmedian(point(ds, "left_shoulder")[:, 0] - point(ds, "right_shoulder")[:, 0]) > 0
    )
    return View.FRONT if left_on_image_right else View.BACK


def far_knee_visibility(ds: xr.Dataset) -> float:
    """Median MediaPipe visibility (0-1) of the less visible knee over the clip; 1.0 when the
    keypoints carry no visibility (then nothing is known to be hidden)."""
    if "visibility" not in ds:
        return 1.0
    medians = [
        float(ds["visibility"].sel(keypoint=f"{side}_knee").median(skipna=True))
        for side in ("left", "right")
    ]
    finite = [m for m in medians if np.isfinite(m)]
    return min(finite) if finite else 1.0


def facing_sign(ds: xr.Dataset) -> float:
    """+1 when the toes point to image-right, -1 to image-left (median over frames and feet)."""
    dx = np.concatenate(
        [
            point(ds, f"{s}_foot_index")[:, 0] - point(ds, f"{s}_heel")[:, 0]
            for s in ("left", "right")
        ]
    )
    med = np.nanmedian(dx) if np.isfinite(dx).any() else 0.0
    if med == 0.0 or not np.isfinite(med):
        nose_dx = point(ds, "nose")[:, 0] - _mid(ds, "shoulder")[:, 0]
        med = np.nanmedian(nose_dx) if np.isfinite(nose_dx).any() else 1.0
    return 1.0 if med >= 0 else -1.0


#: A view change is reported only when each view holds for at least this long (seconds).
MIN_VIEW_SEGMENT_S = 3.0
#: Rolling-median window (seconds) that smooths the per-frame width cue before segmenting.
VIEW_SMOOTHING_S = 1.0


def narrow_width_ratio(ds: xr.Dataset) -> np.ndarray:
    """Per frame: the narrower of hip width and scaled shoulder width over trunk length
    (see :data:`SIDE_MAX_RATIO`); about 0 from the side, 0.45 from the front; NaN if unseen."""
    trunk = _mid(ds, "shoulder") - _mid(ds, "hip")
    trunk_len = np.hypot(trunk[:, 0], trunk[:, 1])
    shoulder_w = np.abs(point(ds, "left_shoulder")[:, 0] - point(ds, "right_shoulder")[:, 0])
    hip_w = np.abs(point(ds, "left_hip")[:, 0] - point(ds, "right_hip")[:, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.fmin(hip_w, shoulder_w / SHOULDER_TO_HIP_WIDTH) / trunk_len


def view_change_frames(ds: xr.Dataset) -> list[tuple[int, int]]:
    """Frame spans ``[start, stop)`` of a clip whose view changes between side and not side
    (front, back or oblique), each lasting at least :data:`MIN_VIEW_SEGMENT_S`; one span (the
    whole clip) when the view does not change. Frames where the person is not seen join the
    span before them."""
    rate = float(ds.attrs["sampling_rate_hz"])
    window = max(1, int(round(VIEW_SMOOTHING_S * rate)))
    smooth = pd.Series(narrow_width_ratio(ds)).rolling(window, center=True, min_periods=1).median()
    side = (smooth.ffill().bfill() <= SIDE_MAX_RATIO).to_numpy()
    n = len(side)
    edges = [0, *(np.flatnonzero(np.diff(side.astype(int))) + 1).tolist(), n]
    runs = [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    min_len = MIN_VIEW_SEGMENT_S * rate
    merged: list[list[int]] = []
    for a, b in runs:  # short runs join the previous span (or the next one, at the start)
        if merged and (b - a < min_len or side[a] == side[merged[-1][0]]):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    if len(merged) > 1 and merged[0][1] - merged[0][0] < min_len:
        merged[1][0] = 0
        merged.pop(0)
    return [(a, b) for a, b in merged]
