"""Analyse one clip of an exercise: clean -> view and posture -> measures -> reps or holds ->
form checks. Pure: keypoints in, :class:`ExerciseAnalysis` out (the video edge is in
:mod:`glutefire.exercises.check`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import TooFewRepsError, ViewError
from glutefire.exercises.events import (
    Hold,
    driver_top_mask,
    find_holds,
    find_reps,
    in_position,
)
from glutefire.exercises.measures import compute_measures
from glutefire.exercises.sides import unswap_sides
from glutefire.exercises.spec import CheckSpec, ExerciseSpec
from glutefire.exercises.view import ExerciseView, recognise
from glutefire.kinematics.filters import clean_keypoints
from glutefire.reps.segment import Rep
from glutefire.result import Status
from glutefire.screening import checks as input_checks

#: The camera views a check can be read from.
VIEWS = ("side", "front", "oblique")
#: Shorter clips are refused (one rep or a hold of a few seconds needs more). Design value.
MIN_DURATION_S = 1.0
#: Each rep's value of a measure is its median within this many seconds of the rep's event.
PEAK_WINDOW_S = 0.25


@dataclass(frozen=True)
class CheckOutcome:
    """One form check on one clip. ``value``: mean over the reps used (or the hold's median),
    in ``spec.unit``; ``per_rep``: each rep's value (rep index -> value)."""

    spec: CheckSpec
    status: Status
    value: float | None
    reason: str
    per_rep: dict[int, float] = field(default_factory=dict)
    supporting: dict[str, float] = field(default_factory=dict)


@dataclass
class ExerciseAnalysis:
    """Everything computed from one clip of one exercise."""

    spec: ExerciseSpec
    keypoints: xr.Dataset
    view: ExerciseView
    view_fits: bool
    frames: pd.DataFrame
    reps: list[Rep]
    holds: list[Hold]
    checks: list[CheckOutcome]
    rests_at_peak: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def complete_reps(self) -> int:
        return sum(r.complete for r in self.reps)

    @property
    def longest_hold_s(self) -> float | None:
        return max((h.duration_s for h in self.holds), default=None)


def _measures_needed(spec: ExerciseSpec) -> list[str]:
    names = [c.measure for c in spec.checks] + [m for c in spec.checks for m in c.supporting]
    names += ["trunk_incline_deg", "hip_height_trunk"]
    if spec.reps is not None:
        names.append(spec.reps.driver)
    if spec.hold is not None:
        names += [c.measure for c in spec.hold.conditions]
    return list(dict.fromkeys(names))


def check_posture(spec: ExerciseSpec, view: ExerciseView, source: str) -> None:
    """Raise :class:`ViewError` when the person is standing for a floor exercise or on the
    floor for a standing one."""
    if view.posture == spec.posture:
        return
    where = "standing" if view.posture == "standing" else "on the floor"
    wanted = "done standing" if spec.posture == "standing" else "done on the floor"
    raise ViewError(
        f"{source}: the person is {where} in most frames (hips {view.hip_height_trunk:.1f} "
        f"trunk lengths above the ankles), but a {spec.title.lower()} is {wanted}; check the "
        "exercise name"
    )


def analyse_exercise(
    ds: xr.Dataset, spec: ExerciseSpec, *, view: str | None = None
) -> ExerciseAnalysis:
    """Analyse raw keypoints of ``spec``'s exercise; ``view`` forces the camera view (side,
    front, oblique). Raises a :class:`~glutefire.errors.GlutefireError` for unusable input."""
    source = str(ds.attrs.get("source_path", "clip"))
    if view is not None and view not in VIEWS:
        raise ViewError(f"expected a view from {', '.join(VIEWS)}, but got {view!r}")
    input_checks.check_person_found(ds)
    check_length(ds, source)
    kwargs = {} if spec.min_visibility is None else {"min_visibility": spec.min_visibility}
    relabelled, swaps = unswap_sides(ds)
    cleaned, _ = clean_keypoints(relabelled, **kwargs)
    recognised = recognise(cleaned)
    check_posture(spec, recognised, source)
    notes = [f"left/right labels of a limb swapped back in {swaps} frame(s)"] if swaps else []
    seen = _apply_view(recognised, view, notes)
    fits = seen.view in spec.views
    if not fits:
        notes.append(
            f"warning: a {seen.view} view does not fit a {spec.title.lower()} "
            f"(it is counted from {' or '.join(spec.views)}); {spec.how_to_film}"
        )
    frames = compute_measures(cleaned, _measures_needed(spec))
    reps, holds, flipped = _count(frames, spec, notes)
    moments = peak_moments(frames, spec, reps, flipped)
    outcomes = [evaluate_check(c, frames, moments, holds, seen.view) for c in spec.checks]
    return ExerciseAnalysis(spec, ds, seen, fits, frames, reps, holds, outcomes, flipped, notes)


def check_length(ds: xr.Dataset, source: str) -> None:
    """Raise :class:`TooFewRepsError` for a clip shorter than :data:`MIN_DURATION_S`."""
    time_s = ds.coords["time"].values
    duration = float(time_s[-1] - time_s[0]) if len(time_s) > 1 else 0.0
    if duration < MIN_DURATION_S:
        raise TooFewRepsError(
            f"{source}: the clip is too short ({duration:.1f} s); film at least one whole rep "
            "or a hold of a few seconds"
        )


def _apply_view(seen: ExerciseView, view: str | None, notes: list[str]) -> ExerciseView:
    """The recognised view, or the forced ``view`` (with a warning when they disagree)."""
    if view is None:
        return seen
    if view != seen.view:
        notes.append(
            f"warning: --view {view} contradicts the landmarks, which look like a {seen.view} "
            f"view (width across the body {seen.width_ratio:.2f} of trunk length)"
        )
    return ExerciseView(view, seen.width_ratio, seen.posture, seen.hip_height_trunk)


def _count(
    frames: pd.DataFrame, spec: ExerciseSpec, notes: list[str]
) -> tuple[list[Rep], list[Hold], bool]:
    reps: list[Rep] = []
    holds: list[Hold] = []
    flipped = False
    if spec.reps is not None:
        reps, diag, flipped = find_reps(frames, spec.reps)
        if flipped:
            notes.append("the clip starts and ends at the top: each dip away from it is a rep")
        if spec.hold is not None and spec.hold.from_driver:
            mask = driver_top_mask(frames, spec, diag, flipped)
            holds = find_holds(frames, mask, np.zeros_like(mask), spec.hold)
    if spec.hold is not None and not spec.hold.from_driver:
        mask, unknown = in_position(frames, spec.hold)
        holds = find_holds(frames, mask, unknown, spec.hold)
    return reps, holds, flipped


@dataclass(frozen=True)
class PeakMoment:
    """When a check reads a rep: its peak (top of a bridge, bottom of a lunge) and, for
    ``relative_to_start`` checks, the moment it is compared with."""

    rep: int
    peak_s: float
    reference_s: float


def peak_moments(
    frames: pd.DataFrame, spec: ExerciseSpec, reps: list[Rep], flipped: bool
) -> list[PeakMoment]:
    """The moments the form checks read: each complete rep's event (each rep when none is
    complete); when the clip rests at the top between dips, the middle of each top stretch
    (the top is where the form is judged), compared with the dip before it."""
    used = [r for r in reps if r.complete] or reps
    if not flipped or spec.reps is None:
        return [PeakMoment(r.index, r.bottom_s, r.start_s) for r in used]
    time_s = frames.index.to_numpy()
    bounds = [float(time_s[0]), *(r.bottom_s for r in reps), float(time_s[-1])]
    driver = frames[spec.reps.driver].to_numpy(dtype=float)
    sign = 1.0 if spec.reps.rest == "low" else -1.0
    moments = []
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        inside = np.flatnonzero((time_s >= a) & (time_s <= b))
        if len(inside) == 0 or not np.isfinite(driver[inside]).any():
            continue
        top = inside[int(np.nanargmax(sign * driver[inside]))]
        moments.append(PeakMoment(i + 1, float(time_s[top]), a))
    return moments


def _window_median(values: np.ndarray, time_s: np.ndarray, at_s: float) -> float:
    near = np.abs(time_s - at_s) <= PEAK_WINDOW_S
    chunk = values[near]
    return float(np.nanmedian(chunk)) if np.isfinite(chunk).any() else float("nan")


def _rep_values(
    measure: np.ndarray, time_s: np.ndarray, moments: list[PeakMoment], relative: bool
) -> dict[int, float]:
    values = {}
    for moment in moments:
        value = _window_median(measure, time_s, moment.peak_s)
        if relative:
            value -= _window_median(measure, time_s, moment.reference_s)
        if np.isfinite(value):
            values[moment.rep] = value
    return values


def _hold_value(measure: np.ndarray, time_s: np.ndarray, holds: list[Hold]) -> float:
    if not holds:
        return float("nan")
    longest = max(holds, key=lambda h: h.duration_s)
    inside = (time_s >= longest.start_s) & (time_s <= longest.end_s)
    chunk = measure[inside]
    return float(np.nanmedian(chunk)) if np.isfinite(chunk).any() else float("nan")


def evaluate_check(
    spec: CheckSpec, frames: pd.DataFrame, moments: list[PeakMoment], holds: list[Hold], view: str
) -> CheckOutcome:
    """Apply one form check: not assessable when the view does not fit, the check has no 2D
    measure, or its measure could not be taken; else present or absent by the threshold."""
    if spec.not_assessable_reason is not None:
        return CheckOutcome(spec, Status.NOT_ASSESSABLE, None, spec.not_assessable_reason)
    if view not in spec.views:
        return CheckOutcome(
            spec,
            Status.NOT_ASSESSABLE,
            None,
            f"needs a {' or '.join(spec.views)} view; this clip is a {view} view",
        )
    time_s = frames.index.to_numpy()
    measure = frames[spec.measure].to_numpy(dtype=float)
    per_rep: dict[int, float] = {}
    if spec.at == "hold":
        value = _hold_value(measure, time_s, holds)
        what = "no hold was found" if not holds else "its measure was not seen during the hold"
    else:
        per_rep = _rep_values(measure, time_s, moments, spec.relative_to_start)
        value = float(np.mean(list(per_rep.values()))) if per_rep else float("nan")
        what = "no rep was found" if not moments else "its measure was not seen at the reps' peaks"
    if not np.isfinite(value):
        return CheckOutcome(spec, Status.NOT_ASSESSABLE, None, what, per_rep)
    supporting = {
        name: _supporting_value(frames[name].to_numpy(dtype=float), time_s, spec, moments, holds)
        for name in spec.supporting
    }
    present = spec.exceeds(value)
    where = "over the hold" if spec.at == "hold" else f"mean of {len(per_rep)} peak(s)"
    verdict = "beyond" if present else "within"
    reason = f"{spec.measure} {value:.2f} ({where}) {verdict} {spec.present_when}"
    return CheckOutcome(
        spec, Status.PRESENT if present else Status.ABSENT, value, reason, per_rep, supporting
    )


def _supporting_value(
    values: np.ndarray,
    time_s: np.ndarray,
    spec: CheckSpec,
    moments: list[PeakMoment],
    holds: list[Hold],
) -> float:
    if spec.at == "hold":
        return _hold_value(values, time_s, holds)
    per_rep = _rep_values(values, time_s, moments, False)
    return float(np.mean(list(per_rep.values()))) if per_rep else float("nan")
