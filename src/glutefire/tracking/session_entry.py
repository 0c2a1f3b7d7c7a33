"""Build one session-log entry from the current plan plus the user's overrides (pure).

``glutefire log --person NAME`` with no other options means "today's session done as planned":
the next session label in the rotation of the current phase, every exercise at its target.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from glutefire.boundary import clean_text, finite, plausible_time, whole
from glutefire.errors import RecordError
from glutefire.tracking.loads import Load, parse_load

_SET_RE = re.compile(
    r"^(?P<id>[^:]+):(?P<sets>\d+)\s*x\s*(?P<amount>\d+(?:\.\d+)?)(?P<unit>s)?(?:@(?P<load>.+))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExerciseDone:
    """One exercise: target (from the plan) next to what was done. Holds in seconds.
    ``done_load`` is the load as text; ``done_load_value`` in ``done_load_unit`` (kg, lb,
    bodyweight or band; see :mod:`glutefire.tracking.loads`) when it names a unit."""

    exercise_id: str
    name: str | None = None
    skipped: bool = False
    target_sets: int | None = None
    target_reps: str | None = None
    target_hold_s: float | None = None
    target_load: str | None = None
    done_sets: int | None = None
    done_reps: int | None = None
    done_hold_s: float | None = None
    done_load: str | None = None
    done_load_value: float | None = None
    done_load_unit: str | None = None

    def as_columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @property
    def done_text(self) -> str:
        """``"skipped"``, or e.g. ``"3x12 @ 20 kg"`` / ``"2x30 s"``."""
        if self.skipped:
            return "skipped"
        return amount_text(self.done_sets, self.done_reps, self.done_hold_s, self.done_load)

    @property
    def target_text(self) -> str:
        return amount_text(self.target_sets, self.target_reps, self.target_hold_s, self.target_load)


def amount_text(sets: int | None, reps: object, hold_s: float | None, load: str | None) -> str:
    """Sets x reps (or x hold seconds) and the load, as shown next to each other."""
    if sets is None:
        return "-"
    body = f"{hold_s:g} s" if hold_s is not None else f"{reps if reps is not None else '?'}"
    return f"{sets}x{body}" + (f" @ {load}" if load else "")


@dataclass(frozen=True)
class SessionEntry:
    performed_at: dt.datetime
    time_zone: str
    session_label: str | None
    pain_0_10: int | None = None
    effort_rpe_1_10: int | None = None
    notes: str | None = None
    exercises: tuple[ExerciseDone, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SetOverride:
    """``--set EXERCISE_ID:SETSxREPS[@LOAD]`` or ``EXERCISE_ID:SETSxSECONDSs`` (a hold), or one
    exercise's row of the web form. ``measured`` is ``load`` as a number and unit, if it is one."""

    exercise_id: str
    sets: int
    reps: int | None
    hold_s: float | None
    load: str | None
    measured: Load | None = None


def parse_set_override(text: str) -> SetOverride:
    match = _SET_RE.match(text.strip())
    if match is None:
        raise RecordError(
            f"expected --set as EXERCISE_ID:SETSxREPS[@LOAD] or EXERCISE_ID:SETSxSECONDSs, "
            f"e.g. glute_bridge:3x12@10kg or side_plank:2x30s, but got {text!r}"
        )
    is_hold = bool(match["unit"])
    try:
        amount = finite(float(match["amount"]), "--set's amount", low=0, high=MAX_SET_AMOUNT)
        return SetOverride(
            exercise_id=clean_text(match["id"], "--set's exercise id", max_chars=64),
            sets=whole(int(match["sets"]), "--set's sets", low=0, high=MAX_SETS),
            reps=None if is_hold else whole(amount, "--set's reps", low=0, high=MAX_SET_AMOUNT),
            hold_s=amount if is_hold else None,
            load=clean_text(match["load"], "--set's load", max_chars=64) if match["load"] else None,
            measured=parse_load(match["load"]),
        )
    except ValueError as exc:
        raise RecordError(str(exc)) from None


#: Input sanity bounds of a logged exercise (design values, unverified): far beyond a session.
MAX_SETS = 100
MAX_SET_AMOUNT = 3600  # reps, or seconds of a hold
MAX_NOTES_CHARS = 2000


def check_scale(value: int | None, low: int, high: int, what: str) -> int | None:
    if value is not None and not low <= value <= high:
        raise RecordError(f"expected {what} from {low} to {high}, but got {value}")
    return value


