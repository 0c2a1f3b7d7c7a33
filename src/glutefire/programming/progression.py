"""Progression and regression rules, reassessment date and expected results (pure).

Data: ``data/progression.yaml`` (pain-monitoring model, form targets, reassessment timing,
expected results with their sources).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from glutefire.datafiles import load_packaged
from glutefire.programming.conditions import Condition, Fact
from glutefire.programming.plan import ExpectedResult, ProgressionRule

Mode = Literal["corrective", "maintenance"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedResultRule(_Strict):
    """An expected result, shown when its optional filters match."""

    when: str
    what: str
    source: str
    if_fact: Condition | None = None
    if_finding: str | None = None
    mode: Mode | None = None


class ProgressionData(_Strict):
    """The whole ``progression.yaml``."""

    schema_version: int
    reassess_after_weeks: dict[Mode, int]
    rules: list[ProgressionRule] = Field(min_length=1)
    expected_results: list[ExpectedResultRule] = Field(min_length=1)


@lru_cache(maxsize=1)
def load_progression() -> ProgressionData:
    """Load and validate the packaged ``data/progression.yaml``."""
    return load_packaged("progression.yaml", ProgressionData)


def reassess_date(start: dt.date, *, weeks: int, mode: Mode, data: ProgressionData) -> dt.date:
    """Reassess after the configured weeks, or at the end of a shorter plan."""
    return start + dt.timedelta(weeks=min(weeks, data.reassess_after_weeks[mode]))


def progression_rules(data: ProgressionData) -> list[ProgressionRule]:
    """All pain-monitoring and form rules, in file order."""
    return [ProgressionRule(**r.model_dump()) for r in data.rules]


def expected_results(
    data: ProgressionData, *, mode: Mode, facts: dict[str, Fact], finding_codes: set[str]
) -> list[ExpectedResult]:
    """Expected results whose filters match this person, mode and present findings."""
    chosen = []
    for rule in data.expected_results:
        if rule.mode is not None and rule.mode != mode:
            continue
        if rule.if_fact is not None and not rule.if_fact.matches(facts):
            continue
        if rule.if_finding is not None and rule.if_finding not in finding_codes:
            continue
        chosen.append(ExpectedResult(when=rule.when, what=rule.what.strip(), source=rule.source))
    return chosen
