"""Evaluation of the exercise checks against hand labels (``labels.json`` whose clips carry an
``exercise``; format in docs/evaluation.md): complete reps, rep event times, holds and faults.

A clip is scored on: complete reps (the count is acceptable and each labelled event is matched
by a distinct found rep event within :data:`EVENT_TOLERANCE_S`), its hold (start and end each
within :data:`HOLD_TOLERANCE_S` of the label's), and each labelled fault (present when the
label says true, absent when false). A label exercise without a check (``donkey_kick``) is
reported as not checked, never as a failure of the checks.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from glutefire.errors import GlutefireError, InputFileError
from glutefire.evaluation.run import KeypointSource, match_bottoms
from glutefire.exercises.analyse import ExerciseAnalysis, analyse_exercise
from glutefire.exercises.check import tracked_poses_for
from glutefire.exercises.spec import exercise_ids, get_exercise
from glutefire.result import Status

#: A found rep event matches a labelled one within this (the labels say about +-0.5 s, and
#: +-1 s for long top plateaus, whose middle is the event).
EVENT_TOLERANCE_S = 1.0
#: A hold's start and end each match the label's within this.
HOLD_TOLERANCE_S = 1.0
#: Label exercise names that are the same movement as a check.
ALIASES = {"lunge": "reverse_lunge"}


class ExerciseLabel(BaseModel):
    """What a person saw in one exercise clip (unlisted faults are unlabelled)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    file: str = Field(min_length=1)
    exercise: str = Field(min_length=1)
    variant: str = ""
    view: str
    complete_reps: list[int] = Field(min_length=1)
    events_s: list[float] = Field(default_factory=list)
    hold_s: tuple[float, float] | None = None
    faults: dict[str, bool] = Field(default_factory=dict)
    note: str = ""

    @property
    def check_id(self) -> str | None:
        name = ALIASES.get(self.exercise, self.exercise)
        return name if name in exercise_ids() else None


class ExerciseLabelSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str = ""
    clips: list[ExerciseLabel] = Field(min_length=1)


def is_exercise_labels(path: Path) -> bool:
    """True when ``path`` is a labels file of exercise clips (its clips carry ``exercise``)."""
    try:
        raw = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    clips = raw.get("clips") if isinstance(raw, dict) else None
    if not isinstance(clips, list) or not clips:
        return False
    return isinstance(clips[0], dict) and "exercise" in clips[0]


