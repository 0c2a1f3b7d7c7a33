"""The files of one screening, written in the order that never loses a result.

1. **The result** (:func:`write_result_files`): ``result.json`` (and the ``--json`` copy) and
   ``reps.csv``. A failure here is an error: the caller reports it and exits non-zero.
2. The caller then stores the screening (``--person``, a web job) if asked.
3. **Optional outputs** (:func:`write_optional_outputs`): keypoint CSVs, annotated videos,
   keyframe PNGs. Each that fails becomes a warning sentence; the others are still written.
4. **Warnings recorded** (:func:`record_warnings`): the warnings are appended to the result's
   ``warnings`` list and the JSON files rewritten atomically. A copy stored in step 2 keeps the
   warnings known then (about the screening itself, e.g. decoding stopped early), not those of
   files written afterwards.

:func:`save_screening` runs the four steps; the CLI and batch call it, the web job calls
:func:`write_keyframes` after storing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from glutefire.errors import InputFileError
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.result import rep_table_csv, write_json_atomic
from glutefire.screening.pipeline import ClipScreen

RESULT_FILE = "result.json"
REPS_FILE = "reps.csv"


@dataclass
class OutputReport:
    """Files written, and one warning sentence per optional output that failed."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def attempt(self, what: str, write: Callable[[], Path]) -> None:
        """Run one optional ``write``; a failure of any kind becomes a warning about ``what``
        (an optional output must never lose the result already written)."""
        try:
            self.written.append(write())
        except Exception as exc:  # optional output: any failure is reported, not raised
            self.warnings.append(f"{what} could not be written ({type(exc).__name__}: {exc})")


def write_result_files(screens: list[ClipScreen], result: dict[str, Any], *,
                       out: Path | None, json_path: Path | None) -> list[Path]:
    """Step 1: the result JSON (into ``out`` and/or ``json_path``) and ``reps.csv`` (into
    ``out``). Raise :class:`InputFileError` when they cannot be written."""
    written = []
    try:
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            rep_table_csv(screens, out / REPS_FILE)
            written.append(out / REPS_FILE)
        for path in _json_paths(out, json_path):
            write_json_atomic(result, path)
            written.append(path)
    except OSError as exc:
        raise InputFileError(f"could not write the results: {exc}") from None
    return written


def write_optional_outputs(screens: list[ClipScreen], result: dict[str, Any], out: Path, *,
                           video: bool) -> OutputReport:
    """Step 3: clip keypoint CSVs, annotated videos (``video``) and keyframes into ``out``;
    never raises."""
    from glutefire.reports.annotate import render_video

    report = OutputReport()
    for i, s in enumerate(screens):
        kp = out / f"clip{i}_keypoints.csv"
        report.attempt(f"the keypoint CSV of clip {i}", partial(_keypoints, s, kp))
        if video and s.video is not None:
            report.attempt(f"the annotated video of clip {i}", partial(
                render_video, s, result["findings_by_clip"][i], out / f"clip{i}_annotated.mp4"))
    keyframes = write_keyframes(screens, result, out, name="keyframe_{code}.png")
    report.written += keyframes.written
    report.warnings += keyframes.warnings
    return report


def write_keyframes(screens: list[ClipScreen], result: dict[str, Any], folder: Path, *,
                    name: str = "{code}.png") -> OutputReport:
    """One annotated PNG per present finding, ``folder / name.format(code=...)``; never raises."""
    from glutefire.reports.annotate import write_keyframe

    report = OutputReport()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        report.warnings.append(f"the keyframes could not be written ({exc})")
        return report
    for f in result.get("findings", []):
        if f.get("status") == "present" and f.get("evidence_frame") is not None:
            path = folder / name.format(code=f["code"])
            report.attempt(f"the keyframe of {f['code']}",
                           partial(write_keyframe, screens[f.get("clip", 0)], f, path))
    return report


def record_warnings(result: dict[str, Any], warnings: list[str], *, out: Path | None,
                    json_path: Path | None) -> None:
    """Step 4: append ``warnings`` to the result and rewrite its JSON files (atomically)."""
    if not warnings:
        return
    result["warnings"] = [*result.get("warnings", []), *warnings]
    for path in _json_paths(out, json_path):
        try:
            write_json_atomic(result, path)
        except OSError:  # the first version is in place; the warnings are printed anyway
            continue


def save_screening(screens: list[ClipScreen], result: dict[str, Any], *, out: Path | None,
                   json_path: Path | None = None, video: bool = True,
                   store: Callable[[], None] | None = None) -> OutputReport:
    """Steps 1-4: the result first, then ``store()`` (if given), then the optional outputs
    (into ``out``), then their warnings into the result. Returns the files and the warnings of
    the optional outputs (the caller shows them)."""
    written = write_result_files(screens, result, out=out, json_path=json_path)
    if store is not None:
        store()
    report = (write_optional_outputs(screens, result, out, video=video) if out is not None
              else OutputReport())
    report.written = written + report.written
    record_warnings(result, report.warnings, out=out, json_path=json_path)
    return report


def _json_paths(out: Path | None, json_path: Path | None) -> list[Path]:
    return [p for p in (out / RESULT_FILE if out is not None else None, json_path)
            if p is not None]


def _keypoints(screen: ClipScreen, path: Path) -> Path:
    write_landmark_csv(screen.analysis.keypoints, path)
    return path
