"""Rich rendering for the tracking commands (terminal output only; no logic)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.markup import escape
from rich.table import Table

from glutefire.cli.common import console
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.store.exercise_checks import FilmedRow
from glutefire.store.repository import PersonSummary
from glutefire.tracking.adherence import WeekAdherence
from glutefire.tracking.pain import pain_trend
from glutefire.tracking.relapse import (
    WORSE,
    Comparison,
    MetricSeries,
    PlanTimeline,
    RelapseReport,
)
from glutefire.tracking.session_entry import SessionEntry, amount_text
from glutefire.tracking.training_log.balance import BalanceReport
from glutefire.tracking.training_log.model import ParsedLog

VERDICT_STYLE = {WORSE: "bold red", "better": "green", "no real change": "dim"}


def styled(text: str, style: str | None) -> str:
    """``text`` as rich markup: escaped, and wrapped in ``style`` only when there is one."""
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def session_logged(name: str, entry: SessionEntry, local_day: str) -> None:
    label = f"session {entry.session_label}" if entry.session_label else "a session"
    console.print(f"Logged {label} for [bold]{escape(name)}[/] on {local_day}.", highlight=False)
    table = Table("exercise", "done", "target", box=None, pad_edge=False)
    for e in entry.exercises:
        table.add_row(escape(e.exercise_id), escape(e.done_text), escape(e.target_text))
    console.print(table)


def people(rows: Sequence[PersonSummary]) -> None:
    if not rows:
        console.print("No people stored yet. `glutefire screen ... --person NAME` adds one.")
        return
    table = Table("person", "time zone", "screenings", "plans", "sessions", "last session")
    for r in rows:
        last = r.last_session_at.date().isoformat() if r.last_session_at else "-"
        table.add_row(
            escape(r.name), r.time_zone, str(r.screenings), str(r.plans), str(r.sessions), last
        )
    console.print(table)


def adherence(weeks: Sequence[WeekAdherence]) -> None:
    if not weeks:
        console.print("Adherence: no plan and no sessions yet.")
        return
    table = Table("ISO week", "done / planned", "", title="Adherence (sessions per week)")
    for w in weeks:
        bar = "#" * w.done + "." * max(w.planned - w.done, 0)
        note = "" if w.complete else " (this week)"
        table.add_row(w.iso_week + note, f"{w.done} / {w.planned}", bar)
    console.print(table)


def pain(points: Sequence[tuple[dt.date, int]]) -> None:
    if not points:
        console.print("Pain: no scores logged yet (log with --pain 0-10).")
        return
    recent = points[-8:]
    trail = "  ".join(f"{day}: {score}" for day, score in recent)
    console.print(f"Pain (0-10, last {len(recent)} sessions): {trail}", highlight=False)
    trend = pain_trend(points)
    if trend is not None:
        console.print(
            f"Pain trend: {trend.previous_mean:.1f} -> {trend.recent_mean:.1f} "
            f"(mean of the last sessions vs the ones before): {trend.verdict} "
            f"(minimal detectable change {trend.mdc_points:g} points)",
            highlight=False,
        )
    if max(score for _, score in recent) > 5:
        console.print(
            "[yellow]Pain above 5/10 was logged: above the acceptable zone of the "
            "pain-monitoring model (Silbernagel 2007); ease off and consider seeing a "
            "clinician.[/]"
        )


def metric_history(series: Sequence[MetricSeries]) -> None:
    """Each finding over all screenings, oldest first (the last 6 shown)."""
    for s in series:
        unit = f" {s.unit}" if s.unit else ""
        recent = zip(s.times[-6:], s.values[-6:], strict=True)
        points = "  ".join(f"{t:%Y-%m-%d}: {v:.1f}{unit}" for t, v in recent)
        console.print(
            escape(f"{s.label} (smallest detectable difference {s.sdd:g}{unit}): {points}"),
            highlight=False,
        )


def _measured(value: float, unit: str | None, at: dt.datetime, view: str | None) -> str:
    amount = f"{value:.1f} {unit}" if unit else f"{value:.2f}"
    return f"{amount}\n{at:%Y-%m-%d}" + (f"\n{view} view" if view else "")


def comparisons(rows: Sequence[Comparison]) -> None:
    if not rows:
        console.print(
            "Screenings: fewer than two screenings that measured the same finding; "
            "nothing to compare yet."
        )
        return
    table = Table(
        title=f"Re-screen of {rows[0].current_at:%Y-%m-%d}, finding by finding, against the "
        "last screening that measured each one",
    )
    table.add_column("finding")
    table.add_column("before", no_wrap=True)
    table.add_column("now", no_wrap=True)
    table.add_column("change (smallest real change)")
    table.add_column("verdict")
    for c in rows:
        unit = f" {c.unit}" if c.unit else ""
        sdd = f"{c.sdd:g}{unit}" if c.sdd is not None else "not documented"
        table.add_row(
            escape(c.label),
            escape(_measured(c.previous, c.unit, c.previous_at, c.previous_view)),
            escape(_measured(c.current, c.unit, c.current_at, c.current_view)),
            escape(f"{c.change:+.1f}{unit} ({sdd})"),
            styled(c.verdict, VERDICT_STYLE.get(c.verdict)),
        )
    console.print(table)


def keyframes_written(paths: Sequence[Path], folder: Path) -> None:
    """Where the side-by-side keyframes went (or why there are none)."""
    if not paths:
        console.print("Keyframes: nothing re-screened to compare yet.")
        return
    names = ", ".join(p.name for p in paths)
    console.print(f"Keyframes side by side in {escape(str(folder))}: {escape(names)}")


def gaps(rows: Sequence[tuple[dt.date, dt.date, int]]) -> None:
    """Past gaps in training stay in the record after sessions resume."""
    for first, last, n in rows:
        console.print(
            f"Gap: {first} to {last}, {n} weeks below the maintenance dose.", highlight=False
        )


def timeline(t: PlanTimeline | None, person: str, maintenance_per_week: int) -> None:
    if t is None:
        return
    if t.in_maintenance and t.ended_on is not None:
        console.print(
            f"The plan ended on {t.ended_on}: the maintenance phase runs on its own since then "
            f"({maintenance_per_week} session(s) a week, one set per exercise; "
            f"`glutefire log -p {escape(person)}` logs it).",
            highlight=False,
        )
    if t.reassess_due and t.reassess_on is not None:
        console.print(
            f"[bold yellow]Reassessment due[/] since {t.reassess_on}: re-screen with "
            f"`glutefire screen CLIP -p {escape(person)}`, then re-plan.",
            highlight=False,
        )


def relapse(report: RelapseReport, person: str = "NAME", minutes: int | None = None) -> None:
    for alert in report.alerts:
        console.print(f"[bold red]alert:[/] {escape(alert.message)}", highlight=False)
        console.print(f"  [dim]source: {escape(alert.source)}[/]", highlight=False)
    if report.replan is not None:
        budget = f" --minutes-per-session {minutes}" if minutes else ""
        console.print(
            f"[bold]Advice:[/] {escape(report.replan.reason)} "
            f"({escape(', '.join(report.replan.worse))}): "
            f"`glutefire plan -p {escape(person)}{budget}`.",
            highlight=False,
        )
    if report.routine is None:
        return
    console.print(
        f"Suggested minimum maintenance routine: {report.routine.sessions_per_week} "
        "session per week, 1 set per exercise at the same intensity:"
    )
    for e in report.routine.exercises:
        amount = amount_text(e.get("sets"), e.get("reps"), e.get("hold_s"), e.get("load"))
        console.print(
            f"  - {escape(str(e.get('name') or e.get('exercise_id')))}: {escape(amount)}",
            highlight=False,
        )
    if not report.routine.exercises:
        console.print("  (no current plan: create one with `glutefire plan --person NAME`)")
    console.print(f"  [dim]source: {escape(report.routine.source)}[/]", highlight=False)


def import_report(
    parsed: ParsedLog, added: int, duplicates: int, unclassified: Sequence[str]
) -> None:
    console.print(
        f"Imported {added} set(s) from a {parsed.format} export "
        f"({duplicates} already stored, {parsed.ignored_rows} non-set rows ignored)."
    )
    if parsed.unknown_columns:
        console.print(f"Ignored unknown columns: {escape(', '.join(parsed.unknown_columns))}")
    for problem in parsed.problems[:20]:
        console.print(
            f"[yellow]skipped line {problem.line}:[/] {escape(problem.reason)}", highlight=False
        )
    if len(parsed.problems) > 20:
        console.print(f"[yellow]... and {len(parsed.problems) - 20} more skipped lines[/]")
    if unclassified:
        console.print(
            "Exercises not recognised (counted as 'other'; add them to your override "
            f"file to classify them): {escape(', '.join(unclassified))}"
        )


def balance(report: BalanceReport) -> None:
    table = Table(
        "ISO week",
        "hip sets",
        "knee sets",
        "other",
        "hip:knee",
        "hip kg",
        "knee kg",
        title="Hip- vs knee-dominant working sets per week",
    )
    for w in report.weeks:
        ratio = f"{w.hip_to_knee:.2f}" if w.hip_to_knee is not None else "-"
        style = "bold yellow" if w.quad_dominant else ""
        year, week, _ = w.week_start.isocalendar()
        table.add_row(
            f"{year}-W{week:02d}",
            str(w.hip_sets),
            str(w.knee_sets),
            str(w.other_sets),
            f"[{style}]{ratio}[/]" if style else ratio,
            f"{w.hip_volume_kg:g}",
            f"{w.knee_volume_kg:g}",
        )
    if report.weeks:
        console.print(table)
    console.print(escape(report.verdict))
    for movement, title in (("hip", "hip-dominant"), ("knee", "knee-dominant"), ("other", "other")):
        names = [
            name + (" (guessed from the name)" if method == "keyword" else "")
            for name, moved, method in report.classes
            if moved == movement and method != "unclassified"
        ]
        if names:
            console.print(f"Counted as {title}: {escape(', '.join(names))}", highlight=False)
    if report.unclassified:
        console.print(
            f"Not recognised (counted as 'other'): {escape(', '.join(report.unclassified))}"
        )


def _filmed_amount(reps: int | None, hold_s: float | None) -> str:
    if hold_s is not None:
        return f"hold {hold_s:.1f} s"
    return "-" if reps is None else f"{reps} reps"


def filmed_logged(entry: SessionEntry, measured: Sequence[tuple[str, ExerciseCheckResult]]) -> None:
    """Each filmed set of a logged session: measured from the clip next to the plan's target,
    and its form checks."""
    if not measured:
        return
    targets = {e.exercise_id: e for e in entry.exercises}
    table = Table("filmed", "measured", "target", "form", "camera", title="From the clips")
    for exercise_id, result in measured:
        e = targets[exercise_id]
        summary = result.summary
        reps = summary.complete_reps if summary.counts == "reps" else None
        target = e.target_text
        faults = ", ".join(result.check(c).title for c in summary.present) or "no fault seen"
        if summary.not_assessable:
            faults += f" ({len(summary.not_assessable)} not assessable)"
        camera = f"{result.camera.view}" + ("" if result.camera.fits else " (does not fit)")
        table.add_row(
            escape(exercise_id),
            _filmed_amount(reps, summary.longest_hold_s),
            escape(target),
            escape(faults),
            camera,
        )
    console.print(table)


def filmed_history(rows: Sequence[FilmedRow], time_zone: str) -> None:
    """Filmed exercises over time: week, measured next to target, each check's value."""
    if not rows:
        return
    table = Table(
        "ISO week",
        "exercise",
        "measured",
        "target",
        "check values",
        "faults",
        title="Filmed exercises",
    )
    for r in rows:
        week = r.performed_at.astimezone(ZoneInfo(time_zone)).isocalendar()
        target = f"{r.target_hold_s:g} s" if r.target_hold_s is not None else r.target_reps or "-"
        values = ", ".join(f"{k} {v:g}" for k, v in r.values.items() if v is not None)
        table.add_row(
            f"{week.year}-W{week.week:02d}",
            escape(r.exercise_id),
            _filmed_amount(r.complete_reps, r.longest_hold_s),
            escape(str(target)),
            escape(values or "-"),
            escape(", ".join(r.present) or "-"),
        )
    console.print(table)
