"""``glutefire screen``: squat clips in, findings out (JSON, per-rep CSV, annotated video,
keyframes, terminal summary)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from glutefire.cli.common import DbOption, StoreAsOption, console, database, user_errors
from glutefire.errors import InputFileError
from glutefire.io.keypoint_files import is_keypoint_file
from glutefire.io.video import probe_video
from glutefire.kinematics.view import View
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.pose.mediapipe_backend import model_info, open_pose_models, quiet_native_stderr
from glutefire.pose.subject import SubjectPolicy
from glutefire.reports.outputs import write_outputs
from glutefire.reports.result import build_result, write_json_atomic
from glutefire.reports.terminal import print_summary
from glutefire.screening.pipeline import ClipInput, ClipScreen, screen_clip


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app``."""
    app.command("screen")(screen)


def _clip_inputs(clips: list[Path], heels: list[Path], views: list[View]) -> list[ClipInput]:
    paths = clips + heels
    if not paths:
        raise InputFileError("expected at least one clip (a video or a keypoint CSV)")
    if len(views) not in (0, 1, len(paths)):
        raise InputFileError(
            f"expected --view once (for every clip) or once per clip ({len(paths)}), "
            f"but got it {len(views)} times"
        )
    forced: Sequence[View | None] = (views * len(paths) if len(views) == 1
                                     else views or [None] * len(paths))
    return [ClipInput(path=p, view=v, heels_elevated=i >= len(clips))
            for i, (p, v) in enumerate(zip(paths, forced, strict=True))]


def _advance(progress: Progress, task: TaskID) -> Callable[[int], None]:
    """Frame callback: frame ``i`` done moves ``task`` to ``i + 1`` completed."""
    return lambda i: progress.update(task, completed=i + 1)


def _run(inputs: list[ClipInput], *, model: PoseModel, subject: SubjectPolicy,
         quiet: bool, preview_dir: Path | None) -> list[ClipScreen]:
    """Screen each clip with a progress bar; with ``preview_dir``, keep downscaled copies there
    for the annotated videos. The pose model is loaded once for all clips."""
    screens: list[ClipScreen] = []
    needs_model = any(not is_keypoint_file(clip.path) for clip in inputs)
    with contextlib.ExitStack() as stack:
        models = None
        if needs_model:
            stack.enter_context(quiet_native_stderr())
            models = open_pose_models(model)
            stack.callback(models.close)
        progress = stack.enter_context(Progress(
            TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.completed}/{task.total} frames"), TimeRemainingColumn(),
            console=console, disable=quiet, transient=True))
        for clip in inputs:
            total = probe_video(clip.path).n_frames if clip.path.suffix.lower() != ".csv" else 1
            task = progress.add_task(f"pose {clip.path.name}", total=total)
            preview = None if preview_dir is None else preview_dir / f"clip{len(screens)}.avi"
            screens.append(screen_clip(
                clip, model=model, pose_models=models, subject_policy=subject, preview=preview,
                on_frame=_advance(progress, task)))
            progress.update(task, completed=total)
    return screens


def screen(
    clips: Annotated[list[Path] | None, typer.Argument(
        help="Squat clips of one session (video, or a keypoint CSV from --out).")] = None,
    heels_elevated: Annotated[list[Path] | None, typer.Option(
        "--heels-elevated",
        help="A clip filmed with the heels raised (retest). Repeatable.")] = None,
    view: Annotated[list[View] | None, typer.Option(
        help="Force the camera view instead of detecting it: once for all clips, or once per "
             "clip (clips first, then --heels-elevated clips).")] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", help="Write the JSON result here.", dir_okay=False)] = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder for result.json, reps.csv, keypoint CSVs, annotated videos, keyframes.",
        file_okay=False)] = None,
    video: Annotated[bool, typer.Option(help="Render the annotated video into --out.")] = True,
    subject: Annotated[SubjectPolicy, typer.Option(
        help="Who to analyse when several people are in view.")] = SubjectPolicy.AUTO,
    model: Annotated[PoseModel, typer.Option(
        help="BlazePose model: lite (fastest), full, heavy (most accurate); all bundled, "
             "offline.")] = DEFAULT_POSE_MODEL,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    person: StoreAsOption = None,
    db: DbOption = None,
) -> None:
    """Screen overhead-squat clips for movement compensations, rep by rep."""
    with user_errors(), tempfile.TemporaryDirectory(prefix="glutefire-") as scratch:
        model_entry = model_info(model)  # checks the bundle before any work
        inputs = _clip_inputs(clips or [], heels_elevated or [], view or [])
        previews = Path(scratch) if out is not None and video else None
        screens = _run(inputs, model=model, subject=subject, quiet=quiet, preview_dir=previews)
        result = build_result(screens, model=model_entry)
        try:
            if out is not None:
                write_outputs(screens, result, out, video)
                write_json_atomic(result, out / "result.json")
            if json_path is not None:
                write_json_atomic(result, json_path)
        except OSError as exc:
            raise InputFileError(f"could not write the results: {exc}") from None
        if person is not None:
            store_screening(person, result, db)
        if not quiet:
            print_summary(result, console)
            if out is not None:
                console.print(f"outputs in [bold]{out}[/]")
            if person is not None:
                console.print(f"stored for [bold]{person}[/]")


def store_screening(person: str, result: dict[str, Any], db: str | None) -> None:
    """Save one screening for ``person`` in one transaction."""
    from glutefire.store.repository import record_screening, unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        record_screening(uow, person, result)

