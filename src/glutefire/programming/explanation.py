"""What the plan says about itself: explanations (each true of the plan), balance, what was
left out and why, what could not be checked, and advice (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from glutefire.programming.plan import (
    Balance,
    Dropped,
    Explanation,
    NotChecked,
    PlanPhase,
)
from glutefire.programming.rules import BASELINE_RULE, Recommendation
from glutefire.programming.selection import Context
from glutefire.result import FindingCode, ScreeningResult, Status

if TYPE_CHECKING:
    from glutefire.programming.builder import PlanOptions

NOT_INCLUDED = "this plan could not include"


def plan_exercise_ids(phases: list[PlanPhase]) -> set[str]:
    return {x.exercise_id for p in phases for s in p.sessions for x in s.exercises}


def unmet_claims(rec: Recommendation, used: set[str]) -> list[list[str]]:
    """The claim groups of ``rec`` (see ``Rule.claim_groups``) with no exercise in the plan."""
    if rec.claims is not None:
        groups = rec.claims
    else:
        groups = [rec.exercises] if rec.exercises else []
    return [g for g in groups if not set(g) & used]


def explanations(
    recs: list[Recommendation], phases: list[PlanPhase], names: dict[str, str]
) -> list[Explanation]:
    """One explanation per fired rule. Its ``so`` is the rule's sentence only when the plan
    holds what that sentence claims; otherwise it says what the plan could not include."""
    used = plan_exercise_ids(phases)
    out = []
    for r in recs:
        missing = unmet_claims(r, used)
        so = r.so
        if missing:
            wanted = " or ".join(names.get(i, i) for i in missing[0][:4])
            so = f"{NOT_INCLUDED} {wanted}: see what was left out and why"
        out.append(
            Explanation(
                because=r.because,
                so=so,
                source=r.source,
                exercises=[e for e in r.exercises if e in used],
            )
        )
    return out


def balance(phases: list[PlanPhase], spw: int) -> Balance:
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


def dropped(ctx: Context, phases: list[PlanPhase], cuts: list) -> list[Dropped]:
    dropped = [Dropped(exercise_id=i, reason=r) for i, r in ctx.avoided.items()]
    dropped += [c for c in cuts if isinstance(c, Dropped)]
    used = {x.exercise_id for p in phases for s in p.sessions for x in s.exercises}
    listed = {d.exercise_id for d in dropped}
    for exercise_id, cand in ctx.candidates.items():
        chosen_by_rule = any(rule != BASELINE_RULE for rule in cand.rule_ids)
        if chosen_by_rule and exercise_id not in used | listed | set(ctx.avoided):
            dropped.append(
                Dropped(
                    exercise_id=exercise_id,
                    reason="ranked below the exercises chosen for its phase; "
                    "use it as an alternative",
                )
            )
    return dropped


def not_checked(findings: ScreeningResult | None) -> list[NotChecked]:
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
            None,
            Status.NOT_ASSESSABLE,
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


SHORT_SESSION_MARGIN_MIN = 5  # design value (unverified): say why sessions are shorter


def spare_time_note(minutes_per_session: int, phases: list[PlanPhase]) -> str | None:
    """Why sessions are clearly shorter than the time offered, or None."""
    lengths = [s.minutes for p in phases for s in p.sessions]
    if not lengths or max(lengths) > minutes_per_session - SHORT_SESSION_MARGIN_MIN:
        return None
    span = (
        f"{min(lengths):.0f}-{max(lengths):.0f}"
        if min(lengths) < max(lengths)
        else (f"{max(lengths):.0f}")
    )
    return (
        f"Sessions take about {span} minutes of the {minutes_per_session} you have: every "
        "exercise chosen for you fits at its full dose (2-3 sets, as in the studied "
        "programmes, ACSM 2009; evidence.md §5). More time would add exercises with no reason "
        "from your answers or screen; use it to warm up or walk."
    )


def advice(
    options: PlanOptions,
    spw: int,
    recs: list[Recommendation],
    findings: ScreeningResult | None,
    cuts: list,
    phases: Sequence[PlanPhase] = (),
) -> list[str]:
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
    note = spare_time_note(options.minutes_per_session, list(phases))
    if note is not None:
        advice.append(note)
    advice.append(
        "Keep pain during exercise at 3/10 or less, and next-morning pain no worse than usual."
    )
    for rec in recs:
        advice += [a.strip() for a in rec.advice if a.strip() not in advice]
    return advice
