"""Screen a session: the one entry point that ``glutefire screen``, batch tasks, web uploads and
live mode's save all call.

:func:`screen_session` screens each clip with :func:`~glutefire.screening.pipeline.screen_clip`
(pose models from :func:`~glutefire.screening.pipeline.make_pose_models`, or the caller's own
through the :class:`~glutefire.pose.backend.PoseBackend` protocol), assembles the one typed
:class:`~glutefire.result.ScreeningResult` and saves it (:func:`save_session`) in the order that
never loses it:

1. **The result**: its JSON (each path atomically), then the result files such as ``reps.csv``.
   A failure here is an error (:class:`~glutefire.errors.InputFileError`).
2. **Stored**, when the caller gives a ``store`` (``--person``, a web job, live mode's save).
3. **Optional outputs** (keypoint CSVs, annotated videos, keyframes). Each file that fails
   becomes a warning sentence; the other files and writers still run.
4. **Warnings recorded**: those warnings are appended to the result's
   :attr:`~glutefire.result.ScreeningResult.warnings` (which already holds the clips' decoding
   warnings) and the JSON files are rewritten atomically. A copy stored in step 2 keeps the
   warnings known then (about the screening itself), not those of files written afterwards.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from glutefire.errors import GlutefireError
from glutefire.io.video import VideoInfo, probe_video
from glutefire.models import DEFAULT_POSE_MODEL, PoseModel
from glutefire.pose.subject import SubjectPolicy
from glutefire.result import ModelInfo, ScreeningResult
from glutefire.screening.assemble import build_result
from glutefire.screening.pipeline import (
    ClipInput,
    ClipScreen,
    PoseModels,
    check_pose_model,
    make_pose_models,
    pose_model_info,
    screen_clip,
)

#: Progress: ``(clip_index, frames_done, frames_total)`` after each decoded frame of a video
#: clip, and once with ``frames_done == frames_total`` when a clip is finished (keypoint clips
#: count as one frame).
SessionProgressFn = Callable[[int, int, int], None]


@dataclass
class OutputReport:
    """Files an output writer wrote, and one warning sentence per file it could not write."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def attempt(self, what: str, write: Callable[[], Path]) -> None:
        """Run one optional ``write``; a failure of any kind becomes a warning about ``what``
        (an optional output must never lose the result already written)."""
        try:
            self.written.append(write())
        except Exception as exc:  # optional output (codec, disk, drawing): reported, not raised
            self.warnings.append(f"{what} could not be written ({type(exc).__name__}: {exc})")

    def add(self, other: OutputReport) -> None:
        """Take over ``other``'s files and warnings."""
        self.written += other.written
        self.warnings += other.warnings


#: A file that belongs to the result (e.g. ``reps.csv``): written right after the JSON, returns
#: its path; an ``OSError`` is an error of the whole screening.
ResultFileWriter = Callable[[list[ClipScreen], ScreeningResult], Path]
#: An optional output: gets the screened clips and the result (already written and stored) and
#: reports the files it wrote and the ones it could not (it should not raise; if it does, the
#: failure becomes one warning).
OutputWriter = Callable[[list[ClipScreen], ScreeningResult], OutputReport]
#: Stores the result (a database row); called after the result files, before optional outputs.
StoreFn = Callable[[ScreeningResult], None]


@dataclass(frozen=True)
class SessionOptions:
    """How to screen: the pose model (BlazePose lite, full or heavy), who to analyse, and
    whether to keep downscaled copies of the videos for annotated-video writers (``previews``)."""

    model: PoseModel = DEFAULT_POSE_MODEL
    subject_policy: SubjectPolicy = SubjectPolicy.AUTO
    previews: bool = False


@dataclass
class ScreenedSession:
    """The result (its ``warnings`` include those of the optional outputs), the per-clip
    analyses it came from, and the files written."""

    result: ScreeningResult
    screens: list[ClipScreen]
    written: list[Path] = field(default_factory=list)


def clip_frames(clip: ClipInput) -> tuple[VideoInfo | None, int]:
    """A video clip's probe and frame count; ``(None, 1)`` for keypoint input."""
    from glutefire.io.keypoint_files import is_keypoint_file

    if clip.keypoints is not None or is_keypoint_file(clip.path):
        return None, 1
    video = probe_video(clip.path)
    return video, video.n_frames


