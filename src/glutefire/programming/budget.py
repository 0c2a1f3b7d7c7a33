"""Session time from the dose, and fitting a session into a time budget (pure).

Time of one exercise (seconds)::

    setup_s + sets * sides * (reps * tempo_s  or  hold_s)
            + (sets - 1) * rest_s + sets * (sides - 1) * side_switch_s

A loaded lift (barbell, dumbbells) takes ``loaded_setup_s`` instead of ``setup_s`` (bench, bar,
pad, plates) and adds ``warmup_sets`` lighter sets of the same reps, each followed by
``warmup_rest_s``.

Under a tight budget the session sheds, in this order (evidence.md §5, §7.5):
release (SMR) first; stretches whose targets another stretch already covers; extra sets of
non-key exercises (down to 2); non-key activation/integration exercises (lowest priority first);
the remaining stretches; finally key exercises go down to 1 set. Key exercises (the top
activation exercise and the top loaded hip-extension exercise) are never dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from glutefire.errors import PlanError
from glutefire.programming.library import Exercise


@dataclass(frozen=True)
class Timing:
    """Transition times in seconds (design choices, ``data/program_phases.yaml``)."""

    setup_s: int = 30
    side_switch_s: int = 10
    loaded_setup_s: int = 30
    warmup_sets: int = 0
    warmup_rest_s: int = 0


@dataclass(frozen=True)
class Item:
    """An exercise placed in a session with its phase dose and priority."""

    exercise: Exercise
    sets: int
    load: str
    score: float
    key: bool
    why: tuple[str, ...]

    @property
    def id(self) -> str:
        """The exercise id."""
        return self.exercise.id


@dataclass(frozen=True)
class Cut:
    """One change made to fit the budget: a drop (``sets_to`` None) or fewer sets."""

    exercise_id: str
    sets_from: int
    sets_to: int | None
    reason: str


def item_seconds(item: Item, *, timing: Timing) -> float:
    """Seconds for one exercise at ``item.sets`` sets, from its dose (see module doc)."""
    dose = item.exercise.dose
    per_side: float
    if dose.reps is not None:
        per_side = dose.reps * dose.tempo_s
    else:
        assert dose.hold_s is not None, "Dose validates exactly one of reps or hold_s"
        per_side = dose.hold_s
    work = item.sets * dose.sides * per_side
    rest = (item.sets - 1) * dose.rest_s
    switch = item.sets * (dose.sides - 1) * timing.side_switch_s
    if not item.exercise.loaded:
        return float(timing.setup_s + work + rest + switch)
    warmup = timing.warmup_sets * (dose.sides * per_side + timing.warmup_rest_s)
    return float(timing.loaded_setup_s + warmup + work + rest + switch)


def session_seconds(items: list[Item], *, timing: Timing) -> float:
    """Total seconds of a session."""
    return sum(item_seconds(i, timing=timing) for i in items)


def fit_session(
    items: list[Item], *, budget_min: int, timing: Timing, min_key_sets: int = 1
) -> tuple[list[Item], list[Cut]]:
    """Shed work in the documented order until the session fits ``budget_min`` minutes.

    Returns the kept items (order preserved) and the cuts made. Raises :class:`PlanError` if
    even the key exercises at one set do not fit.
    """
    budget_s = budget_min * 60
    kept = list(items)
    cuts: list[Cut] = []
    for step in _STEPS:
        targets = step(kept)
        if step is _key_to_one_set:
            targets = [t for t in targets if t.sets_to is None or t.sets_to >= min_key_sets]
        for target in targets:
            if session_seconds(kept, timing=timing) <= budget_s:
                return _backfill(items, kept, cuts, budget_s=budget_s, timing=timing)
            kept, cut = _apply(kept, target)
            if cut is not None:
                cuts.append(cut)
    if session_seconds(kept, timing=timing) <= budget_s:
        return _backfill(items, kept, cuts, budget_s=budget_s, timing=timing)
    need = math.ceil(session_seconds(kept, timing=timing) / 60)
    essentials = ", ".join(
        f"{i.exercise.name} {i.sets} set{'s' if i.sets > 1 else ''}" for i in kept
    )
    raise PlanError(
        f"expected at least {need} minutes per session for the essential exercises "
        f"({essentials}, with set-up and warm-up), but got {budget_min}; raise "
        "--minutes-per-session"
    )


def _backfill(
    original: list[Item], kept: list[Item], cuts: list[Cut], *, budget_s: float, timing: Timing
) -> tuple[list[Item], list[Cut]]:
    """Re-add dropped exercises (last dropped first) that fit in the time left over."""
    order = {item.id: index for index, item in enumerate(original)}
    for cut in reversed(list(cuts)):
        if cut.sets_to is not None:
            continue
        item = original[order[cut.exercise_id]]
        trial = sorted([*kept, item], key=lambda i: order[i.id])
        if session_seconds(trial, timing=timing) <= budget_s:
            kept = trial
            cuts = [c for c in cuts if c is not cut]
    kept_ids = {i.id for i in kept}
    return kept, [c for c in cuts if c.sets_to is None or c.exercise_id in kept_ids]


@dataclass(frozen=True)
class _Target:
    exercise_id: str
    sets_to: int | None
    reason: str


def _apply(items: list[Item], target: _Target) -> tuple[list[Item], Cut | None]:
    for index, item in enumerate(items):
        if item.id != target.exercise_id:
            continue
        if target.sets_to is None:
            cut = Cut(item.id, item.sets, None, target.reason)
            return items[:index] + items[index + 1 :], cut
        if item.sets > target.sets_to:
            cut = Cut(item.id, item.sets, target.sets_to, target.reason)
            return items[:index] + [replace(item, sets=target.sets_to)] + items[index + 1 :], cut
    return items, None


def _by_score(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: i.score)


def _drop_release(items: list[Item]) -> list[_Target]:
    reason = "release (foam rolling) is the first thing cut when time is short (Konrad 2021)"
    return [_Target(i.id, None, reason) for i in _by_score(items) if i.exercise.phase == "release"]


def _drop_duplicate_stretches(items: list[Item]) -> list[_Target]:
    stretches = sorted((i for i in items if i.exercise.phase == "lengthen"), key=lambda i: -i.score)
    covered: set[str] = set()
    targets = []
    for item in stretches:
        muscles = set(item.exercise.targets)
        if muscles <= covered:
            reason = "another stretch in the session already covers the same muscles"
            targets.append(_Target(item.id, None, reason))
        covered |= muscles
    return list(reversed(targets))


def _trim_sets(items: list[Item]) -> list[_Target]:
    reason = "fewer sets to fit the time; the exercise is kept"
    return [
        _Target(i.id, 2, reason)
        for i in _by_score(items)
        if not i.key and i.sets > 2 and i.exercise.phase in ("activate", "integrate")
    ]


def _drop_non_key(items: list[Item]) -> list[_Target]:
    reason = "lower priority than the kept activation and loaded hip-extension work"
    knee = [i for i in items if i.exercise.pattern == "knee_dominant" and i.exercise.loaded]
    top_knee = max(knee, key=lambda i: i.score).id if knee else None
    ordered = sorted(_by_score(items), key=lambda i: i.id == top_knee)  # keep balance longest
    return [
        _Target(i.id, None, reason)
        for i in ordered
        if not i.key and i.exercise.phase in ("activate", "integrate")
    ]


def _drop_stretches(items: list[Item]) -> list[_Target]:
    reason = "no time left for a 30 s stretch; stretch once a day at home instead (Bandy 1997)"
    return [_Target(i.id, None, reason) for i in _by_score(items) if i.exercise.phase == "lengthen"]


def _key_to_one_set(items: list[Item]) -> list[_Target]:
    reason = "fewer sets to fit the time; even one set keeps gains (Spiering 2021)"
    keys = [i for i in _by_score(items) if i.key]
    return [_Target(i.id, sets, reason) for sets in (2, 1) for i in keys if i.sets > sets]


_STEPS = (
    _drop_release,
    _drop_duplicate_stretches,
    _trim_sets,
    _drop_non_key,
    _drop_stretches,
    _key_to_one_set,
)
