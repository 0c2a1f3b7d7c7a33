"""Render a plan as JSON (the contract), Markdown, or rich terminal output."""

from __future__ import annotations

import json
from functools import lru_cache

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from glutefire.programming.plan import Plan, PlanExercise, PlanPhase


def plan_to_json(plan: Plan) -> str:
    """The plan JSON (``docs/plan-format.md``), pretty-printed, UTF-8 safe."""
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def dose_text(x: PlanExercise) -> str:
    """Plain dose, e.g. ``3 x 10 (each side), tempo 2-1-2, rest 90 s``."""
    amount = f"{x.reps} reps" if x.reps is not None else f"{x.hold_s} s hold"
    side = " each side" if x.side == "each" else ""
    tempo = f", tempo {x.tempo}" if x.tempo else ""
    rest = f", rest {x.rest_s} s" if x.rest_s and x.sets > 1 else ""
    return f"{x.sets} x {amount}{side}{tempo}{rest}"


@lru_cache(maxsize=1)
def _exercise_names() -> dict[str, str]:
    from glutefire.programming.library import load_library

    return {e.id: e.name for e in load_library().exercises}


def _name(exercise_id: str) -> str:
    return _exercise_names().get(exercise_id, exercise_id.replace("_", " "))


def check_command(exercise_id: str) -> str | None:
    """``glutefire check ID`` for an exercise that can be filmed and checked
    (``data/exercise_checks.yaml`` links library exercises to checks), else None."""
    from glutefire.exercises.spec import check_for_library_exercise

    spec = check_for_library_exercise(exercise_id)
    return None if spec is None else f"glutefire check {spec.id}"


def safety_lines(x: PlanExercise) -> list[str]:
    """Cautions, easier and harder versions of one exercise, in words (no ids)."""
    names = _exercise_names()

    def listed(ids: list[str]) -> str:
        return ", ".join(names.get(i, i.replace("_", " ")) for i in ids)

    lines = [f"Take care ({x.name}): {c}" for c in x.cautions]
    if x.regressions:
        lines.append(f"Easier ({x.name}): {listed(x.regressions)}")
    if x.progressions:
        lines.append(f"Harder ({x.name}): {listed(x.progressions)}")
    return lines


def _header_lines(plan: Plan) -> list[str]:
    return [
        f"Mode: {plan.mode}. {plan.weeks} weeks, {plan.sessions_per_week} session(s) a week, "
        f"up to {plan.minutes_per_session} minutes each.",
        f"Start: {plan.start_date}. Reassess on: {plan.reassess_on}.",
    ]


def plan_to_markdown(plan: Plan) -> str:
    """A readable Markdown version of the plan."""
    lines = ["# glutefire corrective plan", "", f"_{plan.disclaimer}_", ""]
    if plan.stopped:
        return "\n".join(lines + _stopped_markdown(plan)) + "\n"
    lines += [*_header_lines(plan), ""]
    lines += _bullets("Advice", plan.advice)
    for phase in plan.phases:
        lines += _phase_markdown(phase)
    lines += _bullets(
        "Why these exercises",
        [f"Because {e.because}: {e.so} _({e.source})_" for e in plan.explanations],
    )
    lines += _bullets("Left out", [f"{_name(d.exercise_id)}: {d.reason}" for d in plan.dropped])
    lines += _bullets(
        "Fewer sets",
        [
            f"{_name(r.exercise_id)} ({r.phase}, session {r.session}): "
            f"{r.sets_from} -> {r.sets_to} sets, {r.reason}"
            for r in plan.reduced
        ],
    )
    lines += _bullets("Not checked", [f"{n.item}: {n.reason}" for n in plan.not_checked])
    lines += _bullets(
        "Progress and pain rules",
        [f"When {r.when}: {r.then} _({r.source})_" for r in plan.progression_rules],
    )
    lines += _bullets(
        "What to expect",
        [f"{r.when.capitalize()}: {r.what} _({r.source})_" for r in plan.expected_results],
    )
    lines += [
        f"Balance: {plan.balance.hip_dominant_sets} hip-dominant and "
        f"{plan.balance.knee_dominant_sets} knee-dominant sets over the plan.",
        "",
    ]
    return "\n".join(lines)


