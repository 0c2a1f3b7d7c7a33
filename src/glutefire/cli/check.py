"""``glutefire check EXERCISE CLIP``: reps or hold time and form checks of a corrective exercise
filmed on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from glutefire.cli.common import (
    JsonOption,
    ModelOption,
    console,
    err_console,
    out_folder_option,
    user_errors,
    view_option,
)
from glutefire.cli.screen import show_warnings
from glutefire.errors import InputFileError
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.exercises.many import ClipOutcome
from glutefire.exercises.spec import exercise_ids, load_exercise_checks
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.result import Status
from glutefire.screening.pipeline import ClipInput

CheckViewName = Literal["side", "front", "oblique"]
_STATUS_STYLE = {Status.PRESENT: "bold red", Status.ABSENT: "green", Status.NOT_ASSESSABLE: "dim"}


def register(app: typer.Typer) -> None:
    """Add the ``check`` command to ``app``."""
    app.command("check")(check)


def check(
    exercise: Annotated[
        str,
        typer.Argument(
            help="The exercise: " + ", ".join(exercise_ids()) + " (docs/exercise-checks.md)."
        ),
    ],
    clips: Annotated[
        list[Path],
        typer.Argument(
            help="The clip (a video or a keypoint CSV); several clips or folders of clips with "
            "--out."
        ),
    ],
    view: Annotated[str | None, view_option(" (side, front, oblique).")] = None,
    json_path: JsonOption = None,
    out: Annotated[
        Path | None,
        out_folder_option("Check many clips: one JSON per clip and summary.csv in this folder."),
    ] = None,
    keypoints: Annotated[
        Path | None,
        typer.Option(
            help="Also write the clip's keypoints as a CSV here (rerun without the model).",
            dir_okay=False,
        ),
    ] = None,
    model: ModelOption = DEFAULT_POSE_MODEL,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Count reps or time the hold of a corrective exercise and check its form."""
    from glutefire.exercises.check import check_exercise
    from glutefire.exercises.spec import get_exercise
    from glutefire.io.keypoint_files import write_landmark_csv

    with user_errors():
        get_exercise(exercise)
        if view is not None and view not in ("side", "front", "oblique"):
            raise InputFileError(f"expected --view side, front or oblique, but got {view!r}")
        paths = expand_clips(clips)
        if out is not None:
            _check_many(exercise, paths, out, view=view, model=model, quiet=quiet)
            return
        if len(paths) != 1:
            raise InputFileError(
                f"expected one clip, or --out DIR to check several, but got {len(paths)}"
            )
        clip = paths[0]
        checked = check_exercise(
            exercise,
            ClipInput(clip),
            view=view,
            model=model,
            json_paths=[json_path] if json_path is not None else [],
        )
        if keypoints is not None:
            try:
                write_landmark_csv(checked.estimated.keypoints, keypoints)
            except OSError as exc:
                raise InputFileError(f"could not write {keypoints}: {exc}") from None
        show_warnings(checked.result.warnings)
        if not quiet:
            print_check(checked.result)


def counted_text(result: ExerciseCheckResult) -> str:
    """One line: the reps (with their event times) or the holds found."""
    parts = []
    if result.summary.counts == "reps" or result.reps:
        complete = [r for r in result.reps if r.complete]
        times = ", ".join(f"{r.peak_s:.1f}" for r in complete)
        partial = len(result.reps) - len(complete)
        parts.append(
            f"{len(complete)} complete rep(s)"
            + (f" (peaks at {times} s)" if times else "")
            + (f", {partial} partial" if partial else "")
        )
    for hold in result.holds:
        open_ = " (held when the clip ends)" if hold.open_end else ""
        parts.append(
            f"hold {hold.duration_s:.1f} s from {hold.start_s:.1f} to {hold.end_s:.1f} s{open_}"
        )
    if result.summary.counts == "hold" and not result.holds:
        parts.append("no hold found")
    return "; ".join(parts)


def print_check(result: ExerciseCheckResult) -> None:
    """The terminal summary: what was counted, the camera, each check with its cue."""
    cam = result.camera
    console.print(
        f"[bold]{escape(result.exercise_title)}[/]: {escape(counted_text(result))}", highlight=False
    )
    console.print(
        f"camera: {cam.view} view ({'fits' if cam.fits else 'does not fit'})", highlight=False
    )
    table = Table("check", "status", "value", "present when", "view", "cue / reason")
    for c in result.checks:
        value = "-" if c.value is None else f"{c.value:.1f}"
        rule = (
            "-"
            if c.threshold is None
            else f"{'>' if c.direction == 'above' else '<'} {c.threshold:g} {c.unit}"
        )
        note = (
            c.reason
            if c.status is Status.NOT_ASSESSABLE
            else c.cue
            if c.status is Status.PRESENT
            else ""
        )
        style = _STATUS_STYLE[c.status]
        table.add_row(
            escape(c.title),
            f"[{style}]{c.status.value.replace('_', ' ')}[/]",
            value,
            escape(rule),
            "/".join(c.views),
            escape(note),
        )
    wide = console if console.is_terminal else Console(width=160)  # files: no wrapping
    wide.print(table)


def list_exercises() -> str:
    """The checkable exercises and what each counts, one per line."""
    return "\n".join(f"{e.id}: {e.title} ({e.counts})" for e in load_exercise_checks())


__all__ = ["check", "err_console", "register"]


def expand_clips(paths: list[Path]) -> list[Path]:
    """The clips named, folders replaced by their videos and keypoint CSVs (sorted); a missing
    path or an empty folder is an :class:`InputFileError`."""
    from glutefire.batch.manifest import VIDEO_SUFFIXES

    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix.lower() in (*VIDEO_SUFFIXES, ".csv")
            )
            if not found:
                raise InputFileError(f"{path}: expected videos or keypoint CSVs, but found none")
            out += found
        elif path.is_file():
            out.append(path)
        else:
            raise InputFileError(f"{path}: no such file")
    return out


def _check_many(
    exercise: str, paths: list[Path], out: Path, *, view: str | None, model: PoseModel, quiet: bool
) -> None:
    from glutefire.exercises.many import check_many

    def show(outcome: ClipOutcome) -> None:
        if outcome.result is None:
            err_console.print(
                f"[bold red]failed:[/] {escape(str(outcome.path))}: {escape(outcome.error)}",
                highlight=False,
                soft_wrap=True,
            )
        elif not quiet:
            console.print(
                f"{escape(outcome.path.name)}: {escape(counted_text(outcome.result))}",
                highlight=False,
            )

    outcomes = check_many(exercise, paths, out, view=view, model=model, on_clip=show)
    failed = sum(o.result is None for o in outcomes)
    if not quiet:
        console.print(
            f"checked {len(outcomes) - failed} of {len(outcomes)} clip(s); summary in "
            f"{escape(str(out / 'summary.csv'))}",
            highlight=False,
        )
    if failed:
        raise typer.Exit(code=1)
