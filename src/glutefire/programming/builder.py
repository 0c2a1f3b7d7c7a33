"""Build a corrective or maintenance plan from findings and answers (pure, given the data).

Order of work: red flags (stop) -> rules -> ranked exercises per phase slot -> sessions A/B with
phase doses -> fit each session into the time budget -> explanations, balance, progression.
Phase shapes and doses are data (``data/program_phases.yaml``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from glutefire.datafiles import load_packaged
from glutefire.errors import PlanError
from glutefire.programming import budget
from glutefire.programming.budget import Item, Timing
from glutefire.programming.library import PHASE_ORDER, Exercise, Library
from glutefire.programming.plan import (
    Balance,
    Dropped,
    Explanation,
    NotChecked,
    Plan,
    PlanExercise,
    PlanPhase,
    PlanSession,
    Reduced,
)
from glutefire.programming.progression import (
    Mode,
    ProgressionData,
    expected_results,
    progression_rules,
    reassess_date,
)
from glutefire.programming.questionnaire import Answers, answer_facts
from glutefire.programming.red_flags import RedFlagTable, check_red_flags
from glutefire.programming.rules import (
    Candidate,
    Recommendation,
    RuleTable,
    apply_rules,
    avoided_exercises,
    score_exercises,
)
from glutefire.result import FindingCode, ScreeningResult, Status


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhaseTemplate(_Strict):
    """How many exercises of each CEx phase a session holds, and the phase's dose changes."""

    name: str
    slots: dict[str, int]
    allow_loaded: bool = True
    activate_sets: int | None = None
    integrate_sets: int | None = None
    integrate_load: str | None = None
    sets: int | None = None
    load: str | None = None
    focus: str = ""


class CorrectiveConfig(_Strict):
    """Corrective mode: activation share of the weeks and the phase templates."""

    activation_share: float = Field(gt=0, lt=1)
    activation_max_weeks: int = Field(ge=1)
    typical_weeks: list[int]
    typical_sessions_per_week: list[int]
    phases: list[PhaseTemplate] = Field(min_length=2, max_length=2)


class MaintenanceConfig(_Strict):
    """Maintenance mode: the minimal dose (Spiering 2021)."""

    default_sessions_per_week: int
    sets: int
    load: str
    slots: dict[str, int]
    focus: str = ""


class PhasesConfig(_Strict):
    """The whole ``program_phases.yaml``."""

    schema_version: int
    timing: dict[str, int]
    corrective: CorrectiveConfig
    maintenance: MaintenanceConfig


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


@lru_cache(maxsize=1)
def load_phases() -> PhasesConfig:
    """Load and validate the packaged ``data/program_phases.yaml``."""
    return load_packaged("program_phases.yaml", PhasesConfig)


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


def build_plan(
    *, answers: Answers, findings: ScreeningResult | None, options: PlanOptions, data: ProgramData
) -> Plan:
    """Build the plan. Pure: same inputs, same plan."""
    validate_options(options)
    facts = answer_facts(answers)
    mode: Mode = "maintenance" if options.maintenance else "corrective"
    spw = options.sessions_per_week or (
        data.phases.maintenance.default_sessions_per_week if options.maintenance else 3
    )
    flags = check_red_flags(facts, table=data.red_flags)
    if flags:
        return _stopped_plan(options, mode=mode, spw=spw, flags=flags, table=data.red_flags)
    present = findings.with_status(Status.PRESENT) if findings is not None else []
    recs = apply_rules(data.rules, findings=present, facts=facts)
    ctx = _Context(data, score_exercises(recs), avoided_exercises(recs), present)
    phases, cuts = _build_phases(ctx, options, spw=spw)
    return Plan(
        mode=mode,
        stopped=False,
        red_flags=[],
        advice=_advice(options, spw, recs, findings, cuts),
        created_on=options.created_on.isoformat(),
        start_date=options.start_date.isoformat(),
        reassess_on=reassess_date(
            options.start_date, weeks=options.weeks, mode=mode, data=data.progression
        ).isoformat(),
        sessions_per_week=spw,
        minutes_per_session=options.minutes_per_session,
        weeks=options.weeks,
        phases=phases,
        dropped=_dropped(ctx, phases, cuts),
        reduced=[c for c in cuts if isinstance(c, Reduced)],
        explanations=_explanations(recs, phases),
        balance=_balance(phases, spw),
        progression_rules=progression_rules(data.progression),
        expected_results=expected_results(
            data.progression, mode=mode, facts=facts, finding_codes={f.code for f in present}
        ),
        not_checked=_not_checked(findings),
        findings_used=findings is not None,
    )


