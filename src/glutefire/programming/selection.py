"""Which exercises a session holds: phase windows, ranking by rule weight, picking per slot
with required movement patterns, and the key exercises that are never dropped (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glutefire.programming.budget import Timing
from glutefire.programming.library import PHASE_ORDER, Exercise
from glutefire.programming.phases import PhasesConfig, PhaseTemplate
from glutefire.programming.plan import Swap
from glutefire.programming.rules import Candidate
from glutefire.result import Finding

if TYPE_CHECKING:
    from glutefire.programming.builder import PlanOptions, ProgramData


@dataclass(frozen=True)
class Context:
    data: ProgramData
    candidates: dict[str, Candidate]
    avoided: dict[str, str]
    present: list[Finding]
    protected_patterns: frozenset[str] = frozenset()
    swaps: tuple[Swap, ...] = ()

    @property
    def timing(self) -> Timing:
        return Timing(**self.data.phases.timing)


def phase_windows(
    options: PlanOptions, cfg: PhasesConfig, *, older_adult: bool = False
) -> list[tuple[PhaseTemplate, int, int]]:
    """(template, first week, last week) of each phase; an older adult's maintenance phase
    keeps more sets (``maintenance.older_adults``)."""
    weeks = options.weeks
    if options.maintenance:
        m = cfg.maintenance
        sets = m.older_adults.sets if older_adult and m.older_adults else m.sets
        template = PhaseTemplate(
            name="maintenance", slots=m.slots, sets=sets, load=m.load, focus=m.focus
        )
        return [(template, 1, weeks)]
    c = cfg.corrective
    first = min(c.activation_max_weeks, max(1, math.ceil(weeks * c.activation_share)))
    first = min(first, weeks)
    windows = [(c.phases[0], 1, first)]
    if weeks > first:
        windows.append((c.phases[1], first + 1, weeks))
    return windows


def _ranked(ctx: Context, phase: str, *, allow_loaded: bool) -> list[Exercise]:
    library = ctx.data.library
    pool = [
        e
        for e in library.exercises
        if e.phase == phase
        and e.id in ctx.candidates
        and e.id not in ctx.avoided
        and (allow_loaded or not e.loaded)
    ]
    return sorted(
        pool,
        key=lambda e: (
            -ctx.candidates[e.id].score,
            -(e.best_gluteal_mvic or 0),
            library.ids.index(e.id),
        ),
    )


def _required_patterns(template: PhaseTemplate, phase: str) -> tuple[str, ...]:
    if phase == "integrate" and template.allow_loaded:
        return ("hip_dominant", "knee_dominant")
    if phase == "activate":
        return ("hip_dominant",)
    return ()


def _pick(
    ranked: list[Exercise], k: int, variant: int, required: tuple[str, ...]
) -> list[Exercise]:
    if k <= 0:
        return []
    base = ranked
    if variant and len(ranked) > k:
        half = math.ceil(k / 2)
        base = ranked[:half] + ranked[k:] + ranked[half:k]
    chosen: list[Exercise] = []
    for pattern in required:
        first = next((e for e in base if e.pattern == pattern and e not in chosen), None)
        if first is not None:
            chosen.append(first)
    chosen += [e for e in base if e not in chosen][: max(0, k - len(chosen))]
    return sorted(chosen, key=base.index)


def session_exercises(
    ctx: Context, template: PhaseTemplate, variant: int
) -> list[tuple[Exercise, bool]]:
    """The exercises of one session variant (0 = A, 1 = B), each with whether it is key."""
    picked: list[Exercise] = []
    for phase in PHASE_ORDER:
        ranked = _ranked(ctx, phase, allow_loaded=template.allow_loaded)
        pick_variant = variant if phase in ("activate", "integrate") else 0
        protected = tuple(sorted(ctx.protected_patterns)) if phase == "integrate" else ()
        required = tuple(dict.fromkeys(_required_patterns(template, phase) + protected))
        picked += _pick(ranked, template.slots.get(phase, 0), pick_variant, required)
    picked = _swapped(ctx, picked)
    keys = _key_ids(picked) | _protected_ids(picked, ctx.protected_patterns)
    return [(e, e.id in keys) for e in picked]


def _swapped(ctx: Context, picked: list[Exercise]) -> list[Exercise]:
    """The trainer's swaps applied in place; a replacement already in the session is not
    doubled (the swapped-out exercise just leaves)."""
    replace = {s.exercise_id: s.replaced_by for s in ctx.swaps}
    out: list[Exercise] = []
    for exercise in picked:
        chosen = ctx.data.library.get(replace.get(exercise.id, exercise.id))
        if chosen not in out and chosen.id not in (p.id for p in picked if p is not exercise):
            out.append(chosen)
    return out


def _protected_ids(picked: list[Exercise], patterns: frozenset[str]) -> set[str]:
    """The first picked exercise of each protected pattern (e.g. knee-dominant work when the
    knee hurts: evidence.md §5), kept like a key exercise."""
    ids = set()
    for pattern in patterns:
        first = next((e for e in picked if e.pattern == pattern), None)
        if first is not None:
            ids.add(first.id)
    return ids


def _key_ids(picked: list[Exercise]) -> set[str]:
    """The top loaded hip-extension exercise and the top other activation exercise."""
    hip = [
        e for e in picked if e.pattern == "hip_dominant" and e.phase in ("activate", "integrate")
    ]
    candidates = [e for e in hip if e.loaded] or hip
    hip_key = candidates[0] if candidates else None
    keys = {hip_key.id} if hip_key is not None else set()
    activate = [e for e in picked if e.phase == "activate" and e is not hip_key]
    other = [e for e in activate if hip_key is None or e.pattern != hip_key.pattern]
    if other or activate:
        keys.add((other or activate)[0].id)
    return keys