def plan_week(plan: Mapping[str, Any], on: dt.date) -> int:
    """1-based week of the plan that contains ``on`` (week 1 before the start)."""
    start = plan.get("start_date")
    if not start:
        return 1
    days = (on - dt.date.fromisoformat(str(start)[:10])).days
    return max(days // 7 + 1, 1)


MAINTENANCE_PHASE = "maintenance"
MAINTENANCE_LABEL = "M"


def plan_end(plan: Mapping[str, Any]) -> dt.date | None:
    """The first day after the plan's last week (``start_date + 7 * weeks``); None if unknown."""
    start, weeks = plan.get("start_date"), plan.get("weeks")
    if not start or not isinstance(weeks, int) or isinstance(weeks, bool):
        return None
    return dt.date.fromisoformat(str(start)[:10]) + dt.timedelta(weeks=weeks)


def maintenance_phase(plan: Mapping[str, Any], *, sets_per_exercise: int) -> dict[str, Any]:
    """The phase that follows the plan's end on its own: one session ("M") with every distinct
    exercise of the last phase at ``sets_per_exercise`` sets, same reps, hold, load and tempo."""
    phases = [p for p in plan.get("phases", []) if p.get("sessions")]
    seen: dict[str, dict[str, Any]] = {}
    for session in phases[-1]["sessions"] if phases else []:
        for exercise in session.get("exercises", []):
            seen.setdefault(
                str(exercise.get("exercise_id")), {**exercise, "sets": sets_per_exercise}
            )
    weeks = int(plan.get("weeks") or 0)
    return {
        "name": MAINTENANCE_PHASE,
        "week_from": weeks + 1,
        "week_to": None,
        "sessions": [{"label": MAINTENANCE_LABEL, "exercises": list(seen.values())}],
    }


def current_phase(
    plan: Mapping[str, Any], on: dt.date, *, maintenance_sets: int | None = None
) -> Mapping[str, Any] | None:
    """The phase whose weeks contain ``on``. After the plan's end: the maintenance phase when
    ``maintenance_sets`` is given, else the last phase."""
    phases = [p for p in plan.get("phases", []) if p.get("sessions")]
    if not phases:
        return None
    end = plan_end(plan)
    if maintenance_sets is not None and end is not None and on >= end:
        return maintenance_phase(plan, sets_per_exercise=maintenance_sets)
    week = plan_week(plan, on)
    for phase in phases:
        if int(phase.get("week_from", 1)) <= week <= int(phase.get("week_to", week)):
            return phase
    return phases[-1] if week > int(phases[-1].get("week_to", week)) else phases[0]


def next_session(
    phase: Mapping[str, Any], last_label: str | None, wanted_label: str | None = None
) -> Mapping[str, Any]:
    """The session to log: ``wanted_label`` if given, else the one after ``last_label``."""
    sessions = list(phase["sessions"])
    labels = [str(s.get("label")) for s in sessions]
    if wanted_label is not None:
        if wanted_label not in labels:
            raise RecordError(
                f"expected --session to be one of {', '.join(labels)}, but got {wanted_label!r}"
            )
        return sessions[labels.index(wanted_label)]
    if last_label in labels:
        return sessions[(labels.index(last_label) + 1) % len(sessions)]
    return sessions[0]


def planned_exercise(exercise: Mapping[str, Any]) -> ExerciseDone:
    """A planned exercise done exactly as planned."""
    reps = exercise.get("reps")
    hold = exercise.get("hold_s")
    load = exercise.get("load")
    return ExerciseDone(
        exercise_id=str(exercise["exercise_id"]),
        name=exercise.get("name"),
        target_sets=exercise.get("sets"),
        target_reps=None if reps is None else str(reps),
        target_hold_s=None if hold is None else float(hold),
        target_load=None if load is None else str(load),
        done_sets=exercise.get("sets"),
        done_reps=_reps_done_as_planned(reps),
        done_hold_s=None if hold is None else float(hold),
        done_load=None if load is None else str(load),
        **_load_columns(parse_load(None if load is None else str(load))),
    )


def _load_columns(load: Load | None) -> dict[str, Any]:
    return {
        "done_load_value": None if load is None else load.value,
        "done_load_unit": None if load is None else load.unit,
    }


def _reps_done_as_planned(reps: Any) -> int | None:
    """``12`` -> 12; a range such as ``"10-15"`` -> 10 (its lower bound: the target was met)."""
    if reps is None:
        return None
    found = re.match(r"\s*(\d+)", str(reps))
    return int(found.group(1)) if found else None


def apply_overrides(
    exercises: Sequence[ExerciseDone], *, skip: Sequence[str], sets: Sequence[SetOverride]
) -> tuple[ExerciseDone, ...]:
    """Mark skipped exercises, replace done values; unknown ``--set`` ids are added as extras."""
    by_id = {e.exercise_id: e for e in exercises}
    unknown = [s for s in skip if s not in by_id]
    if unknown:
        raise RecordError(
            f"expected --skip to name an exercise of this session "
            f"({', '.join(by_id) or 'none'}), but got {', '.join(unknown)}"
        )
    result = [
        replace(
            e,
            skipped=True,
            done_sets=0,
            done_reps=None,
            done_hold_s=None,
            done_load=None,
            **_load_columns(None),
        )
        if e.exercise_id in skip
        else e
        for e in exercises
    ]
    for override in sets:
        result = _apply_set(result, override)
    return tuple(result)


def _apply_set(exercises: list[ExerciseDone], override: SetOverride) -> list[ExerciseDone]:
    done: dict[str, Any] = {
        "skipped": False,
        "done_sets": override.sets,
        "done_reps": override.reps,
        "done_hold_s": override.hold_s,
    }
    given = {"done_load": override.load, **_load_columns(override.measured)}
    for i, exercise in enumerate(exercises):
        if exercise.exercise_id == override.exercise_id:
            load = given if override.load is not None else {}
            exercises[i] = replace(exercise, **load, **done)
            return exercises
    return [*exercises, ExerciseDone(exercise_id=override.exercise_id, **given, **done)]


def local_noon(on: dt.date, time_zone: str) -> dt.datetime:
    """A date without a time is stored as 12:00 local time (never near a DST switch)."""
    return dt.datetime.combine(on, dt.time(12), tzinfo=ZoneInfo(time_zone))


def build_session_entry(
    plan: Mapping[str, Any] | None,
    *,
    performed_at: dt.datetime,
    time_zone: str,
    last_label: str | None = None,
    session_label: str | None = None,
    pain_0_10: int | None = None,
    effort_rpe_1_10: int | None = None,
    notes: str | None = None,
    skip: Sequence[str] = (),
    sets: Sequence[SetOverride] = (),
    maintenance_sets: int | None = None,
) -> SessionEntry:
    """The session to store: the plan's next session (or ``session_label``) with overrides."""
    if performed_at.tzinfo is None:
        raise RecordError(f"expected a time-zone-aware time, but got {performed_at!r}")
    try:
        plausible_time(performed_at, "the session's time")
        if notes is not None:
            notes = clean_text(notes, "the notes", max_chars=MAX_NOTES_CHARS, multiline=True)
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    local_day = performed_at.astimezone(ZoneInfo(time_zone)).date()
    label, planned = _planned_session(plan, local_day, last_label, session_label, maintenance_sets)
    exercises = apply_overrides(planned, skip=skip, sets=sets)
    if not exercises:
        raise RecordError(
            "expected a current plan or at least one --set EXERCISE_ID:SETSxREPS, but got neither"
        )
    return SessionEntry(
        performed_at=performed_at,
        time_zone=time_zone,
        session_label=label,
        pain_0_10=check_scale(pain_0_10, 0, 10, "pain (0-10)"),
        effort_rpe_1_10=check_scale(effort_rpe_1_10, 1, 10, "effort (RPE 1-10)"),
        notes=notes or None,
        exercises=exercises,
    )


def _planned_session(
    plan: Mapping[str, Any] | None,
    on: dt.date,
    last_label: str | None,
    wanted_label: str | None,
    maintenance_sets: int | None = None,
) -> tuple[str | None, list[ExerciseDone]]:
    phase = current_phase(plan, on, maintenance_sets=maintenance_sets) if plan else None
    if phase is None:
        if wanted_label is not None:
            raise RecordError(
                f"expected a current plan to pick session {wanted_label!r} from, but got none"
            )
        return None, []
    session = next_session(phase, last_label, wanted_label)
    return str(session.get("label")), [planned_exercise(e) for e in session.get("exercises", [])]
