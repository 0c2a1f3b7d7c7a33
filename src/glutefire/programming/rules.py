"""Program rules as data: findings and answers -> muscles and exercise choices, with reasons.

The rules live in ``data/program_rules.yaml``; :func:`apply_rules` is a pure function that
returns one :class:`Recommendation` per rule that fires, and :func:`score_exercises` turns
those into ranked exercise candidates, each carrying the plain-words reasons that chose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glutefire.datafiles import data_text, parse_model
from glutefire.errors import LibraryError
from glutefire.programming.conditions import Condition, Fact
from glutefire.programming.library import Library
from glutefire.result import Finding, FindingCode, Status


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FindingTrigger(_Strict):
    """Fires for a present finding with this code (and, if given, this retest status)."""

    code: FindingCode
    heels_elevated_status: list[Status | None] | None = None

    def matches(self, finding: Finding) -> bool:
        """True for a present finding that meets the code and retest filter."""
        if finding.status is not Status.PRESENT or finding.code is not self.code:
            return False
        allowed = self.heels_elevated_status
        return allowed is None or finding.heels_elevated_status in allowed


class Avoid(_Strict):
    """An exercise a rule leaves out, and why (plain words)."""

    id: str
    reason: str = Field(min_length=3)


class Rule(_Strict):
    """One rule: trigger, muscles, exercises, plain-words explanation and evidence source."""

    id: str
    when_finding: FindingTrigger | None = None
    when: Condition | None = None
    and_when: list[Condition] = []  # further conditions on facts, all of which must hold
    weight: float = Field(gt=0, le=10)
    overactive: list[str] = []
    underactive: list[str] = []
    exercises: list[str] = []
    avoid: list[Avoid] = []
    says: str = Field(min_length=3)
    so: str = Field(min_length=3)
    source: str = Field(min_length=3)
    advice: list[str] = []
    keep_patterns: list[str] = []  # e.g. knee_dominant: kept like a key exercise
    claims: list[list[str]] | None = None  # what ``so`` claims; None: one of ``exercises``

    @model_validator(mode="after")
    def _one_trigger(self) -> Rule:
        if (self.when_finding is None) == (self.when is None):
            raise ValueError(f"expected exactly one of when_finding or when in rule {self.id!r}")
        if self.and_when and self.when is None:
            raise ValueError(f"expected and_when only next to when in rule {self.id!r}")
        return self

    def matches_facts(self, facts: dict[str, Fact]) -> bool:
        """True when ``when`` and every ``and_when`` condition hold for ``facts``."""
        conditions = [self.when, *self.and_when] if self.when is not None else []
        return bool(conditions) and all(c.matches(facts) for c in conditions)


class RuleTable(_Strict):
    """All program rules."""

    schema_version: int
    rules: list[Rule] = Field(min_length=1)


class Recommendation(_Strict):
    """A rule that fired: what led to it, what it means, and what it adds or removes."""

    rule_id: str
    because: str
    so: str
    source: str
    weight: float
    side: str = "none"
    exercises: list[str] = []
    avoid: list[Avoid] = []
    overactive: list[str] = []
    underactive: list[str] = []
    advice: list[str] = []
    keep_patterns: list[str] = []  # movement patterns the plan keeps however short the session
    claims: list[list[str]] | None = None  # what ``so`` says the plan holds (see Rule)


BASELINE_RULE = "baseline"  # the rule that fires for every plan (``program_rules.yaml``)


@dataclass
class Candidate:
    """An exercise chosen by one or more rules: summed weight, the ids of the rules that chose
    it (decisions use these) and their reasons in plain words (shown only)."""

    exercise_id: str
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)


def load_rules(library: Library, path: Path | None = None) -> RuleTable:
    """Load ``data/program_rules.yaml`` (or ``path``) and check it against ``library``."""
    text, origin = data_text("program_rules.yaml", path)
    table = parse_model(text, RuleTable, origin=origin)
    check_rules(table, library, origin=origin)
    return table


def check_rules(table: RuleTable, library: Library, *, origin: str = "rules") -> None:
    """Raise :class:`LibraryError` if a rule names an unknown exercise or muscle."""
    ids, muscles = set(library.ids), set(library.muscles)
    for rule in table.rules:
        claimed = [i for group in rule.claims or [] for i in group]
        named = rule.exercises + [a.id for a in rule.avoid] + claimed
        unknown = sorted(set(named) - ids)
        if unknown:
            raise LibraryError(f"{origin}: rule {rule.id!r} names unknown exercises {unknown}")
        unknown = sorted(set(rule.overactive + rule.underactive) - muscles)
        if unknown:
            raise LibraryError(f"{origin}: rule {rule.id!r} names unknown muscles {unknown}")


def apply_rules(
    table: RuleTable, *, findings: list[Finding], facts: dict[str, Fact]
) -> list[Recommendation]:
    """Every rule that fires, findings first, in table order. Pure."""
    facts = {**facts, "always": True}
    fired: list[Recommendation] = []
    for rule in table.rules:
        if rule.when_finding is not None:
            fired += [_recommend(rule, f) for f in findings if rule.when_finding.matches(f)]
        elif rule.matches_facts(facts):
            fired.append(_recommend(rule, None))
    return fired


def _recommend(rule: Rule, finding: Finding | None) -> Recommendation:
    if finding is not None:
        because = f"finding {finding.label}: {rule.says}"
        if finding.confidence < 0.5:
            because += f" (low confidence {finding.confidence:.2f})"
        side = finding.side
    elif rule.id == BASELINE_RULE:
        because, side = rule.says, "none"
    else:
        because, side = f"answer: {rule.says}", "none"
    return Recommendation(
        rule_id=rule.id,
        because=because,
        so=rule.so.strip(),
        source=rule.source.strip(),
        weight=rule.weight,
        side=side,
        exercises=rule.exercises,
        avoid=rule.avoid,
        overactive=rule.overactive,
        underactive=rule.underactive,
        advice=rule.advice,
        keep_patterns=rule.keep_patterns,
        claims=rule.claims,
    )


def score_exercises(recommendations: list[Recommendation]) -> dict[str, Candidate]:
    """Sum rule weights per exercise (earlier in a rule's list = slightly more) with reasons."""
    candidates: dict[str, Candidate] = {}
    for rec in recommendations:
        for rank, exercise_id in enumerate(rec.exercises):
            cand = candidates.setdefault(exercise_id, Candidate(exercise_id))
            cand.score += rec.weight * (1.0 - 0.02 * rank)
            cand.rule_ids.append(rec.rule_id)
            if rec.rule_id != BASELINE_RULE or not cand.why:
                cand.why.append(rec.because)
    return candidates


def avoided_exercises(recommendations: list[Recommendation]) -> dict[str, str]:
    """Exercise id -> reason, for every exercise a fired rule leaves out (first reason wins)."""
    avoided: dict[str, str] = {}
    for rec in recommendations:
        for item in rec.avoid:
            avoided.setdefault(item.id, item.reason)
    return avoided
