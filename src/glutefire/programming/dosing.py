"""How much of each exercise: phase doses, loads, time from the dose, and the plan's exercise
records with cues, regressions, progressions and cautions (pure)."""

from __future__ import annotations

from glutefire.programming import budget
from glutefire.programming.budget import Item
from glutefire.programming.library import Exercise
from glutefire.programming.phases import PhaseTemplate
from glutefire.programming.plan import PlanExercise, PlanSession
from glutefire.programming.selection import Context
from glutefire.result import FindingCode


def session_item(ctx: Context, template: PhaseTemplate, exercise: Exercise, *, key: bool) -> Item:
    sets, load = exercise.dose.sets, exercise.dose.load
    if exercise.phase == "activate" and template.activate_sets is not None:
        sets = template.activate_sets
    if exercise.phase == "integrate" and template.integrate_sets is not None:
        sets = template.integrate_sets
    if exercise.phase == "integrate" and template.integrate_load is not None:
        load = template.integrate_load
    if template.sets is not None:
        sets = min(sets, template.sets)
    if template.load is not None and exercise.loaded:
        load = template.load
    cand = ctx.candidates[exercise.id]
    return Item(
        exercise=exercise, sets=sets, load=load, score=cand.score, key=key, why=tuple(cand.why)
    )


def plan_session(label: str, items: list[Item], ctx: Context) -> PlanSession:
    exercises = [_plan_exercise(i, ctx) for i in items]
    total_s = budget.session_seconds(items, timing=ctx.timing)
    return PlanSession(label=label, minutes=round(total_s / 60, 1), exercises=exercises)


def _plan_exercise(item: Item, ctx: Context) -> PlanExercise:
    e, dose = item.exercise, item.exercise.dose
    cues = list(e.cues) + _side_cue(ctx, e)
    return PlanExercise(
        exercise_id=e.id,
        name=e.name,
        phase=e.phase,
        pattern=e.pattern,
        sets=item.sets,
        reps=dose.reps,
        hold_s=dose.hold_s,
        tempo=dose.tempo,
        load=item.load,
        rest_s=dose.rest_s,
        minutes=round(budget.item_seconds(item, timing=ctx.timing) / 60, 1),
        side=dose.side,
        cues=cues,
        why=list(item.why),
        regressions=e.regressions,
        progressions=e.progressions,
        cautions=e.cautions,
    )


def _side_cue(ctx: Context, exercise: Exercise) -> list[str]:
    if exercise.dose.side != "each":
        return []
    sides = [
        f.side
        for f in ctx.present
        if f.code is FindingCode.ASYMMETRIC_WEIGHT_SHIFT and f.side in ("left", "right")
    ]
    return (
        [f"Start each set with the {sides[0]} leg (the side you shifted toward)."] if sides else []
    )
