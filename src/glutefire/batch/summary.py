"""The coach's summary of a batch: one row per assessment, sorted by how much attention it needs,
as CSV and as a self-contained HTML page with relative links to each result and keyframe.

The attention score is the sum, over findings present, of their confidence (0-1): two confident
findings outrank one uncertain one. An exercise check's form checks have no confidence: each one
present counts 1. Assessments that could not be screened are listed with their
error after the screened ones (CSV) and in their own table first (HTML).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from glutefire.batch.manifest import Assessment
from glutefire.batch.tasks import RESULT_FILE, TaskResult
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.result import Finding, ScreeningResult, Status

SUMMARY_CSV = "summary.csv"
SUMMARY_HTML = "summary.html"
BASE_COLUMNS = (
    "person",
    "test",
    "status",
    "attention_score",
    "findings_present",
    "not_assessable",
    "complete_reps",
    "exercise",
    "longest_hold_s",
    "camera_fits",
    "view",
    "result",
    "keyframes",
    "error",
)


@dataclass(frozen=True)
class SummaryRow:
    """One assessment in the summary; ``findings`` maps finding (or form check) code to its
    status; ``exercise`` is the checked exercise ("" for a squat screening) and
    ``longest_hold_s`` its longest hold in seconds (None: not a hold or none found);
    ``camera_fits``: whether the check's camera view fits the exercise (None: a screening)."""

    person: str
    test: str
    status: str
    attention_score: float | None
    present: tuple[str, ...]
    not_assessable: tuple[str, ...]
    complete_reps: int | None
    view: str
    result_link: str | None
    keyframes: tuple[str, ...]
    findings: dict[str, str]
    error: str | None
    exercise: str = ""
    longest_hold_s: float | None = None
    camera_fits: bool | None = None  # an exercise check's view fits the exercise


def attention_score(result: ScreeningResult) -> float:
    """Sum of the confidence (0-1) of each present finding."""
    return round(sum(f.confidence for f in result.present), 2)


def summary_rows(
    assessments: Sequence[Assessment], outcomes: Sequence[TaskResult]
) -> list[SummaryRow]:
    """Rows sorted by attention score (highest first), then failed assessments."""
    rows = [_row(a, o) for a, o in zip(assessments, outcomes, strict=True)]
    return sorted(
        rows,
        key=lambda r: (r.attention_score is None, -(r.attention_score or 0.0), r.person, r.test),
    )


def _check_row(a: Assessment, outcome: TaskResult, check: ExerciseCheckResult) -> SummaryRow:
    """An exercise check's row: reps (or the longest hold) and the form checks' statuses."""
    summary = check.summary
    return SummaryRow(
        a.person,
        a.test,
        outcome.status,
        float(len(summary.present)),
        tuple(summary.present),
        tuple(summary.not_assessable),
        summary.complete_reps if summary.counts == "reps" else None,
        check.camera.view,
        f"{a.folder.as_posix()}/{RESULT_FILE}",
        (),
        {c.code: c.status.value for c in check.checks},
        None,
        exercise=check.exercise,
        longest_hold_s=summary.longest_hold_s,
        camera_fits=check.camera.fits,
    )


def _row(a: Assessment, outcome: TaskResult) -> SummaryRow:
    result = outcome.result
    if outcome.check is not None:
        return _check_row(a, outcome, outcome.check)
    if result is None:
        return SummaryRow(
            a.person,
            a.test,
            outcome.status,
            None,
            (),
            (),
            None,
            "",
            None,
            (),
            {},
            outcome.error,
            exercise=a.exercise or "",
        )
    folder = a.folder.as_posix()
    present = tuple(f.code.value for f in result.present)
    return SummaryRow(
        a.person,
        a.test,
        outcome.status,
        attention_score(result),
        present,
        tuple(c.value for c in result.summary.not_assessable),
        result.summary.complete_reps,
        result.view,
        f"{folder}/{RESULT_FILE}",
        tuple(f"{folder}/keyframe_{code}.png" for code in present),
        {f.code.value: _status_cell(f) for f in result.findings},
        None,
    )


def _status_cell(finding: Finding) -> str:
    if finding.status is Status.PRESENT:
        return f"{finding.status.value} ({finding.side})"
    return finding.status.value