def screen_session(
    clips: Sequence[ClipInput],
    *,
    options: SessionOptions | None = None,
    pose_models: PoseModels | None = None,
    model: ModelInfo | None = None,
    on_progress: SessionProgressFn | None = None,
    json_paths: Sequence[Path] = (),
    result_files: Sequence[ResultFileWriter] = (),
    store: StoreFn | None = None,
    outputs: Sequence[OutputWriter] = (),
    named_as: Sequence[ClipInput] | None = None,
) -> ScreenedSession:
    """Screen ``clips`` (one person, one session) into one result and save it (steps 1-4 of the
    module docstring, see :func:`save_session`).

    ``pose_models``: a tracker and detector to reuse (a long-lived worker's or a test's); by
    default :func:`~glutefire.screening.pipeline.make_pose_models` makes them once for all the
    session's videos and closes them at the end. ``model``: the result's ``model`` entry for
    those models (default: that of ``options.model``). ``named_as``: the clips as the result
    should name them (a batch worker reads copies but reports the manifest's paths).
    """
    options = options or SessionOptions()
    if not clips:
        raise GlutefireError("expected at least one clip (a video or a keypoint CSV)")
    with contextlib.ExitStack() as stack:
        if pose_models is None and any(clip_frames_needed(c) for c in clips):
            check_pose_model(options.model)
            pose_models = make_pose_models(options.model)  # loaded once for all clips
            stack.callback(pose_models.close)
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="glutefire-previews-"))
        screens = [
            _screen_one(
                i,
                clip,
                options,
                pose_models,
                on_progress,
                Path(scratch) / f"clip{i}.mkv" if options.previews else None,
            )
            for i, clip in enumerate(clips)
        ]
        if named_as is not None:
            screens = [
                replace(s, clip=replace(n, keypoints=None))
                for s, n in zip(screens, named_as, strict=True)
            ]
        result = build_result(screens, model=model or pose_model_info(options.model))
        return save_session(
            ScreenedSession(result, screens),
            json_paths=json_paths,
            result_files=result_files,
            store=store,
            outputs=outputs,
        )


def save_session(
    session: ScreenedSession,
    *,
    json_paths: Sequence[Path] = (),
    result_files: Sequence[ResultFileWriter] = (),
    store: StoreFn | None = None,
    outputs: Sequence[OutputWriter] = (),
) -> ScreenedSession:
    """Save a screened session: the JSON and ``result_files`` first (a failure raises
    :class:`~glutefire.errors.InputFileError`), then ``store``, then ``outputs`` (their failures
    become warnings), then those warnings into the result and its JSON files. Returns
    ``session`` with the final result."""
    from glutefire.errors import InputFileError

    for path in json_paths:
        write_result_json(session.result, path)
        session.written.append(Path(path))
    for write in result_files:
        try:
            session.written.append(write(session.screens, session.result))
        except OSError as exc:
            raise InputFileError(f"could not write the result files: {exc}") from None
    if store is not None:
        store(session.result)
    report = OutputReport()
    for writer in outputs:
        _run_writer(writer, session, report)
    session.written += report.written
    if report.warnings:
        _record_warnings(session, report.warnings, json_paths)
    return session


def clip_frames_needed(clip: ClipInput) -> bool:
    """True when the clip is a video (needs the pose model)."""
    from glutefire.io.keypoint_files import is_keypoint_file

    return clip.keypoints is None and not is_keypoint_file(clip.path)


def _screen_one(
    index: int,
    clip: ClipInput,
    options: SessionOptions,
    pose_models: PoseModels | None,
    on_progress: SessionProgressFn | None,
    preview: Path | None,
) -> ClipScreen:
    video, total = clip_frames(clip)

    def on_frame(frame: int) -> None:
        if on_progress is not None:
            on_progress(index, frame + 1, total)

    screen = screen_clip(
        clip,
        model=options.model,
        subject_policy=options.subject_policy,
        on_frame=on_frame,
        pose_models=pose_models if video is not None else None,
        video=video,
        preview=preview if video is not None else None,
    )
    if on_progress is not None:
        on_progress(index, total, total)
    return screen


def _run_writer(writer: OutputWriter, session: ScreenedSession, report: OutputReport) -> None:
    try:
        report.add(writer(session.screens, session.result))
    except Exception as exc:  # an optional output (video codec, disk) must never lose the result
        report.warnings.append(f"could not write an optional output ({type(exc).__name__}: {exc})")


def _record_warnings(
    session: ScreenedSession, warnings: list[str], json_paths: Sequence[Path]
) -> None:
    """Step 4: append ``warnings`` to the result and rewrite its JSON files."""
    from glutefire.errors import InputFileError

    session.result = session.result.model_copy(
        update={"warnings": [*session.result.warnings, *warnings]}
    )
    for path in json_paths:
        try:
            write_result_json(session.result, path)
        except InputFileError:  # the first version is in place; the caller shows the warnings
            continue


class JsonDocument(Protocol):
    """A result that writes itself as JSON text (a screening or an exercise-check result)."""

    def to_json(self) -> str: ...


def write_result_json(result: JsonDocument, path: str | Path) -> None:
    """Write the result as JSON to ``path`` via a temporary file and rename, so a crash never
    leaves half a file; raise :class:`~glutefire.errors.InputFileError` when it cannot."""
    from glutefire.errors import InputFileError

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputFileError(f"could not write the result to {path}: {exc}") from None
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w") as fh:
            fh.write(result.to_json())
            fh.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputFileError(f"could not write the result to {path}: {exc}") from None
