"""Reps and holds of an exercise from its per-frame measures.

Reps use the squat's hysteresis segmentation (:func:`glutefire.reps.segment.segment_reps`) on
the exercise's driver, turned so that 0 is the rest position. A hold is a stretch of frames in
the held position lasting at least its minimum, with short gaps bridged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from glutefire.exercises.spec import ExerciseSpec, HoldSpec, RepSpec
from glutefire.reps.segment import Rep, SegmentationDiagnostics, segment_reps

#: The share of the driver's range that the first and last 0.5 s must stay above for a clip to
#: count as resting at the peak (a bridge held at the top between dips). Design value.
TOP_START_LEVEL = 0.6
EDGE_S = 0.5


@dataclass(frozen=True)
class Hold:
    """A held position: start and end in seconds from the clip start. ``open_end``: still
    held when the clip ends (the hold may have lasted longer)."""

    start_s: float
    end_s: float
    open_start: bool
    open_end: bool

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def _filled(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).interpolate(limit_direction="both").to_numpy()


def rests_at_peak(driver: np.ndarray, time_s: np.ndarray) -> bool:
    """True when the clip starts and ends near the top of the driver's range (the first and
    last :data:`EDGE_S` seconds above :data:`TOP_START_LEVEL` of it)."""
    filled = _filled(driver)
    if not np.isfinite(filled).any():
        return False
    low, high = np.nanpercentile(filled, 5), np.nanpercentile(filled, 95)
    if high - low <= 0:
        return False
    level = (filled - low) / (high - low)
    start = level[time_s <= time_s[0] + EDGE_S]
    end = level[time_s >= time_s[-1] - EDGE_S]
    return bool(np.median(start) > TOP_START_LEVEL and np.median(end) > TOP_START_LEVEL)


def find_reps(
    frames: pd.DataFrame, spec: RepSpec
) -> tuple[list[Rep], SegmentationDiagnostics, bool]:
    """Reps of the driver column; returns (reps, diagnostics, rest_at_peak). A rep's
    ``bottom_s`` is its event: the middle of the top band (top of a bridge, bottom of a lunge),
    or, when the clip rests at the peak, the middle of each dip away from it."""
    time_s = frames.index.to_numpy()
    driver = frames[spec.driver].to_numpy(dtype=float)
    oriented = driver if spec.rest == "low" else -driver
    flipped = spec.rest_may_be_at_peak and rests_at_peak(oriented, time_s)
    if flipped:
        oriented = -oriented
    reps, diag = segment_reps(
        oriented,
        time_s,
        min_amplitude=spec.min_amplitude,
        bottom_frac=spec.peak_band,
    )
    return reps, diag, flipped


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index runs where ``mask`` is true."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _bridge(mask: np.ndarray, unknown: np.ndarray, max_gap: int) -> np.ndarray:
    """Fill false runs of at most ``max_gap`` frames between true ones, and unknown frames
    (landmarks lost) between true ones whatever their length up to ``3 * max_gap``."""
    out = mask.copy()
    for a, b in _runs(~mask):
        if a == 0 or b == len(mask):
            continue
        if b - a <= max_gap or (unknown[a:b].all() and b - a <= 3 * max_gap):
            out[a:b] = True
    return out


def in_position(frames: pd.DataFrame, spec: HoldSpec) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: (in the held position, unknown because a measure was not seen)."""
    ok = np.ones(len(frames), dtype=bool)
    unknown = np.zeros(len(frames), dtype=bool)
    for cond in spec.conditions:
        values = frames[cond.measure].to_numpy(dtype=float)
        unknown |= ~np.isfinite(values)
        with np.errstate(invalid="ignore"):
            if cond.min is not None:
                ok &= values >= cond.min
            if cond.max is not None:
                ok &= values <= cond.max
    return ok & ~unknown, unknown


def find_holds(
    frames: pd.DataFrame, mask: np.ndarray, unknown: np.ndarray, spec: HoldSpec
) -> list[Hold]:
    """Holds: runs of ``mask`` (gaps bridged) lasting at least ``spec.min_s``."""
    time_s = frames.index.to_numpy()
    rate = 1.0 / float(np.median(np.diff(time_s))) if len(time_s) > 1 else 1.0
    bridged = _bridge(mask, unknown, max(0, int(round(spec.max_gap_s * rate))))
    holds = []
    for a, b in _runs(bridged):
        start, end = float(time_s[a]), float(time_s[b - 1])
        if end - start >= spec.min_s:
            holds.append(Hold(start, end, open_start=a == 0, open_end=b == len(time_s)))
    return holds


def driver_top_mask(
    frames: pd.DataFrame, spec: ExerciseSpec, diag: SegmentationDiagnostics, flipped: bool
) -> np.ndarray:
    """Frames in the top band of the rep driver (at or beyond the rep's enter threshold)."""
    assert spec.reps is not None
    driver = frames[spec.reps.driver].to_numpy(dtype=float)
    oriented = driver if spec.reps.rest == "low" else -driver
    if flipped:
        return np.zeros(len(frames), dtype=bool)  # resting at the top: no separate hold
    with np.errstate(invalid="ignore"):
        return oriented >= diag.enter_threshold
