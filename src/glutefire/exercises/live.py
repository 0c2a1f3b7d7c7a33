"""Live mirror mode for the corrective exercises: reps, running hold time, cue and camera advice
while the person trains.

Nothing here counts or checks on its own: every update runs the offline analysis
(:func:`~glutefire.exercises.analyse.analyse_exercise`, the function ``glutefire check`` calls)
on the newest :data:`WINDOW_S` seconds of landmarks, at most once per :data:`ANALYSE_EVERY_S`
seconds of capture time, so the work per frame is bounded whatever the set's length.
:class:`~glutefire.reps.live.RepTally` and :class:`~glutefire.reps.live.HoldTally` carry the
reps and holds that leave the window. The cue is the data file's cue of the first form check the
window's analysis finds present; a camera view that does not fit the exercise (or a person
standing for a floor exercise) is said in ``advice``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import xarray as xr

from glutefire.errors import GlutefireError
from glutefire.exercises.analyse import MIN_DURATION_S, ExerciseAnalysis, analyse_exercise
from glutefire.exercises.spec import ExerciseSpec
from glutefire.reps.live import HoldTally, RepTally
from glutefire.result import Status

#: Seconds of the newest landmarks each live analysis reads: longer than any rep of the
#: exercises (2-5 s on the clips of docs/validation.md) with room for the clip-level levels of
#: the rep segmentation. Design value (unverified).
WINDOW_S = 15.0
#: Seconds of capture time between two analyses (the rep count and cue update at this rate,
#: the running hold time on every frame). One analysis of a full window takes 0.1-0.3 s on the
#: shared 2-core machine, too long for every frame. Design value (unverified).
ANALYSE_EVERY_S = 0.5

#: Builds the keypoints of the set from ``start_s`` (seconds from its first frame) to the newest
#: frame, time in seconds from the set's first frame; None while fewer than two frames arrived.
WindowFn = Callable[[float], xr.Dataset | None]


@dataclass(frozen=True)
class LiveExerciseState:
    """What the live page shows for an exercise after the newest frame.

    ``reps``: complete reps so far (exercises counted by reps); ``hold_s``: the running hold's
    time in seconds (None: not holding); ``longest_hold_s``: the longest hold so far, seconds;
    ``cue``: what to correct ("" none); ``advice``: why the set cannot be read as it is filmed
    ("" when it fits); ``samples``: frames the newest update analysed (0 between analyses)."""

    exercise: str
    counts: Literal["reps", "hold"]
    reps: int
    hold_s: float | None
    longest_hold_s: float | None
    cue: str
    advice: str
    samples: int


class LiveExerciseAnalyser:
    """Running analysis of one live set of ``spec``'s exercise (one per set: make a new one to
    start over)."""

    def __init__(
        self,
        spec: ExerciseSpec,
        *,
        window_s: float = WINDOW_S,
        every_s: float = ANALYSE_EVERY_S,
    ) -> None:
        if window_s <= 0 or every_s < 0:
            raise ValueError(
                f"expected window_s > 0 and every_s >= 0, but got {window_s} and {every_s}"
            )
        self.spec = spec
        self.window_s = window_s
        self.every_s = every_s
        self._reps = RepTally()
        self._holds = HoldTally()
        self._last_s: float | None = None
        self._count = 0
        self._cue = ""
        self._advice = ""

    def update(self, now_s: float, window: WindowFn) -> LiveExerciseState:
        """The state after a frame captured at ``now_s`` (seconds from the set's first frame);
        ``window`` gives the landmarks to analyse when an analysis is due."""
        samples = 0
        if now_s < MIN_DURATION_S:  # too short to analyse yet (the check refuses it)
            return self.state(now_s)
        if self._last_s is None or now_s - self._last_s >= self.every_s:
            start_s = max(0.0, now_s - self.window_s)
            ds = window(start_s)
            if ds is not None:
                self._last_s = now_s
                samples = ds.sizes["time"]
                self._analyse(ds, start_s)
        return self.state(now_s, samples)

    def state(self, now_s: float, samples: int = 0) -> LiveExerciseState:
        running = self._holds.running_s(now_s)
        longest = self._holds.longest_s
        if running is not None:
            longest = max(longest or 0.0, running)
        return LiveExerciseState(
            exercise=self.spec.id,
            counts=self.spec.counts,
            reps=self._count,
            hold_s=None if running is None else round(running, 1),
            longest_hold_s=None if longest is None else round(longest, 1),
            cue=self._cue,
            advice=self._advice,
            samples=samples,
        )

    def _analyse(self, ds: xr.Dataset, start_s: float) -> None:
        at_start = start_s <= 0.0
        try:
            analysis = analyse_exercise(ds, self.spec)
        except GlutefireError as exc:  # too short yet, nobody in view, wrong posture
            self._cue, self._advice = "", _without_source(str(exc))
            self._holds.update([], at_start=at_start)
            return
        self._count = self._reps.update(analysis.reps, window_start_s=start_s, at_start=at_start)
        self._holds.update(analysis.holds, at_start=at_start)
        self._cue = first_cue(analysis)
        self._advice = "" if analysis.view_fits else view_advice(analysis)


def first_cue(analysis: ExerciseAnalysis) -> str:
    """The cue of the first form check found present (data-file order), "" when none is."""
    return next((o.spec.cue for o in analysis.checks if o.status is Status.PRESENT), "")


def view_advice(analysis: ExerciseAnalysis) -> str:
    """Why the camera view does not fit the exercise, and how to film it."""
    spec = analysis.spec
    return (
        f"This looks like a {analysis.view.view} view; a {spec.title.lower()} is counted from "
        f"{' or '.join(spec.views)}. {spec.how_to_film}"
    )


def _without_source(message: str) -> str:
    """An analysis error without its ``source: `` prefix (the live set has no file name)."""
    head, sep, tail = message.partition(": ")
    return tail if sep and " " not in head else message