def finding_codes(rows: Sequence[SummaryRow]) -> list[str]:
    """Every finding code seen, in first-seen order."""
    return list(dict.fromkeys(code for row in rows for code in row.findings))


def summary_csv(rows: Sequence[SummaryRow]) -> str:
    """The summary as CSV text: base columns, then one column per finding code."""
    codes = finding_codes(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*BASE_COLUMNS, *codes])
    for r in rows:
        writer.writerow(
            [
                r.person,
                r.test,
                r.status,
                "" if r.attention_score is None else r.attention_score,
                ";".join(r.present),
                ";".join(r.not_assessable),
                "" if r.complete_reps is None else r.complete_reps,
                r.exercise,
                "" if r.longest_hold_s is None else f"{r.longest_hold_s:g}",
                "" if r.camera_fits is None else ("yes" if r.camera_fits else "no"),
                r.view,
                r.result_link or "",
                ";".join(r.keyframes),
                r.error or "",
                *(r.findings.get(c, "") for c in codes),
            ]
        )
    return buffer.getvalue()


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(path: str, text: str) -> str:
    return f'<a href="{_e(quote(path))}">{_e(text)}</a>'


def _screened_row(r: SummaryRow, codes: list[str]) -> str:
    reps = r.complete_reps if r.longest_hold_s is None else f"hold {r.longest_hold_s:g} s"
    cells = [_e(r.person), _e(r.test), _e(r.attention_score), _e(r.view), _e(reps)]
    cells += [
        f'<td class="{_e(r.findings.get(c, "").split(" ")[0])}">{_e(r.findings.get(c, ""))}</td>'
        for c in codes
    ]
    links = [_link(r.result_link or "", "result")]
    links += [_link(k, Path(k).stem.removeprefix("keyframe_")) for k in r.keyframes]
    return (
        "<tr>"
        + "".join(f"<td>{c}</td>" for c in cells[:5])
        + "".join(cells[5:])
        + f"<td>{' '.join(links)}</td></tr>"
    )


def summary_html(rows: Sequence[SummaryRow], *, title: str = "glutefire batch summary") -> str:
    """The summary as one HTML page; every value from results and the manifest is escaped."""
    screened = [r for r in rows if r.result_link]
    failed = [r for r in rows if not r.result_link]
    codes = finding_codes(rows)
    head = "".join(
        f"<th>{_e(c)}</th>"
        for c in ["person", "test", "attention", "view", "reps / hold", *codes, "links"]
    )
    body = "\n".join(_screened_row(r, codes) for r in screened)
    parts = [
        f"<!doctype html>\n<html><head><meta charset='utf-8'><title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head><body><h1>{_e(title)}</h1>",
        f"<p>{len(screened)} screened, {len(failed)} could not be screened. Sorted by "
        "attention score: the sum of the confidence of each finding present.</p>",
    ]
    if failed:
        items = "".join(
            f"<tr><td>{_e(r.person)}</td><td>{_e(r.test)}</td><td>{_e(r.error)}</td></tr>"
            for r in failed
        )
        parts.append(
            "<h2>Could not be screened</h2><table><tr><th>person</th><th>test</th>"
            f"<th>error</th></tr>{items}</table>"
        )
    parts.append(f"<h2>Screened</h2><table><tr>{head}</tr>\n{body}</table>")
    parts.append(
        "<p class='note'>A screening aid that describes movement patterns; not a "
        "diagnosis.</p></body></html>\n"
    )
    return "\n".join(parts)


_CSS = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px}.present{background:#fdd}"
    ".not_assessable{color:#888}.note{color:#666;font-size:small}"
)


def write_summary(
    assessments: Sequence[Assessment], outcomes: Sequence[TaskResult], out: Path
) -> list[Path]:
    """Write summary.csv and summary.html into ``out`` (each atomically)."""
    rows = summary_rows(assessments, outcomes)
    written = []
    for name, text in ((SUMMARY_CSV, summary_csv(rows)), (SUMMARY_HTML, summary_html(rows))):
        tmp = out / f".{name}.tmp"
        tmp.write_text(text)
        tmp.replace(out / name)
        written.append(out / name)
    return written
