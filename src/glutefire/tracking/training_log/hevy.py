"""Reader for Hevy (hevy.com) CSV exports.

Header: ``title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe``; accounts set to imperial
units export ``weight_lbs`` and ``distance_miles`` instead. ``start_time`` looks like
``26 Jul 2025, 07:06``; ``set_type`` is normal, warmup, failure or dropset.
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
from glutefire.tracking.training_log.model import SET_TYPES, TrainingSet

NAME = "hevy"
REQUIRED = ("start_time", "exercise_title")
KNOWN = (
    "title", "start_time", "end_time", "description", "exercise_title", "superset_id",
    "exercise_notes", "set_index", "set_type", "weight_kg", "weight_lbs", "reps", "distance_km",
    "distance_miles", "duration_seconds", "rpe",
)  # fmt: skip
DATE_FORMATS = ("%d %b %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d %b %Y %H:%M")


def is_set_row(row: Mapping[str, str]) -> bool:
    return True


def _weight_kg(row: Mapping[str, str]) -> float | None:
    if row.get("weight_lbs"):
        pounds = parse_number(row.get("weight_lbs"), "weight_lbs")
        return None if pounds is None else pounds * LB_TO_KG
    return parse_number(row.get("weight_kg"), "weight_kg")


def _distance_m(row: Mapping[str, str]) -> float | None:
    if row.get("distance_miles"):
        miles = parse_number(row.get("distance_miles"), "distance_miles")
        return None if miles is None else miles * MILE_TO_M
    km = parse_number(row.get("distance_km"), "distance_km")
    return None if km is None else km * 1000.0


def _set_type(row: Mapping[str, str]) -> str:
    value = (row.get("set_type") or "normal").strip().lower()
    if value not in SET_TYPES:
        raise ValueError(f"expected set_type one of {', '.join(SET_TYPES)}, but got {value!r}")
    return value


def parse_row(
    row: Mapping[str, str], counter: Counter, *, time_zone: str, weight_unit: str
) -> TrainingSet:
    """One Hevy row -> one set. ``weight_unit`` is unused: Hevy names the unit in the header."""
    exercise = (row.get("exercise_title") or "").strip()
    if not exercise:
        raise ValueError("expected an exercise_title, but got an empty cell")
    performed_at = parse_local_time(
        row.get("start_time", ""), DATE_FORMATS, time_zone, "start_time"
    )
    parse_int(row.get("set_index"), "set_index")
    counter[(performed_at, exercise)] += 1
    return TrainingSet(
        performed_at=performed_at,
        workout_name=row.get("title") or None,
        exercise_name=exercise,
        set_index=counter[(performed_at, exercise)],
        set_type=_set_type(row),
        weight_kg=_weight_kg(row),
        reps=parse_int(row.get("reps"), "reps"),
        duration_s=parse_number(row.get("duration_seconds"), "duration_seconds"),
        distance_m=_distance_m(row),
        rpe=parse_number(row.get("rpe"), "rpe"),
        notes=row.get("exercise_notes") or None,
    )