@dataclass(frozen=True)
class _Context:
    data: ProgramData
    candidates: dict[str, Candidate]
    avoided: dict[str, str]
    present: list

    @property
    def timing(self) -> Timing:
        return Timing(**self.data.phases.timing)


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


def _phase_windows(options: PlanOptions, cfg: PhasesConfig) -> list[tuple[PhaseTemplate, int, int]]:
    weeks = options.weeks
    if options.maintenance:
        m = cfg.maintenance
        template = PhaseTemplate(
            name="maintenance", slots=m.slots, sets=m.sets, load=m.load, focus=m.focus
        )
        return [(template, 1, weeks)]
    c = cfg.corrective
    first = min(c.activation_max_weeks, max(1, math.ceil(weeks * c.activation_share)))
    first = min(first, weeks)
    windows = [(c.phases[0], 1, first)]
    if weeks > first:
        windows.append((c.phases[1], first + 1, weeks))
    return windows


def _build_phases(ctx: _Context, options: PlanOptions, *, spw: int):
    phases, cuts = [], []
    labels = ["A", "B"][: min(spw, 2)]
    for template, week_from, week_to in _phase_windows(options, ctx.data.phases):
        sessions = []
        for variant, label in enumerate(labels):
            items = _session_items(ctx, template, variant)
            kept, session_cuts = budget.fit_session(
                items, budget_min=options.minutes_per_session, timing=ctx.timing
            )
            cuts += [_record_cut(c, template.name, label) for c in session_cuts]
            sessions.append(_plan_session(label, kept, ctx))
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


def _ranked(ctx: _Context, phase: str, *, allow_loaded: bool) -> list[Exercise]:
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


def _session_items(ctx: _Context, template: PhaseTemplate, variant: int) -> list[Item]:
    picked: list[Exercise] = []
    for phase in PHASE_ORDER:
        ranked = _ranked(ctx, phase, allow_loaded=template.allow_loaded)
        pick_variant = variant if phase in ("activate", "integrate") else 0
        picked += _pick(
            ranked, template.slots.get(phase, 0), pick_variant, _required_patterns(template, phase)
        )
    keys = _key_ids(picked)
    return [_item(ctx, template, e, key=e.id in keys) for e in picked]


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


def _item(ctx: _Context, template: PhaseTemplate, exercise: Exercise, *, key: bool) -> Item:
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


def _plan_session(label: str, items: list[Item], ctx: _Context) -> PlanSession:
    exercises = [_plan_exercise(i, ctx) for i in items]
    total_s = budget.session_seconds(items, timing=ctx.timing)
    return PlanSession(label=label, minutes=round(total_s / 60, 1), exercises=exercises)


def _plan_exercise(item: Item, ctx: _Context) -> PlanExercise:
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


def _side_cue(ctx: _Context, exercise: Exercise) -> list[str]:
    if exercise.dose.side != "each":
        return []
    sides = [
        f.side
        for f in ctx.present
        if f.code == "asymmetric_weight_shift" and f.side in ("left", "right")
    ]
    return (
        [f"Start each set with the {sides[0]} leg (the side you shifted toward)."] if sides else []
    )