def _stopped_markdown(plan: Plan) -> list[str]:
    lines = ["## Program stopped", "", "Your answers include warning signs:", ""]
    lines += [f"- {flag}" for flag in plan.red_flags] + [""]
    return lines + [*plan.advice, ""]


def _bullets(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"## {title}", "", *[f"- {item}" for item in items], ""]


def _phase_markdown(phase: PlanPhase) -> list[str]:
    lines = [f"## Weeks {phase.week_from}-{phase.week_to}: {phase.name}", "", phase.focus, ""]
    for session in phase.sessions:
        lines += [
            f"### Session {session.label} (about {session.minutes} min)",
            "",
            "| # | Exercise | Dose | Load | Min | Cues | Film and check |",
            "|---|---|---|---|---|---|---|",
        ]
        for n, x in enumerate(session.exercises, start=1):
            cues = "<br>".join(x.cues[:2])
            film = check_command(x.exercise_id)
            film_cell = f"`{film} CLIP`" if film else "-"
            lines.append(
                f"| {n} | {x.name} ({x.phase}) | {dose_text(x)} | {x.load} | {x.minutes} | {cues} "
                f"| {film_cell} |"
            )
        lines.append("")
        safety = [line for x in session.exercises for line in safety_lines(x)]
        lines += [*(f"- {line}" for line in safety), ""] if safety else []
    return lines


def print_plan(plan: Plan, console: Console) -> None:
    """Print the plan to the terminal with rich (sessions as tables)."""
    console.print(f"[italic]{escape(plan.disclaimer)}[/]", highlight=False)
    if plan.stopped:
        body = "\n".join([*(f"- {f}" for f in plan.red_flags), "", *plan.advice])
        title = "Program stopped: see a clinician first"
        console.print(Panel(escape(body), title=title, style="red"))
        return
    for line in _header_lines(plan):
        console.print(escape(line), highlight=False)
    for phase in plan.phases:
        console.print(_phase_panel(phase))
        for line in _phase_safety(phase):
            console.print(escape(f"  - {line}"), highlight=False)
    for explanation in plan.explanations:
        console.print(escape(f"- Because {explanation.because}: {explanation.so}"), highlight=False)
    for dropped in [d for d in plan.dropped if not d.reason.startswith("ranked below")]:
        console.print(
            f"[dim]- left out {escape(_name(dropped.exercise_id))}: {escape(dropped.reason)}[/]",
            highlight=False,
        )
    for item in plan.not_checked:
        console.print(
            f"[yellow]- not checked: {escape(item.item)}: {escape(item.reason)}[/]",
            highlight=False,
        )


def _phase_safety(phase: PlanPhase) -> list[str]:
    """Safety lines of every distinct exercise of a phase, in session order."""
    unique = {x.exercise_id: x for s in phase.sessions for x in s.exercises}
    return [line for x in unique.values() for line in safety_lines(x)]


def _phase_panel(phase: PlanPhase) -> Panel:
    tables = []
    for session in phase.sessions:
        table = Table(title=f"Session {session.label}: about {session.minutes} min", expand=True)
        for column in ("Exercise", "Dose", "Load", "Min", "Film and check"):
            table.add_column(column)
        for x in session.exercises:
            film = check_command(x.exercise_id) or "-"
            table.add_row(
                escape(x.name), escape(dose_text(x)), escape(x.load), f"{x.minutes}", escape(film)
            )
        tables.append(table)
    title = f"Weeks {phase.week_from}-{phase.week_to}: {phase.name}"
    return Panel(Group(escape(phase.focus), *tables), title=escape(title))
