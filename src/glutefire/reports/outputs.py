"""The files of one screening in an output folder, as writers for
:func:`glutefire.screening.session.screen_session`, which runs them in the order that never
loses a result: ``result.json`` (written by the session), then :func:`reps_table` (a result file:
a failure is an error), then the store, then the optional outputs of :func:`folder_outputs` or
:func:`keyframe_outputs` (keypoint CSVs, annotated videos, keyframes: each file that fails is a
warning in the result's ``warnings``; the others are still written)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.result import rep_table_csv
from glutefire.result import RepRecord, ScreeningResult, Status
from glutefire.screening.pipeline import ClipScreen
from glutefire.screening.session import OutputReport, OutputWriter, ResultFileWriter

RESULT_FILE = "result.json"
REPS_FILE = "reps.csv"


def write_reps_table(screens: list[ClipScreen], out: Path) -> Path:
    """``out/reps.csv``: every clip's per-rep table (raises ``OSError`` when it cannot)."""
    out.mkdir(parents=True, exist_ok=True)
    rep_table_csv(screens, out / REPS_FILE)
    return out / REPS_FILE


def write_optional_outputs(
    screens: list[ClipScreen], result: ScreeningResult, out: Path, *, video: bool
) -> OutputReport:
    """Clip keypoint CSVs, annotated videos (``video``) and keyframes into ``out``; never
    raises: each file that fails is a warning in the report."""
    from glutefire.reports.annotate import render_video

    report = OutputReport()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        report.warnings.append(f"the optional outputs could not be written ({exc})")
        return report
    for i, s in enumerate(screens):
        kp = out / f"clip{i}_keypoints.csv"
        report.attempt(f"the keypoint CSV of clip {i}", partial(_keypoints, s, kp))
        if video and s.video is not None:
            report.attempt(
                f"the annotated video of clip {i}",
                partial(
                    render_video, s, result.findings_by_clip[i], out / f"clip{i}_annotated.mp4"
                ),
            )
    report.add(write_keyframes(screens, result, out, name="keyframe_{code}.png"))
    return report


def write_keyframes(
    screens: list[ClipScreen],
    result: ScreeningResult,
    folder: Path,
    *,
    name: str = "{code}.png",
    deepest_if_none: bool = False,
) -> OutputReport:
    """One annotated PNG per present finding, ``folder / name.format(code=...)``; with
    ``deepest_if_none``, when no pattern is present, one of the deepest rep's bottom frame (code
    :data:`DEEPEST_KEYFRAME`, so a results page always has a picture). Never raises (web jobs
    and live mode store the screening before)."""
    from glutefire.reports.annotate import write_keyframe

    report = OutputReport()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        report.warnings.append(f"the keyframes could not be written ({exc})")
        return report
    present = [f for f in result.findings if f.status is Status.PRESENT]
    for f in present:
        if f.evidence_frame is not None:
            path = folder / name.format(code=f.code.value)
            report.attempt(
                f"the keyframe of {f.code.value}", partial(write_keyframe, screens[f.clip], f, path)
            )
    rep = deepest_rep(result.reps)
    if deepest_if_none and not present and rep is not None:
        path = folder / name.format(code=DEEPEST_KEYFRAME)
        report.attempt(
            "the keyframe of the deepest rep", partial(_write_deepest, screens[rep.clip], rep, path)
        )
    return report


#: Saves keyframes (finding code -> JPEG bytes) with the screening just stored.
KeyframeSaver = Callable[[Mapping[str, bytes]], None]


def stored_keyframes(save: KeyframeSaver) -> OutputWriter:
    """Every assessed finding's keyframe as a small JPEG, handed to ``save`` (the database row of
    the stored screening), as an output writer: a keyframe that cannot be drawn, or a failed
    save, is a warning; the stored screening stays."""
    return lambda screens, result: _store_keyframes(screens, result, save)


