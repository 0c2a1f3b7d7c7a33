"""The batch manifest: which clips belong to which person and test.

A CSV with the columns ``person,test,view,clip`` and optionally ``heels_elevated`` and
``exercise``; the rows of one person and test (e.g. a front and a side clip) are screened
together as one assessment. A row whose ``exercise`` names an exercise of ``glutefire check``
(or every row without one, given ``default_exercise``) is an exercise check of that one clip
instead. Relative clip paths are resolved against the manifest's folder. A folder of clips is
accepted too: one assessment per clip, person = file stem, test = ``squat`` (or the exercise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from glutefire.errors import InputFileError
from glutefire.exercises.spec import get_exercise
from glutefire.io.keypoint_files import is_keypoint_file
from glutefire.kinematics.view import View
from glutefire.screening.pipeline import ClipInput

REQUIRED_COLUMNS = ("person", "test", "view", "clip")
OPTIONAL_COLUMNS = ("heels_elevated", "exercise")
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
DEFAULT_TEST = "squat"
#: ``view`` cells meaning "detect the view from the clip".
DETECT_VIEW = ("", "auto", "detect")
#: ``view`` cells an exercise check takes (``back`` is a front view to the exercise checks: the
#: camera looks across the body's front or back).
EXERCISE_VIEWS = {"side": "side", "front": "front", "back": "front", "oblique": "oblique"}
_TRUE = ("1", "true", "yes", "y")
_FALSE = ("", "0", "false", "no", "n")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class Assessment:
    """The clips of one person's test, screened together into one result; or, when
    ``exercise`` names an exercise of ``glutefire check``, its one clip checked (``view``: the
    camera view forced for the check, None to detect it)."""

    person: str
    test: str
    clips: tuple[ClipInput, ...]
    exercise: str | None = None
    view: str | None = None

    @property
    def label(self) -> str:
        return f"{self.person} / {self.test}"

    @property
    def folder(self) -> Path:
        """Where its outputs go, relative to the batch output folder."""
        return Path(safe_name(self.person)) / safe_name(self.test)


def safe_name(text: str) -> str:
    """A file-system-safe folder name for a person or test (no separators, no leading dot)."""
    cleaned = _UNSAFE.sub("_", text.strip()).strip(" .")
    return cleaned or "_"


def read_batch_input(path: Path, *, default_exercise: str | None = None) -> list[Assessment]:
    """Assessments from a manifest CSV or a folder of clips; ``default_exercise`` (an exercise
    of ``glutefire check``) for the clips whose row names none (all clips of a folder)."""
    if not path.exists():
        raise InputFileError(f"{path}: no such manifest file or folder")
    if default_exercise is not None:
        get_exercise(default_exercise)  # an unknown one is one error listing the known ones
    if path.is_dir():
        return read_clip_folder(path, exercise=default_exercise)
    return read_manifest(path, default_exercise=default_exercise)


def read_clip_folder(folder: Path, *, exercise: str | None = None) -> list[Assessment]:
    """One assessment per video or keypoint file in ``folder`` (not recursive), checked as
    ``exercise`` when given, else screened as a squat."""
    clips = sorted(p for p in folder.iterdir() if p.is_file() and _is_clip(p))
    if not clips:
        raise InputFileError(
            f"{folder}: expected video files ({', '.join(VIDEO_SUFFIXES)}) or keypoint CSVs, "
            "but the folder has none"
        )
    test = exercise or DEFAULT_TEST
    assessments = [
        Assessment(p.stem, test, (ClipInput(path=p.resolve()),), exercise=exercise) for p in clips
    ]
    _check_unique_folders(assessments)
    return assessments


def _is_clip(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES or is_keypoint_file(path)


def read_manifest(path: Path, *, default_exercise: str | None = None) -> list[Assessment]:
    """Parse and validate a manifest CSV; every problem found is reported in one message."""
    table = _read_table(path)
    rows = [_parse_row(row, path.parent, line, default_exercise) for line, row in _numbered(table)]
    _check_duplicates(rows)
    _check_files(rows)
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        groups.setdefault((row.person, row.test), []).append(row)
    assessments = [_assessment(group) for group in groups.values()]
    _check_unique_folders(assessments)
    return assessments


def _assessment(rows: list[_Row]) -> Assessment:
    """One person's test: the clips screened together, or one clip of an exercise checked."""
    first = rows[0]
    if first.exercise is None and all(r.exercise is None for r in rows):
        return Assessment(first.person, first.test, tuple(r.clip for r in rows))
    if len(rows) > 1:
        raise InputFileError(
            f"manifest lines {', '.join(str(r.line) for r in rows)}: expected one clip per "
            f"exercise check, but person {first.person!r} has {len(rows)} rows with test "
            f"{first.test!r}; give each clip its own test name"
        )
    clip = first.clip
    view = None if clip.view is None else EXERCISE_VIEWS.get(clip.view.value)
    if clip.heels_elevated:
        raise InputFileError(
            f"manifest line {first.line}: heels_elevated is a squat retest, but the row checks "
            f"the exercise {first.exercise}"
        )
    return Assessment(first.person, first.test, (clip,), exercise=first.exercise, view=view)


