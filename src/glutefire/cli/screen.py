"""``glutefire screen``: squat clips in, findings out (JSON, per-rep CSV, annotated video,
keyframes, terminal summary)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from glutefire.cli.common import (
    DbOption,
    JsonOption,
    ModelOption,
    NewPersonOption,
    StoreAsOption,
    console,
    database,
    err_console,
    out_folder_option,
    require_person,
    user_errors,
    view_option,
)
from glutefire.errors import InputFileError
from glutefire.kinematics.view import View
from glutefire.models import DEFAULT_POSE_MODEL
from glutefire.pose.subject import SubjectPolicy
from glutefire.reports.outputs import RESULT_FILE, folder_outputs, reps_table, stored_keyframes
from glutefire.reports.terminal import print_summary
from glutefire.result import ScreeningResult, result_json_schema
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import (
    OutputWriter,
    ResultFileWriter,
    ScreenedSession,
    SessionOptions,
    StoreFn,
    screen_session,
)


def register(app: typer.Typer) -> None:
    """Add the ``screen`` and ``schema`` commands to ``app``."""
    app.command("screen")(screen)
    app.command("schema")(schema)


def schema(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the schema here instead of printing it.", dir_okay=False),
    ] = None,
) -> None:
    """Print the JSON Schema of the screening result (docs/result.schema.json)."""
    text = json.dumps(result_json_schema(), indent=2) + "\n"
    with user_errors():
        if out is None:
            typer.echo(text, nl=False)
            return
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputFileError(f"could not write the schema to {out}: {exc}") from None


def _clip_inputs(clips: list[Path], heels: list[Path], views: list[View]) -> list[ClipInput]:
    paths = clips + heels
    if not paths:
        raise InputFileError("expected at least one clip (a video or a keypoint CSV)")
    if len(views) not in (0, 1, len(paths)):
        raise InputFileError(
            f"expected --view once (for every clip) or once per clip ({len(paths)}), "
            f"but got it {len(views)} times"
        )
    forced: Sequence[View | None] = (
        views * len(paths) if len(views) == 1 else views or [None] * len(paths)
    )
    return [
        ClipInput(path=p, view=v, heels_elevated=i >= len(clips))
        for i, (p, v) in enumerate(zip(paths, forced, strict=True))
    ]


class _Bars:
    """One progress bar per clip, made when the clip's first progress arrives."""

    def __init__(self, progress: Progress, inputs: list[ClipInput]) -> None:
        self.progress = progress
        self.inputs = inputs
        self.tasks: dict[int, TaskID] = {}

    def __call__(self, clip: int, done: int, total: int) -> None:
        if clip not in self.tasks:
            self.tasks[clip] = self.progress.add_task(
                f"pose {escape(self.inputs[clip].path.name)}", total=total
            )
        self.progress.update(self.tasks[clip], completed=done)


def _run(
    inputs: list[ClipInput],
    *,
    options: SessionOptions,
    quiet: bool,
    json_paths: list[Path],
    result_files: list[ResultFileWriter],
    store: StoreFn | None,
    outputs: list[OutputWriter],
) -> ScreenedSession:
    """Screen and save the session with a progress bar per clip."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} frames"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        return screen_session(
            inputs,
            options=options,
            on_progress=_Bars(progress, inputs),
            json_paths=json_paths,
            result_files=result_files,
            store=store,
            outputs=outputs,
        )


def screen(
    clips: Annotated[
        list[Path] | None,
        typer.Argument(help="Squat clips of one session (video, or a keypoint CSV from --out)."),
    ] = None,
    heels_elevated: Annotated[
        list[Path] | None,
        typer.Option(
            "--heels-elevated", help="A clip filmed with the heels raised (retest). Repeatable."
        ),
    ] = None,
    view: Annotated[
        list[View] | None,
        view_option(
            ": once for all clips, or once per clip (clips first, then --heels-elevated clips)."
        ),
    ] = None,
    json_path: JsonOption = None,
    out: Annotated[
        Path | None,
        out_folder_option(
            "Folder for result.json, reps.csv, keypoint CSVs, annotated videos, keyframes."
        ),
    ] = None,
    video: Annotated[bool, typer.Option(help="Render the annotated video into --out.")] = True,
    subject: Annotated[
        SubjectPolicy, typer.Option(help="Who to analyse when several people are in view.")
    ] = SubjectPolicy.AUTO,
    model: ModelOption = DEFAULT_POSE_MODEL,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    person: StoreAsOption = None,
    new_person: NewPersonOption = False,
    date: Annotated[
        str | None,
        typer.Option(
            help="When the clips were filmed, for the stored record: YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM in the person's time zone (default now)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Screen overhead-squat clips for movement compensations, rep by rep."""
    with user_errors():
        if person is not None:
            check_person(person, new_person, date, db)
        elif date is not None or new_person:
            raise InputFileError("expected --person NAME with --date or --new-person, but got none")
        inputs = _clip_inputs(clips or [], heels_elevated or [], view or [])
        options = SessionOptions(
            model=model, subject_policy=subject, previews=out is not None and video
        )
        json_paths = [out / RESULT_FILE] if out is not None else []
        if json_path is not None:
            json_paths.append(json_path)
        stored = None if person is None else StoredScreening(person, db=db, date=date)
        # the result first (JSON, reps.csv, database), then optional outputs: never lost
        session = _run(
            inputs,
            options=options,
            quiet=quiet,
            json_paths=json_paths,
            result_files=[reps_table(out)] if out is not None else [],
            store=None if stored is None else stored.store,
            outputs=[
                *([folder_outputs(out, video=video)] if out is not None else []),
                *([stored_keyframes(stored.save_keyframes)] if stored is not None else []),
            ],
        )
        result = session.result
        show_warnings(result.warnings)
        if not quiet:
            print_summary(result, console)
            if out is not None:
                console.print(f"outputs in [bold]{escape(str(out))}[/]")
            if person is not None:
                console.print(f"stored for [bold]{escape(person)}[/]")


def show_warnings(warnings: list[str]) -> None:
    """One ``warning:`` line per warning on stderr (shown even with --quiet)."""
    for warning in warnings:
        err_console.print(
            f"[bold yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True
        )


def check_person(person: str, new_person: bool, date: str | None, db: str | None) -> None:
    """Before the (slow) screening: the person exists (or --new-person) and --date parses."""
    from glutefire.cli.tracking import parse_when
    from glutefire.store.repository import find_person, unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        require_person(uow, person, new_person=new_person)
        who = find_person(uow, person)
        if date is not None:
            parse_when(date, who.time_zone if who else "UTC")


@dataclass
class StoredScreening:
    """Saves one screening for ``person`` (``date`` in their time zone), then its keyframes
    with it, each in its own transaction."""

    person: str
    db: str | None
    date: str | None = None
    screening_id: int | None = None

    def store(self, result: ScreeningResult) -> None:
        from glutefire.cli.tracking import parse_when
        from glutefire.store.repository import (
            get_or_create_person,
            record_screening,
            unit_of_work,
        )

        with database(self.db) as engine, unit_of_work(engine) as uow:
            who = get_or_create_person(uow, self.person)
            when = parse_when(self.date, who.time_zone) if self.date is not None else None
            self.screening_id = record_screening(uow, who.name, result, recorded_at=when).id

    def save_keyframes(self, images: Mapping[str, bytes]) -> None:
        from glutefire.store.repository import save_keyframes, unit_of_work

        assert self.screening_id is not None, "keyframes are saved after the screening"
        with database(self.db) as engine, unit_of_work(engine) as uow:
            save_keyframes(uow, self.screening_id, images)
