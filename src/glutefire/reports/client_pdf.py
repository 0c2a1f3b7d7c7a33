"""One client's report for the web app: the printable client handout (``reports/handout.py``)
built from the web's report content, as an HTML fragment and as PDF from the same template.

Takes plain values (result dict, plan model, PNG bytes) and returns text or PDF bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from glutefire.programming.plan import Plan
from glutefire.reports import handout as _handout


@dataclass
class ReportContent:
    client_name: str
    generated_on: str
    screening: Mapping[str, Any] | None = None
    findings: Sequence[Mapping[str, Any]] = ()
    keyframes: Mapping[str, bytes] = field(default_factory=dict)
    plan: Plan | None = None
    plots: Mapping[str, bytes] = field(default_factory=dict)
    alerts: Sequence[str] = ()
    credits: Sequence[str] = ()
    previous: Mapping[str, Any] | None = None  # earlier screening: recorded_at, keyframes


def to_handout(content: ReportContent) -> _handout.Handout:
    """The handout for ``content``: findings in plain words, keyframes titled by finding."""
    from glutefire.programming.library import load_library

    result = content.screening["result"] if content.screening else None
    titles = {str(f.get("code")): str(f.get("title")) for f in (result or {}).get("findings", [])}
    recorded = content.screening.get("recorded_at") if content.screening else None
    return _handout.Handout(
        client_name=content.client_name,
        generated_on=content.generated_on,
        screened_on=f"{recorded:%Y-%m-%d}" if recorded is not None else None,
        findings=_handout.plain_findings(result) if result else [],
        keyframes=[(f"Keyframe: {titles.get(code, code)}", png)
                   for code, png in content.keyframes.items()],
        keyframe_pairs=_pairs(content, titles),
        plan=content.plan,
        exercise_names={e.id: e.name for e in load_library().exercises},
        alerts=list(content.alerts),
        plots=[(stem.replace("_", " ").capitalize(), png) for stem, png in content.plots.items()],
        credits=list(content.credits),
    )


def _pairs(content: ReportContent, titles: Mapping[str, str]) -> list[_handout.KeyframePair]:
    """Keyframes of the same finding in the previous and the latest screening."""
    if content.previous is None or content.screening is None:
        return []
    before: Mapping[str, bytes] = content.previous.get("keyframes", {})
    return [
        _handout.KeyframePair(
            titles.get(code, code.replace("_", " ")),
            f"{content.previous['recorded_at']:%Y-%m-%d}", before[code],
            f"{content.screening['recorded_at']:%Y-%m-%d}", png,
        )
        for code, png in content.keyframes.items()
        if code in before
    ]


def render_html_fragment(content: ReportContent) -> str:
    """The handout body as HTML (to place inside a web page)."""
    return _handout.render_html(to_handout(content), for_pdf=True)


def render_pdf(content: ReportContent) -> bytes:
    """The same handout as PDF bytes."""
    return _handout.render_pdf(to_handout(content))
