"""``glutefire handout``: one printable client handout (HTML and PDF from the same template)
from what is stored for a person: latest screening, current plan, progress."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from glutefire.cli.common import DbOption, console, database, user_errors
from glutefire.errors import InputFileError, RecordError
from glutefire.programming.library import load_library
from glutefire.programming.plan import Plan
from glutefire.reports.handout import (
    ComparisonRow,
    Handout,
    plain_findings,
    render_html,
    render_pdf,
)
from glutefire.store.history import ProgressInputs, progress_inputs
from glutefire.store.repository import get_person, unit_of_work
from glutefire.tracking import plots
from glutefire.tracking.adherence import WeekAdherence, weekly_adherence
from glutefire.tracking.relapse import (
    Comparison,
    RelapseReport,
    detect_relapse,
    load_rules,
    metric_history,
)


def _row(c: Comparison) -> ComparisonRow:
    unit = f" {c.unit}" if c.unit else ""
    sdd = f", smallest real change {c.sdd:g}{unit}" if c.sdd is not None else ""
    return ComparisonRow(
        c.label,
        f"{c.previous:.1f}{unit} on {c.previous_at:%Y-%m-%d}",
        f"{c.current:.1f}{unit} on {c.current_at:%Y-%m-%d}",
        f"{c.change:+.1f}{unit}: {c.verdict}{sdd}",
    )


def _advice(report: RelapseReport, person: str) -> list[str]:
    lines = []
    t = report.timeline
    if t is not None and t.in_maintenance:
        lines.append(
            f"The plan ended on {t.ended_on}: keep one short session a week "
            "(one set of each exercise at the same load) to keep your progress."
        )
    if t is not None and t.reassess_due:
        lines.append(f"A new screening was due on {t.reassess_on}: film the squat again.")
    if report.replan is not None:
        lines.append(
            "The new screening looks worse than the last one, so your trainer will "
            f"build a new plan for: {', '.join(report.replan.worse)} "
            f"(`glutefire plan -p {person}`)."
        )
    if report.routine is not None:
        lines.append(
            f"Keep at least {report.routine.sessions_per_week} short session a week: "
            "one set of each exercise at the same load."
        )
    return lines


def _plots(inputs: ProgressInputs, table: Sequence[WeekAdherence]) -> list[tuple[str, bytes]]:
    with tempfile.TemporaryDirectory(prefix="glutefire-handout-") as tmp:
        folder = Path(tmp)
        written = plots.plot_adherence(table, folder, formats=("png",))
        written += plots.plot_pain(inputs.pain_points, folder, formats=("png",))
        titles = {"adherence": "Sessions per week", "pain": "Pain during sessions"}
        for series in metric_history(inputs.screenings, load_rules().noise):
            written += plots.plot_metric(series, folder, formats=("png",))
            titles[f"metric_{series.key}"] = series.label
        return [(titles.get(p.stem, p.stem), p.read_bytes()) for p in written]


def build_handout(person: str, db: str | None, as_of: dt.date | None) -> Handout:
    from glutefire.cli.tracking import person_rules

    with database(db) as engine, unit_of_work(engine) as uow:
        who = get_person(uow, person)
        rules = person_rules(who)
        inputs = progress_inputs(uow, who, maintenance_per_week=rules.maintenance_sessions_per_week)
        name = who.name
    today = as_of or dt.datetime.now(ZoneInfo(inputs.time_zone)).date()
    table = weekly_adherence(inputs.session_days, inputs.periods, today=today)
    report = detect_relapse(table, inputs.screenings, inputs.plan, today=today, rules=rules)
    latest = inputs.screenings[-1] if inputs.screenings else None
    return Handout(
        client_name=name,
        generated_on=today.isoformat(),
        screened_on=f"{latest[0]:%Y-%m-%d}" if latest else None,
        findings=plain_findings(latest[1]) if latest else [],
        plan=Plan.model_validate(inputs.plan) if inputs.plan else None,
        exercise_names={e.id: e.name for e in load_library().exercises},
        comparisons=[_row(c) for c in report.comparisons],
        alerts=[a.message for a in report.alerts],
        advice=_advice(report, name),
        plots=_plots(inputs, table[-12:]),
    )


def handout_command(
    person: Annotated[str, typer.Option("--person", "-p", help="The person's name.")],
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the handout as HTML here.")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the handout as PDF here.")
    ] = None,
    today: Annotated[str | None, typer.Option(help="As of YYYY-MM-DD (default today).")] = None,
    db: DbOption = None,
) -> None:
    """A printable handout for the client: findings in plain words, plan, progress."""
    with user_errors():
        if html is None and pdf is None:
            raise RecordError("expected --html FILE and/or --pdf FILE, but got neither")
        try:
            as_of = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise RecordError(f"expected --today as YYYY-MM-DD, but got {today!r}") from None
        handout = build_handout(person, db, as_of)
        try:
            if html is not None:
                html.write_text(render_html(handout), encoding="utf-8")
            if pdf is not None:
                pdf.write_bytes(render_pdf(handout))
        except OSError as exc:
            raise InputFileError(f"could not write the handout: {exc}") from None
    written = ", ".join(str(p) for p in (html, pdf) if p is not None)
    console.print(f"Handout written: {written}", highlight=False, markup=False)
