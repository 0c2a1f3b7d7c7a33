"""Reader for Strong (strong.app) CSV exports.

Two layouts are known (see docs/training-log-formats.md):

* current: ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,
  Notes,Workout Notes,RPE`` -- weights in the unit set in the app (no unit column);
* older: ``Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;
  Distance Unit;Seconds;Notes;Workout Notes`` -- ``;``-separated in some locales.

``Set Order`` is a number, or ``W`` (warm-up), ``D`` (drop set), ``F`` (failure); rows whose
``Set Order`` is ``Rest Timer`` are not sets and are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from glutefire.tracking.training_log.csvutil import (
    LB_TO_KG,
    MILE_TO_M,
    parse_int,
    parse_local_time,
    parse_number,
)
from glutefire.tracking.training_log.model import TrainingSet

NAME = "strong"
REQUIRED = ("Date", "Exercise Name", "Set Order")
KNOWN = (
    "Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Weight Unit",
    "Reps", "RPE", "Distance", "Distance Unit", "Seconds", "Notes", "Workout Notes",
)  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %H:%M", "%Y-%m-%d")
SET_TYPES = {"W": "warmup", "D": "dropset", "F": "failure"}
NOT_A_SET = ("rest timer",)


def is_set_row(row: Mapping[str, str]) -> bool:
    return row.get("Set Order", "").strip().lower() not in NOT_A_SET


def _weight_kg(row: Mapping[str, str], default_unit: str) -> float | None:
    weight = parse_number(row.get("Weight"), "Weight")
    unit = (row.get("Weight Unit") or default_unit).strip().lower()
    if weight is None:
        return None
    if unit in ("lb", "lbs"):
        return weight * LB_TO_KG
    if unit != "kg":
        raise ValueError(f"expected Weight Unit kg or lbs, but got {unit!r}")
    return weight


def _distance_m(row: Mapping[str, str]) -> float | None:
    distance = parse_number(row.get("Distance"), "Distance")
    unit = (row.get("Distance Unit") or "km").strip().lower()
    if distance is None:
        return None
    factors = {"km": 1000.0, "m": 1.0, "mi": MILE_TO_M, "miles": MILE_TO_M}
    if unit not in factors:
        raise ValueError(f"expected Distance Unit km, m or mi, but got {unit!r}")
    return distance * factors[unit]


def parse_row(
    row: Mapping[str, str], counter: Counter, *, time_zone: str, weight_unit: str
) -> TrainingSet:
    """One Strong row -> one set. ``counter`` numbers sets per (workout time, exercise)."""
    exercise = row.get("Exercise Name", "").strip()
    if not exercise:
        raise ValueError("expected an Exercise Name, but got an empty cell")
    performed_at = parse_local_time(row.get("Date", ""), DATE_FORMATS, time_zone, "Date")
    order = row.get("Set Order", "").strip().upper()
    if order not in SET_TYPES:
        parse_int(order, "Set Order")
    counter[(performed_at, exercise)] += 1
    return TrainingSet(
        performed_at=performed_at,
        workout_name=row.get("Workout Name") or None,
        exercise_name=exercise,
        set_index=counter[(performed_at, exercise)],
        set_type=SET_TYPES.get(order, "normal"),
        weight_kg=_weight_kg(row, weight_unit),
        reps=parse_int(row.get("Reps"), "Reps"),
        duration_s=parse_number(row.get("Seconds"), "Seconds"),
        distance_m=_distance_m(row),
        rpe=parse_number(row.get("RPE"), "RPE"),
        notes=row.get("Notes") or None,
    )
