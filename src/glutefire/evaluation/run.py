"""Screen every labelled clip and score it against its labels.

A clip is scored on: complete reps exact (the count is one of the acceptable counts and, where
bottom times are labelled, each is matched by a distinct found bottom within
:data:`BOTTOM_TOLERANCE_S`), the camera view, and the findings that are labelled. A clip that
stops with a user error is scored as failed (unless the label expects that error); any other
exception is caught, reported as a crash, and never stops the other clips.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import xarray as xr

from glutefire.errors import GlutefireError, InputFileError
from glutefire.evaluation.labels import ClipLabel, LabelSet
from glutefire.io.keypoint_files import is_keypoint_file, read_keypoints, write_landmark_csv
from glutefire.pose.mediapipe_backend import TRACKED_POSES
from glutefire.screening.pipeline import (
    ClipAnalysis,
    ClipInput,
    analyse_keypoints,
    estimate_keypoints,
)

#: A found bottom matches a labelled one when they are at most this far apart (seconds).
BOTTOM_TOLERANCE_S = 0.5


class KeypointSource(Protocol):
    """Keypoints of a clip; ``tracked_poses``: bodies the pose tracker follows on a video."""

    def __call__(self, path: Path, *, tracked_poses: int = TRACKED_POSES) -> xr.Dataset: ...


@dataclass(frozen=True)
class ClipEvaluation:
    """One labelled clip's outcome. ``reps_found`` is None when screening stopped."""

    id: str
    views_expected: tuple[str, ...]
    view_found: str
    reps_expected: tuple[int, ...]
    reps_found: int | None
    bottoms_found_s: tuple[float, ...]
    bottoms_labelled: int
    bottoms_matched: int
    reps_exact: bool
    view_agrees: bool
    findings_agree: int
    findings_labelled: int
    disagreements: tuple[str, ...]
    error: str = ""
    crashed: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvaluationSummary:
    """Totals over clips; fractions are None when there is nothing to count."""

    n_clips: int
    reps_exact: int
    view_agree: int
    findings_agree: int
    findings_labelled: int
    crashes: int
    errors: int

    @property
    def reps_exact_fraction(self) -> float:
        """Share of clips with complete reps exact, in [0, 1]."""
        return self.reps_exact / self.n_clips if self.n_clips else 0.0

    @property
    def findings_fraction(self) -> float | None:
        """Share of labelled findings that agree, or None when no finding is labelled."""
        return self.findings_agree / self.findings_labelled if self.findings_labelled else None


def cached_keypoints(cache_dir: Path | None) -> KeypointSource:
    """Keypoints of a clip: a keypoint file as it is; a video's from ``cache_dir/STEM.csv``
    (``STEM.trackedN.csv`` when the tracker follows N > 1 bodies) when there, else from the pose
    model (then written there, so the next run skips the model)."""

    def source(path: Path, *, tracked_poses: int = TRACKED_POSES) -> xr.Dataset:
        if is_keypoint_file(path):
            return read_keypoints(path)
        tag = "" if tracked_poses == TRACKED_POSES else f".tracked{tracked_poses}"
        cached = cache_dir / f"{path.stem}{tag}.csv" if cache_dir is not None else None
        if cached is not None and cached.exists():
            return read_keypoints(cached)
        ds = estimate_keypoints(ClipInput(path), tracked_poses=tracked_poses).keypoints
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_landmark_csv(ds, cached)
        return ds

    return source


def match_bottoms(
    found_s: Sequence[float],
    labelled_s: Sequence[float],
    *,
    tolerance_s: float = BOTTOM_TOLERANCE_S,
) -> int:
    """How many labelled bottoms are matched by distinct found bottoms within ``tolerance_s``
    (greedy, nearest first)."""
    pairs = sorted(
        (abs(f - lab), i, j)
        for i, f in enumerate(found_s)
        for j, lab in enumerate(labelled_s)
        if abs(f - lab) <= tolerance_s
    )
    used_found: set[int] = set()
    used_label: set[int] = set()
    for _, i, j in pairs:
        if i not in used_found and j not in used_label:
            used_found.add(i)
            used_label.add(j)
    return len(used_label)


def view_label(analysis: ClipAnalysis) -> str:
    """The screened view(s) of a clip, e.g. ``side`` or ``side+front`` for a view change."""
    return "+".join(v.value for v in analysis.screened_views())