def load_exercise_labels(path: Path) -> ExerciseLabelSet:
    """Read and validate an exercise labels file; one :class:`InputFileError` when wrong."""
    try:
        return ExerciseLabelSet.model_validate(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: expected a JSON labels file, but {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputFileError(f"{path}: {where}: {first['msg']}") from None


@dataclass(frozen=True)
class ExerciseEvaluation:
    """One labelled exercise clip's outcome. ``reps_found`` None: not analysed."""

    id: str
    exercise: str
    checked_as: str | None
    view_label: str
    view_found: str
    reps_expected: tuple[int, ...]
    reps_found: int | None
    events_labelled: int
    events_matched: int
    reps_exact: bool
    hold_labelled: tuple[float, float] | None
    hold_found: tuple[float, float] | None
    hold_agrees: bool | None
    faults_labelled: int
    faults_agree: int
    disagreements: tuple[str, ...] = ()
    error: str = ""
    crashed: bool = False


def _hold_found(analysis: ExerciseAnalysis) -> tuple[float, float] | None:
    if not analysis.holds:
        return None
    longest = max(analysis.holds, key=lambda h: h.duration_s)
    return (round(longest.start_s, 2), round(longest.end_s, 2))


def _score_faults(label: ExerciseLabel, analysis: ExerciseAnalysis) -> tuple[int, list[str]]:
    status = {o.spec.code: o.status for o in analysis.checks}
    wrong = []
    for code, present in label.faults.items():
        found = status.get(code)
        wanted = Status.PRESENT if present else Status.ABSENT
        if found is not wanted:
            wrong.append(
                f"{code}: {found.value if found else 'no such check'}, label {wanted.value}"
            )
    return len(label.faults) - len(wrong), wrong


def score_exercise(label: ExerciseLabel, analysis: ExerciseAnalysis) -> ExerciseEvaluation:
    """Compare one clip's analysis with its label."""
    complete = [r for r in analysis.reps if r.complete]
    matched = match_bottoms(
        [r.bottom_s for r in complete], label.events_s, tolerance_s=EVENT_TOLERANCE_S
    )
    # a hold exercise's "rep" is its hold (the labels count a plank held once as 1)
    count = len(analysis.holds) if analysis.spec.counts == "hold" else len(complete)
    exact = count in label.complete_reps and matched == min(len(complete), len(label.events_s))
    hold = _hold_found(analysis)
    hold_ok = None
    if label.hold_s is not None:
        hold_ok = hold is not None and all(
            abs(f - lab) <= HOLD_TOLERANCE_S for f, lab in zip(hold, label.hold_s, strict=True)
        )
    agree, wrong = _score_faults(label, analysis)
    if label.hold_s is not None and not hold_ok:
        wrong.insert(0, f"hold {hold or 'none'} vs label {tuple(label.hold_s)}")
    return ExerciseEvaluation(
        id=label.id,
        exercise=label.exercise,
        checked_as=label.check_id,
        view_label=label.view,
        view_found=analysis.view.view,
        reps_expected=tuple(label.complete_reps),
        reps_found=count,
        events_labelled=len(label.events_s),
        events_matched=matched,
        reps_exact=exact,
        hold_labelled=label.hold_s,
        hold_found=hold,
        hold_agrees=hold_ok,
        faults_labelled=len(label.faults),
        faults_agree=agree,
        disagreements=tuple(wrong),
    )


def _not_run(label: ExerciseLabel, error: str, *, crashed: bool = False) -> ExerciseEvaluation:
    return ExerciseEvaluation(
        id=label.id,
        exercise=label.exercise,
        checked_as=label.check_id,
        view_label=label.view,
        view_found="",
        reps_expected=tuple(label.complete_reps),
        reps_found=None,
        events_labelled=len(label.events_s),
        events_matched=0,
        reps_exact=False,
        hold_labelled=label.hold_s,
        hold_found=None,
        hold_agrees=None if label.hold_s is None else False,
        faults_labelled=len(label.faults),
        faults_agree=0,
        error=error,
        crashed=crashed,
    )


def evaluate_exercise_clip(
    label: ExerciseLabel, clip_dir: Path, source: KeypointSource
) -> ExerciseEvaluation:
    """Check one labelled clip and score it; errors and crashes are caught and reported."""
    if label.check_id is None:
        return _not_run(label, f"no check for {label.exercise}")
    path = clip_dir / label.file
    try:
        if not path.exists():
            raise InputFileError(f"{path}: no such file")
        spec = get_exercise(label.check_id)
        analysis = analyse_exercise(source(path, tracked_poses=tracked_poses_for(spec)), spec)
    except GlutefireError as exc:
        return _not_run(label, str(exc))
    except Exception as exc:  # a crash is a result to report, not to hide
        where = traceback.extract_tb(exc.__traceback__)[-1]
        text = f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
        return _not_run(label, text, crashed=True)
    return score_exercise(label, analysis)


def evaluate_exercises(
    labels: ExerciseLabelSet,
    clip_dir: Path,
    *,
    source: KeypointSource,
    on_clip: Callable[[ExerciseEvaluation], None] | None = None,
) -> list[ExerciseEvaluation]:
    """Evaluate every labelled clip."""
    out = []
    for label in labels.clips:
        result = evaluate_exercise_clip(label, clip_dir, source)
        out.append(result)
        if on_clip is not None:
            on_clip(result)
    return out


HEADER = (
    "clip",
    "exercise",
    "view (label)",
    "complete reps (label)",
    "events matched",
    "reps exact",
    "hold found (label)",
    "faults agree",
    "problem",
)


def _span(span: tuple[float, float] | None) -> str:
    return "-" if span is None else f"{span[0]:.1f}-{span[1]:.1f}"


def exercise_row(e: ExerciseEvaluation) -> tuple[str, ...]:
    """One clip as the cells of :data:`HEADER`."""
    exercise = (
        e.exercise if e.checked_as in (None, e.exercise) else f"{e.exercise} ({e.checked_as})"
    )
    found = "-" if e.reps_found is None else str(e.reps_found)
    reps = f"{found} ({' or '.join(map(str, e.reps_expected))})"
    events = f"{e.events_matched}/{e.events_labelled}" if e.events_labelled else "-"
    hold = "-" if e.hold_labelled is None else f"{_span(e.hold_found)} ({_span(e.hold_labelled)})"
    faults = f"{e.faults_agree}/{e.faults_labelled}" if e.faults_labelled else "-"
    problem = ("CRASH " if e.crashed else "") + e.error or "; ".join(e.disagreements)
    exact = "-" if e.checked_as is None else "yes" if e.reps_exact else "NO"
    return (
        e.id,
        exercise,
        f"{e.view_found or '-'} ({e.view_label})",
        reps,
        events,
        exact,
        hold,
        faults,
        problem,
    )


@dataclass(frozen=True)
class ExerciseSummary:
    """Totals over the clips that have a check."""

    n_checked: int
    reps_exact: int
    holds_labelled: int
    holds_agree: int
    faults_labelled: int
    faults_agree: int
    crashes: int
    errors: int
    not_checked: int


def summarise_exercises(results: Sequence[ExerciseEvaluation]) -> ExerciseSummary:
    checked = [r for r in results if r.checked_as is not None]
    return ExerciseSummary(
        n_checked=len(checked),
        reps_exact=sum(r.reps_exact for r in checked),
        holds_labelled=sum(r.hold_labelled is not None for r in checked),
        holds_agree=sum(bool(r.hold_agrees) for r in checked),
        faults_labelled=sum(r.faults_labelled for r in checked),
        faults_agree=sum(r.faults_agree for r in checked),
        crashes=sum(r.crashed for r in checked),
        errors=sum(bool(r.error) and not r.crashed for r in checked),
        not_checked=len(results) - len(checked),
    )


def exercise_summary_line(s: ExerciseSummary) -> str:
    """One sentence with the totals."""
    return (
        f"complete reps exact {s.reps_exact}/{s.n_checked}, holds agree {s.holds_agree}/"
        f"{s.holds_labelled}, faults agree {s.faults_agree}/{s.faults_labelled}, crashes "
        f"{s.crashes}, stopped with an error {s.errors}, not checked (no check for the "
        f"exercise) {s.not_checked}"
    )


def exercise_markdown(results: Sequence[ExerciseEvaluation]) -> str:
    """The per-clip table and the totals as Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for e in results:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in exercise_row(e)) + " |")
    lines += ["", f"Overall: {exercise_summary_line(summarise_exercises(results))}."]
    return "\n".join(lines) + "\n"
