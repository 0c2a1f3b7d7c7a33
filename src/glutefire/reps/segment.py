"""Rep segmentation of the squat driver signal with hysteresis.

The driver is ``depth = 1 - hip_height_rel`` (0 standing, larger deeper). A rep starts when the
person leaves the standing band, reaches the deep band, and ends on return to the standing band.
Two thresholds (hysteresis) keep a signal that hovers around one level from counting many reps;
a minimum duration and spike-cleaned input keep single-frame landmark jumps from creating reps.
Movement already under way at the start of the clip, or unfinished at its end, is reported as an
incomplete rep.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Rep:
    """One repetition. Frames index the clip; times are seconds from its start."""

    index: int
    start_frame: int
    bottom_frame: int
    end_frame: int
    start_s: float
    bottom_s: float
    end_s: float
    complete: bool
    depth_rel: float  # driver depth at the bottom, fraction of standing leg length

    def as_dict(self) -> dict[str, object]:
        """Plain-dict form for tables and JSON."""
        return asdict(self)


@dataclass(frozen=True)
class SegmentationDiagnostics:
    """The levels the decision used, so it can be audited."""

    standing_level: float
    deep_level: float
    enter_threshold: float
    exit_threshold: float
    amplitude: float


def segment_reps(
    depth: np.ndarray,
    time_s: np.ndarray,
    *,
    enter_frac: float = 0.6,
    exit_frac: float = 0.3,
    min_amplitude: float = 0.06,
    min_duration_s: float = 0.6,
    standing_max: float | None = None,
    not_standing: np.ndarray | None = None,
    bottom_frac: float = 0.03,
) -> tuple[list[Rep], SegmentationDiagnostics]:
    """Find reps in ``depth`` (0 standing, + deeper), sampled at ``time_s``.

    A rep must go deeper than ``enter_frac`` of the clip's depth range and come back above
    ``exit_frac`` of it. Nothing is counted when the range is below ``min_amplitude`` (in depth
    units) or a rep lasts less than ``min_duration_s``. ``standing_max`` (None: no constraint)
    is an absolute depth the person must come back to for a rep to end, where the driver has an
    absolute scale: a clip that never stands up (cut from half squat to half squat) then holds
    no complete rep, however small its own range. ``not_standing`` (None: no constraint) does
    the same per frame where the driver has no absolute scale: a boolean per frame, True where
    other evidence shows the person is not standing, so that frame can neither end a rep nor
    count as standing at the start of the clip. A rep's bottom is the middle of the stretch
    around its deepest frame that stays within ``bottom_frac`` of the clip's depth range of that
    depth: a slow squat that pauses at the bottom has its bottom in the pause, not on whichever
    frame's landmark noise happens to be deepest.
    """
    filled = pd.Series(depth).interpolate(limit_direction="both").to_numpy()
    if not np.isfinite(filled).any():
        return [], SegmentationDiagnostics(np.nan, np.nan, np.nan, np.nan, 0.0)
    standing, deep = np.nanpercentile(filled, 5), np.nanpercentile(filled, 95)
    amplitude = float(deep - standing)
    enter = standing + enter_frac * amplitude
    exit_ = standing + exit_frac * amplitude
    if standing_max is not None:
        exit_ = min(exit_, standing_max)
    diag = SegmentationDiagnostics(
        float(standing), float(deep), float(enter), float(exit_), amplitude
    )
    if amplitude < min_amplitude:
        return [], diag
    spans = _spans(filled, enter, exit_, _as_mask(not_standing, len(filled)))
    settle = standing + 0.05 * amplitude
    reps: list[Rep] = []
    for start, end, complete in spans:
        start, end = _widen(filled, start, end, settle)
        bottom = start + _bottom_index(filled[start : end + 1], bottom_frac * amplitude)
        if complete and time_s[end] - time_s[start] < min_duration_s:
            continue
        reps.append(
            Rep(
                len(reps) + 1,
                start,
                bottom,
                end,
                float(time_s[start]),
                float(time_s[bottom]),
                float(time_s[end]),
                complete,
                float(filled[bottom]),
            )
        )
    return reps, diag


def _bottom_index(depth: np.ndarray, tolerance: float) -> int:
    """Index of the middle of the contiguous run around ``argmax(depth)`` that stays within
    ``tolerance`` (depth units) of the maximum."""
    deepest = int(np.argmax(depth))
    near = depth >= depth[deepest] - tolerance
    first, last = deepest, deepest
    while first > 0 and near[first - 1]:
        first -= 1
    while last < len(depth) - 1 and near[last + 1]:
        last += 1
    return (first + last) // 2


def _as_mask(not_standing: np.ndarray | None, n: int) -> np.ndarray:
    if not_standing is None:
        return np.zeros(n, dtype=bool)
    if not_standing.shape != (n,):
        raise ValueError(f"expected not_standing of shape ({n},), but got {not_standing.shape}")
    return not_standing.astype(bool)


def _spans(
    depth: np.ndarray, enter: float, exit_: float, not_standing: np.ndarray
) -> list[tuple[int, int, bool]]:
    """(start, end, complete) frame spans from a hysteresis state machine; a frame in
    ``not_standing`` is never back in the standing band."""
    spans: list[tuple[int, int, bool]] = []
    up = depth[0] <= exit_ and not not_standing[0]
    started_deep = not up
    start = 0
    went_deep = depth[0] >= enter
    for i in range(1, len(depth)):
        if up and depth[i] > exit_:
            up, start, went_deep = False, i - 1, False
        elif not up:
            went_deep |= depth[i] >= enter
            if depth[i] <= exit_ and not not_standing[i]:
                if went_deep or started_deep:
                    spans.append((start, i, not started_deep))
                up, started_deep = True, False
    if not up and (went_deep or depth[start:].max() > exit_ + 0.5 * (enter - exit_)):
        spans.append((start, len(depth) - 1, False))
    return spans


def _widen(depth: np.ndarray, start: int, end: int, settle: float) -> tuple[int, int]:
    """Move a span's ends outwards to where the movement really starts and stops: while the
    depth keeps falling away from the rep and the person has not yet settled at standing."""
    while start > 0 and depth[start - 1] < depth[start] and depth[start] > settle:
        start -= 1
    while end < len(depth) - 1 and depth[end + 1] < depth[end] and depth[end] > settle:
        end += 1
    return start, end


def reps_frame(reps: list[Rep]) -> pd.DataFrame:
    """Reps as a table indexed by rep number."""
    columns = list(Rep.__dataclass_fields__)
    return pd.DataFrame([r.as_dict() for r in reps], columns=columns).set_index("index")