def _view_agrees(label: ClipLabel, found: str) -> bool:
    if "mixed" in label.views and "+" in found:
        return True
    return found in label.views


def _score_findings(label: ClipLabel, analysis: ClipAnalysis) -> tuple[int, list[str]]:
    status = {f.code: f.status for f in analysis.findings}
    wrong = []
    for code in label.findings:
        accepted = label.accepted_statuses(code)
        if status[code] not in accepted:
            wanted = "/".join(s.value for s in accepted)
            wrong.append(f"{code}: {status[code].value}, label {wanted}")
    return len(label.findings) - len(wrong), wrong


def score_clip(label: ClipLabel, analysis: ClipAnalysis) -> ClipEvaluation:
    """Compare one clip's analysis with its label."""
    complete = [r for r in analysis.reps if r.complete]
    bottoms = tuple(round(r.bottom_s, 2) for r in complete)
    labelled = label.bottoms_s or []
    matched = match_bottoms(bottoms, labelled)
    exact = (
        len(complete) in label.complete_reps
        and label.expected_error is None
        and matched == min(len(complete), len(labelled))
    )
    agree, wrong = _score_findings(label, analysis)
    found = view_label(analysis)
    return ClipEvaluation(
        id=label.id,
        views_expected=tuple(label.views),
        view_found=found,
        reps_expected=tuple(label.complete_reps),
        reps_found=len(complete),
        bottoms_found_s=bottoms,
        bottoms_labelled=len(labelled),
        bottoms_matched=matched,
        reps_exact=exact,
        view_agrees=_view_agrees(label, found),
        findings_agree=agree,
        findings_labelled=len(label.findings),
        disagreements=tuple(wrong),
        notes=tuple(analysis.notes),
    )


def _failed(label: ClipLabel, error: str, *, crashed: bool) -> ClipEvaluation:
    expected = (
        not crashed
        and label.expected_error is not None
        and label.expected_error.lower() in error.lower()
    )
    return ClipEvaluation(
        id=label.id,
        views_expected=tuple(label.views),
        view_found="",
        reps_expected=tuple(label.complete_reps),
        reps_found=None,
        bottoms_found_s=(),
        bottoms_labelled=len(label.bottoms_s or []),
        bottoms_matched=0,
        reps_exact=expected and 0 in label.complete_reps,
        view_agrees=expected,
        findings_agree=0,
        findings_labelled=len(label.findings),
        disagreements=(),
        error=error,
        crashed=crashed,
    )


def evaluate_clip(label: ClipLabel, clip_dir: Path, source: KeypointSource) -> ClipEvaluation:
    """Screen one labelled clip and score it; errors and crashes are caught and reported."""
    path = clip_dir / label.file
    try:
        if not path.exists():
            raise InputFileError(f"{path}: no such file")
        analysis = analyse_keypoints(source(path))
    except GlutefireError as exc:
        return _failed(label, str(exc), crashed=False)
    except Exception as exc:  # a crash is a result to report, not to hide
        where = traceback.extract_tb(exc.__traceback__)[-1]
        text = f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
        return _failed(label, text, crashed=True)
    return score_clip(label, analysis)  # with an expected error, screening at all fails it


def evaluate(
    labels: LabelSet,
    clip_dir: Path,
    *,
    source: KeypointSource,
    on_clip: Callable[[ClipEvaluation], None] | None = None,
) -> tuple[list[ClipEvaluation], EvaluationSummary]:
    """Evaluate every labelled clip; ``on_clip`` is called after each one."""
    results = []
    for label in labels.clips:
        result = evaluate_clip(label, clip_dir, source)
        results.append(result)
        if on_clip is not None:
            on_clip(result)
    return results, summarise(results)


def summarise(results: Sequence[ClipEvaluation]) -> EvaluationSummary:
    """Totals over clips."""
    return EvaluationSummary(
        n_clips=len(results),
        reps_exact=sum(r.reps_exact for r in results),
        view_agree=sum(r.view_agrees for r in results),
        findings_agree=sum(r.findings_agree for r in results),
        findings_labelled=sum(r.findings_labelled for r in results),
        crashes=sum(r.crashed for r in results),
        errors=sum(bool(r.error) and not r.crashed for r in results),
    )
