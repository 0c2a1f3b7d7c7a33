"""One client's report for the web app: the printable client handout (``reports/handout.py``)
built from the web's report content, as an HTML fragment and as PDF from the same template.

Takes typed values (stored screening, explained findings, plan model, PNG bytes) and returns
text or PDF bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from glutefire.programming.plan import Plan
from glutefire.reports import handout as _handout
from glutefire.reports.explained import ExplainedFinding, StoredScreening


@dataclass(frozen=True)
class PreviousScreening:
    """The screening before the latest one: when, and its keyframe PNGs by finding code."""

    recorded_at: dt.datetime
    keyframes: Mapping[str, bytes] = field(default_factory=dict)


@dataclass
class ReportContent:
    client_name: str
    generated_on: str
    screening: StoredScreening | None = None
    findings: Sequence[ExplainedFinding] = ()
    keyframes: Mapping[str, bytes] = field(default_factory=dict)
    plan: Plan | None = None
    plots: Mapping[str, bytes] = field(default_factory=dict)
    alerts: Sequence[str] = ()
    credits: Sequence[str] = ()
    previous: PreviousScreening | None = None


def to_handout(content: ReportContent) -> _handout.Handout:
    """The handout for ``content``: findings in plain words, keyframes titled by finding."""
    from glutefire.programming.library import load_library

    screening = content.screening
    titles = (
        {f.code.value: f.title for f in screening.result.findings} if screening is not None else {}
    )
    return _handout.Handout(
        client_name=content.client_name,
        generated_on=content.generated_on,
        screened_on=f"{screening.recorded_at:%Y-%m-%d}" if screening is not None else None,
        findings=_handout.plain_findings(screening.result) if screening is not None else [],
        keyframes=[
            (f"Keyframe: {titles.get(code, code)}", png) for code, png in content.keyframes.items()
        ],
        keyframe_pairs=_pairs(content, titles),
        plan=content.plan,
        exercise_names={e.id: e.name for e in load_library().exercises},
        alerts=list(content.alerts),
        plots=[(stem.replace("_", " ").capitalize(), png) for stem, png in content.plots.items()],
        credits=list(content.credits),
    )


def _pairs(content: ReportContent, titles: Mapping[str, str]) -> list[_handout.KeyframePair]:
    """Keyframes of the same finding in the previous and the latest screening."""
    previous, screening = content.previous, content.screening
    if previous is None or screening is None:
        return []
    return [
        _handout.KeyframePair(
            titles.get(code, code.replace("_", " ")),
            f"{previous.recorded_at:%Y-%m-%d}",
            previous.keyframes[code],
            f"{screening.recorded_at:%Y-%m-%d}",
            png,
        )
        for code, png in content.keyframes.items()
        if code in previous.keyframes
    ]


def render_html_fragment(content: ReportContent) -> str:
    """The handout body as HTML (to place inside a web page)."""
    return _handout.render_html(to_handout(content), for_pdf=True)


def render_pdf(content: ReportContent) -> bytes:
    """The same handout as PDF bytes."""
    return _handout.render_pdf(to_handout(content))
