"""``glutefire eval``: screen labelled clips and print how well the results match the labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from glutefire.cli.common import console, err_console, user_errors
from glutefire.errors import InputFileError
from glutefire.evaluation.exercises import HEADER as EXERCISE_HEADER
from glutefire.evaluation.exercises import (
    ExerciseEvaluation,
    evaluate_exercises,
    exercise_markdown,
    exercise_row,
    exercise_summary_line,
    is_exercise_labels,
    load_exercise_labels,
    summarise_exercises,
)
from glutefire.evaluation.labels import load_labels
from glutefire.evaluation.report import HEADER, clip_row, markdown_table, summary_line
from glutefire.evaluation.run import ClipEvaluation, cached_keypoints, evaluate


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to ``app``."""
    app.command("eval")(eval_command)


def _fraction(value: float | None, name: str) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise InputFileError(f"expected {name} between 0 and 1, but got {value}")


def _progress(quiet: bool) -> Callable[[ClipEvaluation], None]:
    def show(e: ClipEvaluation) -> None:
        if not quiet:
            mark = "ok" if e.reps_exact else ("crash" if e.crashed else "wrong")
            err_console.print(f"  {escape(e.id)}: {mark}", highlight=False)

    return show


def eval_command(
    labels: Annotated[
        Path, typer.Argument(help="Labels file (JSON, docs/evaluation.md).", dir_okay=False)
    ],
    clip_dir: Annotated[
        Path, typer.Argument(help="Folder holding the labelled clips.", file_okay=False)
    ],
    keypoints_dir: Annotated[
        Path | None,
        typer.Option(
            help="Cache of keypoint CSVs (STEM.csv): used when present, written after a pose run, "
            "so the analysis can be rerun without the pose model.",
            file_okay=False,
        ),
    ] = None,
    min_reps_exact: Annotated[
        float | None,
        typer.Option(
            help="Exit 1 when the share of clips with complete reps exact is below this (0-1)."
        ),
    ] = None,
    min_findings: Annotated[
        float | None,
        typer.Option(
            help="Exit 1 when the share of labelled findings that agree is below this (0-1)."
        ),
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the table as Markdown here.", dir_okay=False)
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-clip progress.")] = False,
) -> None:
    """Screen every labelled clip; print per clip and overall: complete reps exact, view,
    findings agreeing with the labels, errors and crashes."""
    with user_errors():
        _fraction(min_reps_exact, "--min-reps-exact")
        _fraction(min_findings, "--min-findings")
        if not clip_dir.is_dir():
            raise InputFileError(f"{clip_dir}: no such folder")
        if is_exercise_labels(labels):
            _eval_exercises(
                labels, clip_dir, keypoints_dir, markdown, quiet, min_reps_exact, min_findings
            )
            return
        label_set = load_labels(labels)
        results, summary = evaluate(
            label_set, clip_dir, source=cached_keypoints(keypoints_dir), on_clip=_progress(quiet)
        )
        table = Table(*HEADER, show_lines=False)
        for e in results:
            table.add_row(*(escape(c) for c in clip_row(e)))
        wide = console if console.is_terminal else Console(width=200)  # files: no wrapping
        wide.print(table)
        console.print(summary_line(summary), highlight=False, soft_wrap=True)
        if markdown is not None:
            try:
                markdown.write_text(markdown_table(results, summary))
            except OSError as exc:
                raise InputFileError(f"could not write {markdown}: {exc}") from None
    below = []
    if min_reps_exact is not None and summary.reps_exact_fraction < min_reps_exact:
        below.append(f"complete reps exact {summary.reps_exact_fraction:.2f} < {min_reps_exact}")
    findings = summary.findings_fraction
    if min_findings is not None and findings is not None and findings < min_findings:
        below.append(f"findings agreement {findings:.2f} < {min_findings}")
    if below:
        err_console.print("below threshold: " + "; ".join(below), highlight=False)
        raise typer.Exit(code=1)


def _eval_exercises(
    labels: Path,
    clip_dir: Path,
    keypoints_dir: Path | None,
    markdown: Path | None,
    quiet: bool,
    min_reps_exact: float | None,
    min_findings: float | None,
) -> None:
    """``glutefire eval`` on exercise labels: reps, events, holds and faults per clip."""

    def show(e: ExerciseEvaluation) -> None:
        if not quiet:
            mark = "not checked" if e.checked_as is None else "ok" if e.reps_exact else "wrong"
            err_console.print(f"  {escape(e.id)}: {mark}", highlight=False)

    results = evaluate_exercises(
        load_exercise_labels(labels), clip_dir, source=cached_keypoints(keypoints_dir), on_clip=show
    )
    table = Table(*EXERCISE_HEADER)
    for e in results:
        table.add_row(*(escape(c) for c in exercise_row(e)))
    wide = console if console.is_terminal else Console(width=220)
    wide.print(table)
    summary = summarise_exercises(results)
    console.print(exercise_summary_line(summary), highlight=False, soft_wrap=True)
    if markdown is not None:
        try:
            markdown.write_text(exercise_markdown(results))
        except OSError as exc:
            raise InputFileError(f"could not write {markdown}: {exc}") from None
    below = []
    reps = summary.reps_exact / summary.n_checked if summary.n_checked else 0.0
    if min_reps_exact is not None and reps < min_reps_exact:
        below.append(f"complete reps exact {reps:.2f} < {min_reps_exact}")
    if min_findings is not None and summary.faults_labelled:
        faults = summary.faults_agree / summary.faults_labelled
        if faults < min_findings:
            below.append(f"faults agreement {faults:.2f} < {min_findings}")
    if below or summary.crashes:
        reasons = "; ".join(below or ["a clip crashed"])
        err_console.print(f"below threshold: {reasons}", highlight=False)
        raise typer.Exit(code=1)
