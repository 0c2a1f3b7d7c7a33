"""A stored screening and its findings explained in plain words, for pages and the PDF report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from glutefire.result import Finding, ScreeningResult, Status
from glutefire.screening.rules import load_rules


@dataclass(frozen=True)
class StoredScreening:
    """A screening as stored for a person: its row id, when, and the typed result."""

    id: int
    recorded_at: dt.datetime
    result: ScreeningResult


class ExplainedFinding(Finding):
    """A finding with the rule's plain-words explanation (``plain``)."""

    plain: str = ""


def explained_findings(result: ScreeningResult) -> list[ExplainedFinding]:
    """Findings with the rule's plain-words explanation, present ones first."""
    plain = {rule.code: rule.plain for rule in load_rules()}
    order = list(Status)
    items = [
        ExplainedFinding(**dict(f), plain=plain.get(f.code.value, "")) for f in result.findings
    ]
    return sorted(items, key=lambda f: order.index(f.status))