def _store_keyframes(
    screens: list[ClipScreen], result: ScreeningResult, save: KeyframeSaver
) -> OutputReport:
    from glutefire.reports.annotate import keyframe_jpeg

    report = OutputReport()
    images: dict[str, bytes] = {}
    for f in result.findings:
        if f.status is Status.NOT_ASSESSABLE or f.evidence_frame is None:
            continue
        try:
            images[f.code.value] = keyframe_jpeg(screens[f.clip], f)
        except Exception as exc:  # optional output (decoding, drawing): reported, not raised
            report.warnings.append(
                f"the stored keyframe of {f.code.value} could not be drawn "
                f"({type(exc).__name__}: {exc})"
            )
    if images:
        try:
            save(images)
        except Exception as exc:  # the screening is already stored; its keyframes are extra
            report.warnings.append(
                f"the keyframes could not be stored ({type(exc).__name__}: {exc})"
            )
    return report


#: The keyframe written when no pattern is present: the bottom of the deepest rep.
DEEPEST_KEYFRAME = "deepest"
#: Per-rep depth measures, most trusted first, and whether a smaller value is deeper.
_DEPTH_MEASURES = (("hip_height_rel", True), ("thigh_above_horizontal_deg", True))


def deepest_rep(reps: list[RepRecord]) -> RepRecord | None:
    """The rep that went deepest: the lowest hip height (standing = 1), else the thigh nearest
    horizontal; the first complete rep when neither was measured; None without reps."""
    for metric, smaller_is_deeper in _DEPTH_MEASURES:
        measured = [r for r in reps if isinstance(r.metrics.get(metric), (int, float))]
        if measured:
            sign = 1.0 if smaller_is_deeper else -1.0
            return min(measured, key=lambda r: sign * float(r.metrics[metric] or 0.0))
    complete = [r for r in reps if r.complete] or list(reps)
    return complete[0] if complete else None


def _write_deepest(screen: ClipScreen, rep: RepRecord, path: Path) -> Path:
    from glutefire.reports.annotate import write_frame_image

    title = f"Deepest point (rep {rep.index}, {rep.bottom_s:.1f} s): no pattern present"
    return write_frame_image(screen, rep.bottom_frame, path, title=title)


def reps_table(out: Path) -> ResultFileWriter:
    """``reps.csv`` in the ``--out`` folder, as a result file for ``screen_session``."""
    return lambda screens, result: write_reps_table(screens, out)


def folder_outputs(out: Path, *, video: bool) -> OutputWriter:
    """The ``--out`` folder's optional files as an output writer for ``screen_session``."""
    return lambda screens, result: write_optional_outputs(screens, result, out, video=video)


def keyframe_outputs(folder: Path) -> OutputWriter:
    """Keyframes only (the web app's results page: the deepest rep's frame when no pattern is
    present), as an output writer."""
    return lambda screens, result: write_keyframes(screens, result, folder, deepest_if_none=True)


#: Annotated video of clip ``i`` in a web screening's folder (next to its keyframes).
WEB_VIDEO_NAME = "clip{index}.mp4"


def write_web_outputs(
    screens: list[ClipScreen], result: ScreeningResult, folder: Path
) -> OutputReport:
    """Keyframes (the deepest rep's frame when no pattern is present) and one annotated H.264
    video per video clip (``clip{i}.mp4``) into ``folder``, for the web app's results page;
    never raises."""
    from glutefire.reports.annotate import render_video

    report = write_keyframes(screens, result, folder, deepest_if_none=True)
    for i, s in enumerate(screens):
        if s.video is not None:
            path = folder / WEB_VIDEO_NAME.format(index=i)
            report.attempt(
                f"the annotated video of clip {i}",
                partial(render_video, s, result.findings_by_clip[i], path),
            )
    return report


def web_outputs(folder: Path) -> OutputWriter:
    """Keyframes and annotated videos (the web app's results page), as an output writer."""
    return lambda screens, result: write_web_outputs(screens, result, folder)


def _keypoints(screen: ClipScreen, path: Path) -> Path:
    write_landmark_csv(screen.analysis.keypoints, path)
    return path