# ---------------------------------------------------------------- explanations and summaries


def _explanations(recs: list[Recommendation], phases: list[PlanPhase]) -> list[Explanation]:
    used = {x.exercise_id for p in phases for s in p.sessions for x in s.exercises}
    return [
        Explanation(
            because=r.because,
            so=r.so,
            source=r.source,
            exercises=[e for e in r.exercises if e in used],
        )
        for r in recs
    ]


def _balance(phases: list[PlanPhase], spw: int) -> Balance:
    totals = {"hip_dominant": 0, "knee_dominant": 0}
    for phase in phases:
        done = spw * (phase.week_to - phase.week_from + 1)
        counts = [math.ceil(done / len(phase.sessions)), done // len(phase.sessions)]
        for session, count in zip(phase.sessions, counts, strict=False):
            for x in session.exercises:
                if x.pattern in totals:
                    totals[x.pattern] += x.sets * count
    return Balance(
        hip_dominant_sets=totals["hip_dominant"], knee_dominant_sets=totals["knee_dominant"]
    )


def _dropped(ctx: _Context, phases: list[PlanPhase], cuts: list) -> list[Dropped]:
    dropped = [Dropped(exercise_id=i, reason=r) for i, r in ctx.avoided.items()]
    dropped += [c for c in cuts if isinstance(c, Dropped)]
    used = {x.exercise_id for p in phases for s in p.sessions for x in s.exercises}
    listed = {d.exercise_id for d in dropped}
    for exercise_id, cand in ctx.candidates.items():
        chosen_by_rule = any(not w.startswith("every plan") for w in cand.why)
        if chosen_by_rule and exercise_id not in used | listed | set(ctx.avoided):
            dropped.append(
                Dropped(
                    exercise_id=exercise_id,
                    reason="ranked below the exercises chosen for its phase; "
                    "use it as an alternative",
                )
            )
    return dropped


def _not_checked(findings: ScreeningResult | None) -> list[NotChecked]:
    if findings is None:
        return [
            NotChecked(
                item="squat screen",
                reason="no screening result given: this plan is built from the questionnaire only",
            )
        ]
    items = [
        NotChecked(
            item=f"finding {f.label}", reason=f"not assessable in the clip{_reason(f.reason)}"
        )
        for f in findings.with_status(Status.NOT_ASSESSABLE)
    ]
    for f in findings.with_status(Status.PRESENT):
        if f.code is FindingCode.KNEES_CAVE_IN and f.heels_elevated_status in (
            None, Status.NOT_ASSESSABLE
        ):
            items.append(
                NotChecked(
                    item="heel-raised retest",
                    reason="no usable heel-raised clip: "
                    "ankle mobility could not be ruled out for the inward knees",
                )
            )
    return items


def _reason(text: str) -> str:
    return f" ({text})" if text else ""


def _advice(options, spw, recs, findings, cuts) -> list[str]:
    advice = []
    if spw >= 2:
        advice.append(
            "Alternate sessions A and B through the week and leave a rest day between sessions."
        )
    if findings is None:
        advice.append(
            "This plan uses the questionnaire only; film a squat with `glutefire screen` "
            "to tailor it to how you move."
        )
    if not options.maintenance and not 4 <= options.weeks <= 8:
        advice.append("Hip programmes in studies typically ran 4-8 weeks (evidence.md §5).")
    if not options.maintenance and not 2 <= spw <= 3:
        advice.append("Studied programmes used 2-3 sessions a week (ACSM 2009; evidence.md §5).")
    if cuts:
        advice.append(
            f"To fit {options.minutes_per_session} minutes some work was cut or shortened; "
            "see 'dropped' and 'reduced'."
        )
    advice.append(
        "Keep pain during exercise at 3/10 or less, and next-morning pain no worse than usual."
    )
    for rec in recs:
        advice += [a.strip() for a in rec.advice if a.strip() not in advice]
    return advice
