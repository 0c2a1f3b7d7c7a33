"""Weekly hip- vs knee-dominant training volume from imported sets (pure).

Warm-up sets are left out. Volume is counted two ways: working sets, and volume load
(sets x reps x weight in kg, only where a weight was logged). The verdict compares working sets:
when knee-dominant (quadriceps) sets outnumber hip-dominant (glute) sets, quad-dominant work
outweighs glute-dominant work. The hip/knee split is a convention (evidence.md §3); at a 10RM
load the hip thrust roughly doubled gluteus maximus activity compared with the back squat
(Contreras 2015), which is why the balance is worth watching when glute work is the goal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from glutefire.tracking.adherence import local_date, week_start
from glutefire.tracking.training_log.classify import Classification
from glutefire.tracking.training_log.model import TrainingSet

SOURCE = (
    "evidence.md §3: hip- vs knee-dominant is a programming convention (unverified as a "
    "standard); Contreras 2015 J Appl Biomech 31:452"
)


@dataclass(frozen=True)
class WeekBalance:
    week_start: dt.date
    hip_sets: int
    knee_sets: int
    other_sets: int
    hip_volume_kg: float
    knee_volume_kg: float

    @property
    def hip_to_knee(self) -> float | None:
        """Hip:knee working-set ratio (None when there were no knee-dominant sets)."""
        return self.hip_sets / self.knee_sets if self.knee_sets else None

    @property
    def quad_dominant(self) -> bool:
        return self.knee_sets > self.hip_sets


@dataclass(frozen=True)
class BalanceReport:
    weeks: tuple[WeekBalance, ...]
    unclassified: tuple[str, ...]
    hip_sets: int
    knee_sets: int
    classes: tuple[tuple[str, str, str], ...] = ()  # (exercise name, hip|knee|other, method)

    @property
    def quad_dominant(self) -> bool:
        return self.knee_sets > self.hip_sets

    @property
    def verdict(self) -> str:
        if not self.weeks:
            return "No imported training sets in this period."
        if self.quad_dominant:
            return (
                f"Quad-dominant work outweighs glute-dominant work: {self.knee_sets} "
                f"knee-dominant vs {self.hip_sets} hip-dominant working sets."
            )
        return (
            f"Glute-dominant work is at least equal to quad-dominant work: {self.hip_sets} "
            f"hip-dominant vs {self.knee_sets} knee-dominant working sets."
        )


def weekly_balance(
    sets: Sequence[TrainingSet],
    classify: Callable[[str], Classification],
    *,
    time_zone: str,
    since: dt.date | None = None,
) -> BalanceReport:
    """Group working sets by local ISO week and movement class."""
    counts: dict[dt.date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unclassified: set[str] = set()
    classes: dict[str, tuple[str, str, str]] = {}
    for item in sets:
        day = local_date(item.performed_at, time_zone)
        if item.set_type == "warmup" or (since and day < since):
            continue
        label = classify(item.exercise_name)
        classes[item.exercise_name] = (item.exercise_name, label.movement, label.method)
        if label.method == "unclassified":
            unclassified.add(item.exercise_name)
        week = counts[week_start(day)]
        week[f"{label.movement}_sets"] += 1
        if item.weight_kg is not None and item.reps is not None:
            week[f"{label.movement}_volume_kg"] += item.weight_kg * item.reps
    weeks = tuple(
        WeekBalance(
            monday,
            int(c["hip_sets"]),
            int(c["knee_sets"]),
            int(c["other_sets"]),
            round(c["hip_volume_kg"], 3),
            round(c["knee_volume_kg"], 3),
        )
        for monday, c in sorted(counts.items())
    )
    return BalanceReport(
        weeks,
        tuple(sorted(unclassified)),
        sum(w.hip_sets for w in weeks),
        sum(w.knee_sets for w in weeks),
        tuple(sorted(classes.values(), key=lambda c: (c[1], c[0]))),
    )