@dataclass(frozen=True)
class _Row:
    line: int
    person: str
    test: str
    clip: ClipInput
    exercise: str | None = None


def _read_table(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"{path}: not a readable manifest CSV ({exc})") from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise InputFileError(
            f"{path}: expected the columns {', '.join(REQUIRED_COLUMNS)} (optional: "
            f"{', '.join(OPTIONAL_COLUMNS)}), but {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing; found: {', '.join(table.columns)}"
        )
    if table.empty:
        raise InputFileError(f"{path}: expected at least one clip row, but the manifest is empty")
    return table


def _numbered(table: pd.DataFrame):
    """(line number in the file, row) with line 1 the header."""
    for offset, (_, row) in enumerate(table.iterrows()):
        yield offset + 2, {k: str(v).strip() for k, v in row.items()}


def _parse_exercise(text: str, default: str | None, line: int) -> str | None:
    """The exercise of a row: its ``exercise`` cell, else ``default`` (None: a squat
    screening); ``squat`` names the screening."""
    exercise = text or default
    if exercise is None or exercise == DEFAULT_TEST:
        return None
    try:
        return get_exercise(exercise).id
    except InputFileError as exc:
        raise InputFileError(f"manifest line {line}: {exc}") from None


def _parse_row(row: dict[str, str], base: Path, line: int, default_exercise: str | None) -> _Row:
    for column in ("person", "test", "clip"):
        if not row[column]:
            raise InputFileError(f"manifest line {line}: expected a {column}, but it is empty")
    clip = Path(row["clip"]).expanduser()
    clip = (clip if clip.is_absolute() else base / clip).resolve()
    return _Row(
        line,
        row["person"],
        row["test"],
        ClipInput(
            path=clip,
            view=_parse_view(row["view"], line),
            heels_elevated=_parse_bool(row.get("heels_elevated", ""), line),
        ),
        _parse_exercise(row.get("exercise", ""), default_exercise, line),
    )


def _parse_view(text: str, line: int) -> View | None:
    if text.lower() in DETECT_VIEW:
        return None
    try:
        return View(text.lower())
    except ValueError:
        allowed = ", ".join([v.value for v in View] + ["auto"])
        raise InputFileError(
            f"manifest line {line}: expected view to be one of {allowed}, but got {text!r}"
        ) from None


def _parse_bool(text: str, line: int) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise InputFileError(
        f"manifest line {line}: expected heels_elevated to be yes/no (or 1/0), but got {text!r}"
    )


def _check_duplicates(rows: list[_Row]) -> None:
    seen: dict[tuple[str, str, Path, bool], int] = {}
    for row in rows:
        key = (row.person, row.test, row.clip.path, row.clip.heels_elevated)
        if key in seen:
            raise InputFileError(
                f"manifest line {row.line}: duplicate of line {seen[key]} (person "
                f"{row.person!r}, test {row.test!r}, clip {row.clip.path.name}); expected each "
                "clip once per person and test"
            )
        seen[key] = row.line


def _check_files(rows: list[_Row]) -> None:
    missing = [row for row in rows if not row.clip.path.is_file()]
    if missing:
        shown = "; ".join(f"line {r.line}: {r.clip.path}" for r in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InputFileError(
            f"expected every clip in the manifest to exist, but {len(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing: {shown}{more}"
        )


def _check_unique_folders(assessments: list[Assessment]) -> None:
    seen: dict[Path, str] = {}
    for a in assessments:
        if a.folder in seen:
            raise InputFileError(
                f"expected distinct output folders, but {a.label!r} and {seen[a.folder]!r} "
                f"both map to {a.folder}; rename one person or test"
            )
        seen[a.folder] = a.label
