"""Build a corrective or maintenance plan from findings and answers (pure, given the data).

Order of work: red flags (stop) -> rules -> ranked exercises per phase slot -> sessions A/B with
phase doses -> fit each session into the time budget -> explanations, balance, progression.
Phase shapes and doses are data (``data/program_phases.yaml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from glutefire.errors import PlanError
from glutefire.programming import budget
from glutefire.programming.dosing import plan_session, session_item
from glutefire.programming.explanation import (
    advice,
    balance,
    dropped,
    explanations,
    not_checked,
)
from glutefire.programming.library import Library
from glutefire.programming.phases import PhasesConfig, PhaseTemplate, load_phases
from glutefire.programming.plan import (
    Balance,
    Dropped,
    Explanation,
    Plan,
    PlanPhase,
    Reduced,
    Swap,
)
from glutefire.programming.progression import (
    Mode,
    ProgressionData,
    expected_results,
    progression_rules,
    reassess_date,
)
from glutefire.programming.questionnaire import Answers, Fact, answer_facts
from glutefire.programming.red_flags import RedFlagTable, check_red_flags
from glutefire.programming.rules import (
    Candidate,
    Recommendation,
    RuleTable,
    apply_rules,
    avoided_exercises,
    score_exercises,
)
from glutefire.programming.selection import Context, phase_windows, session_exercises
from glutefire.result import ScreeningResult, Status

__all__ = ["PhaseTemplate", "PlanOptions", "ProgramData", "build_plan", "load_program_data"]


@dataclass(frozen=True)
class ProgramData:
    """Everything the builder reads: library, rules, red flags, phases, progression."""

    library: Library
    rules: RuleTable
    red_flags: RedFlagTable
    phases: PhasesConfig
    progression: ProgressionData


@dataclass(frozen=True)
class PlanOptions:
    """User choices. ``sessions_per_week`` None = 3 (corrective) or 1 (maintenance)."""

    minutes_per_session: int
    start_date: dt.date
    created_on: dt.date
    sessions_per_week: int | None = None
    weeks: int = 6
    maintenance: bool = False
    swaps: tuple[Swap, ...] = ()  # the trainer's exercise swaps (programming/edit.py)


def load_program_data() -> ProgramData:
    """Load and cross-check all packaged programming data."""
    from glutefire.programming.library import load_library
    from glutefire.programming.progression import load_progression
    from glutefire.programming.red_flags import load_red_flags
    from glutefire.programming.rules import load_rules

    library = load_library()
    return ProgramData(
        library=library,
        rules=load_rules(library),
        red_flags=load_red_flags(),
        phases=load_phases(),
        progression=load_progression(),
    )


#: How far before or after the day a plan is made it may start (input sanity bound, design value).
MAX_START_OFFSET_DAYS = 3653  # ten years


def validate_options(options: PlanOptions) -> None:
    """Raise :class:`PlanError` for out-of-range options ("expected X, but got Y")."""
    checks = (
        ("--minutes-per-session", options.minutes_per_session, 5, 180),
        ("--weeks", options.weeks, 1, 52),
    )
    for name, value, low, high in checks:
        if not low <= value <= high:
            raise PlanError(f"expected {name} between {low} and {high}, but got {value}")
    spw = options.sessions_per_week
    if spw is not None and not 1 <= spw <= 6:
        raise PlanError(f"expected --sessions-per-week between 1 and 6, but got {spw}")
    # A start years from the day the plan is made is a typo; far dates overflow the calendar.
    earliest = options.created_on - dt.timedelta(days=MAX_START_OFFSET_DAYS)
    latest = options.created_on + dt.timedelta(days=MAX_START_OFFSET_DAYS)
    if not earliest <= options.start_date <= latest:
        raise PlanError(
            f"expected --start-date between {earliest.isoformat()} and {latest.isoformat()}, "
            f"but got {options.start_date.isoformat()}"
        )


def build_plan(
    *, answers: Answers, findings: ScreeningResult | None, options: PlanOptions, data: ProgramData
) -> Plan:
    """Build the plan. Pure: same inputs, same plan."""
    validate_options(options)
    facts = answer_facts(answers)
    mode: Mode = "maintenance" if options.maintenance else "corrective"
    older = is_older_adult(answers, data.phases)
    spw = options.sessions_per_week or _default_sessions(options, data.phases, older=older)
    flags = check_red_flags(facts, table=data.red_flags)
    if flags:
        return _stopped_plan(options, mode=mode, spw=spw, flags=flags, table=data.red_flags)
    recs, ctx = plan_context(facts, findings, data, swaps=options.swaps)
    phases, cuts = _build_phases(ctx, options, spw=spw, older=older)
    present = ctx.present
    return Plan(
        mode=mode,
        stopped=False,
        red_flags=[],
        advice=advice(options, spw, recs, findings, cuts, phases),
        created_on=options.created_on.isoformat(),
        start_date=options.start_date.isoformat(),
        reassess_on=reassess_date(
            options.start_date, weeks=options.weeks, mode=mode, data=data.progression
        ).isoformat(),
        sessions_per_week=spw,
        minutes_per_session=options.minutes_per_session,
        weeks=options.weeks,
        phases=phases,
        dropped=dropped(ctx, phases, cuts + swapped_out(options.swaps, data)),
        reduced=[c for c in cuts if isinstance(c, Reduced)],
        explanations=explanations(recs, phases, {e.id: e.name for e in data.library.exercises})
        + _older_adult_explanation(options, data.phases, older=older, spw=spw)
        + swap_explanations(options.swaps, phases, data),
        balance=balance(phases, spw),
        progression_rules=progression_rules(data.progression),
        expected_results=expected_results(
            data.progression, mode=mode, facts=facts, finding_codes={f.code for f in present}
        ),
        not_checked=not_checked(findings),
        findings_used=findings is not None,
        swaps=list(options.swaps),
    )


def plan_context(
    facts: dict[str, Fact],
    findings: ScreeningResult | None,
    data: ProgramData,
    *,
    swaps: tuple[Swap, ...] = (),
) -> tuple[list[Recommendation], Context]:
    """The fired rules and the selection context (ranked candidates, exercises left out and
    why, present findings); each swap is checked (:func:`check_swap`) and its replacement
    ranked where the swapped-out exercise was."""
    present = findings.with_status(Status.PRESENT) if findings is not None else []
    recs = apply_rules(data.rules, findings=present, facts=facts)
    keep = frozenset(p for r in recs for p in r.keep_patterns)
    candidates, avoided = score_exercises(recs), avoided_exercises(recs)
    for swap in swaps:
        check_swap(swap, data, avoided)
        old = candidates.get(swap.exercise_id)
        candidates[swap.replaced_by] = Candidate(
            swap.replaced_by,
            score=old.score if old is not None else 0.0,
            why=[f"your trainer chose it in place of {data.library.get(swap.exercise_id).name}"],
            rule_ids=[TRAINER_SWAP],
        )
    return recs, Context(data, candidates, avoided, present, keep, swaps)


TRAINER_SWAP = "trainer_swap"


def check_swap(swap: Swap, data: ProgramData, avoided: dict[str, str]) -> None:
    """A swap must keep the phase, add no load to an unloaded exercise, and not bring back an
    exercise left out for this client (pain, injury); :class:`PlanError` otherwise."""
    old, new = data.library.get(swap.exercise_id), data.library.get(swap.replaced_by)
    if old.id == new.id:
        raise PlanError(f"expected another exercise in place of {old.name}, but got the same one")
    if new.phase != old.phase:
        raise PlanError(
            f"expected an exercise of the {old.phase} phase in place of {old.name}, but "
            f"{new.name} is of the {new.phase} phase"
        )
    if new.loaded and not old.loaded:
        raise PlanError(
            f"expected an exercise without external load in place of {old.name}, but "
            f"{new.name} is loaded"
        )
    if new.id in avoided:
        raise PlanError(f"{new.name} is left out for this client: {avoided[new.id]}")


def swapped_out(swaps: tuple[Swap, ...], data: ProgramData) -> list[Dropped]:
    return [
        Dropped(
            exercise_id=s.exercise_id,
            reason=f"swapped for {data.library.get(s.replaced_by).name} by the trainer",
        )
        for s in swaps
    ]


def swap_explanations(
    swaps: tuple[Swap, ...], phases: list[PlanPhase], data: ProgramData
) -> list[Explanation]:
    """One sentence per swap whose replacement is in the plan (true of the plan as built)."""
    used = {x.exercise_id for p in phases for s in p.sessions for x in s.exercises}
    return [
        Explanation(
            because=f"{TRAINER_EDIT}: {data.library.get(s.replaced_by).name} in place of "
            f"{data.library.get(s.exercise_id).name}",
            so=f"{data.library.get(s.replaced_by).name} is done where "
            f"{data.library.get(s.exercise_id).name} was (same phase, dosed the same way)",
            source="trainer's edit of the plan",
            exercises=[s.replaced_by],
        )
        for s in swaps
        if s.replaced_by in used
    ]


TRAINER_EDIT = "your trainer's choice"


def _stopped_plan(options: PlanOptions, *, mode, spw, flags, table) -> Plan:
    explanations = [
        Explanation(because=f"answer: {f.message}", so="the program is stopped", source=f.source)
        for f in flags
    ]
    return Plan(
        mode=mode,
        stopped=True,
        red_flags=[f.message for f in flags],
        advice=[a.strip() for a in table.advice],
        created_on=options.created_on.isoformat(),
        start_date=options.start_date.isoformat(),
        reassess_on=None,
        sessions_per_week=spw,
        minutes_per_session=options.minutes_per_session,
        weeks=options.weeks,
        phases=[],
        dropped=[],
        explanations=explanations,
        balance=Balance(hip_dominant_sets=0, knee_dominant_sets=0),
        progression_rules=[],
        expected_results=[],
        not_checked=[],
    )


# ---------------------------------------------------------------- phases and sessions


def is_older_adult(answers: Answers, cfg: PhasesConfig) -> bool:
    dose = cfg.maintenance.older_adults
    return (
        dose is not None
        and answers.age_years is not None
        and (answers.age_years >= dose.min_age_years)
    )


def _default_sessions(options: PlanOptions, cfg: PhasesConfig, *, older: bool) -> int:
    if not options.maintenance:
        return 3
    dose = cfg.maintenance.older_adults
    return dose.sessions_per_week if older and dose else cfg.maintenance.default_sessions_per_week


def _older_adult_explanation(
    options: PlanOptions, cfg: PhasesConfig, *, older: bool, spw: int
) -> list[Explanation]:
    dose = cfg.maintenance.older_adults
    if not (options.maintenance and older and dose):
        return []
    return [
        Explanation(
            because=f"answer: you are {dose.min_age_years} or older",
            so=f"the maintenance dose is {spw} session(s) a week with {dose.sets} sets per "
            "exercise: older adults needed more than one weekly set to keep their gains",
            source="Spiering 2021, JSCR 35:1449 (evidence.md §5)",
        )
    ]


def _build_phases(ctx: Context, options: PlanOptions, *, spw: int, older: bool = False):
    phases, cuts = [], []
    labels = ["A", "B"][: min(spw, 2)]
    for template, week_from, week_to in phase_windows(options, ctx.data.phases, older_adult=older):
        sessions = []
        for variant, label in enumerate(labels):
            items = [
                session_item(ctx, template, e, key=key)
                for e, key in session_exercises(ctx, template, variant)
            ]
            kept, session_cuts = budget.fit_session(
                items,
                budget_min=options.minutes_per_session,
                timing=ctx.timing,
                min_key_sets=1 if options.maintenance else ctx.data.phases.corrective.min_key_sets,
            )
            cuts += [_record_cut(c, template.name, label) for c in session_cuts]
            sessions.append(plan_session(label, kept, ctx))
        phases.append(
            PlanPhase(
                name=template.name,
                week_from=week_from,
                week_to=week_to,
                focus=template.focus.strip(),
                sessions=sessions,
            )
        )
    return phases, cuts


def _record_cut(cut: budget.Cut, phase: str, label: str) -> Dropped | Reduced:
    if cut.sets_to is None:
        return Dropped(
            exercise_id=cut.exercise_id, reason=f"{phase} phase, session {label}: {cut.reason}"
        )
    return Reduced(
        exercise_id=cut.exercise_id,
        phase=phase,
        session=label,
        sets_from=cut.sets_from,
        sets_to=cut.sets_to,
        reason=cut.reason,
    )
