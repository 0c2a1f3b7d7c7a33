"""Edit or copy a plan without asking the questionnaire again (pure, given the data).

An edited plan is rebuilt by :func:`~glutefire.programming.builder.build_plan` from the answers
and findings it was first built from, with the new minutes per session, sessions per week,
start date and the trainer's exercise swaps. So the doses, the time budget, what was left out
and every explanation are computed for the edited plan by the same code as a new plan, and
stay true of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from glutefire.programming.builder import (
    PlanOptions,
    ProgramData,
    build_plan,
    plan_context,
)
from glutefire.programming.library import Exercise
from glutefire.programming.plan import Plan, Swap
from glutefire.programming.questionnaire import Answers, answer_facts
from glutefire.result import ScreeningResult


@dataclass(frozen=True)
class PlanChange:
    """What the trainer changes; ``None`` keeps the plan's own value. ``swaps``: replace each
    exercise ``(exercise_id, replacement_id)`` everywhere in the plan, in this order."""

    minutes_per_session: int | None = None
    sessions_per_week: int | None = None
    start_date: dt.date | None = None
    swaps: tuple[tuple[str, str], ...] = ()


def with_swap(swaps: tuple[Swap, ...], exercise_id: str, replaced_by: str) -> tuple[Swap, ...]:
    """The plan's swaps plus one more. Swapping an exercise that was itself swapped in
    replaces the earlier swap (A->B then B->C is A->C; A->B then B->A is no swap)."""
    out, merged = [], False
    for s in swaps:
        if s.replaced_by == exercise_id:
            merged = True
            if s.exercise_id != replaced_by:
                out.append(Swap(exercise_id=s.exercise_id, replaced_by=replaced_by))
        else:
            out.append(s)
    if not merged:
        out.append(Swap(exercise_id=exercise_id, replaced_by=replaced_by))
    return tuple(out)


def plan_exercise_ids(plan: Plan) -> list[str]:
    """Exercise ids in the plan, in first-seen order."""
    ids = [x.exercise_id for p in plan.phases for s in p.sessions for x in s.exercises]
    return list(dict.fromkeys(ids))


def swap_choices(
    plan: Plan,
    exercise_id: str,
    *,
    answers: Answers,
    findings: ScreeningResult | None,
    data: ProgramData,
) -> list[Exercise]:
    """Library exercises that may replace ``exercise_id``: the same phase, no load added to an
    unloaded exercise, not left out for this client (pain, injury) and not already in the plan;
    the rule-ranked ones first."""
    _, ctx = plan_context(answer_facts(answers), findings, data)
    old = data.library.get(exercise_id)
    in_plan = set(plan_exercise_ids(plan))
    pool = [
        e
        for e in data.library.exercises
        if e.phase == old.phase
        and e.id not in in_plan
        and e.id not in ctx.avoided
        and (old.loaded or not e.loaded)
    ]
    scores = {i: c.score for i, c in ctx.candidates.items()}
    return sorted(pool, key=lambda e: -scores.get(e.id, 0.0))


def edit_plan(
    plan: Plan,
    change: PlanChange,
    *,
    answers: Answers,
    findings: ScreeningResult | None,
    data: ProgramData,
    today: dt.date,
) -> Plan:
    """The plan rebuilt with ``change`` (a copy when ``change`` changes nothing: a new version
    made ``today``). Raises :class:`~glutefire.errors.PlanError` for a change that does not fit
    (too few minutes, a swap into another phase, an exercise left out for this client)."""
    swaps = tuple(plan.swaps)
    for exercise_id, replaced_by in change.swaps:
        swaps = with_swap(swaps, exercise_id, replaced_by)
    options = PlanOptions(
        minutes_per_session=_given(change.minutes_per_session, plan.minutes_per_session),
        sessions_per_week=_given(change.sessions_per_week, plan.sessions_per_week),
        weeks=plan.weeks,
        maintenance=plan.mode == "maintenance",
        created_on=today,
        start_date=change.start_date or dt.date.fromisoformat(plan.start_date),
        swaps=swaps,
    )
    return build_plan(answers=answers, findings=findings, options=options, data=data)


def _given(value: int | None, default: int) -> int:
    """The changed value (0 too: the builder refuses it), else the plan's own."""
    return default if value is None else value
