"""Screening rules as validated data (``data/screening_rules.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from glutefire.datafiles import load_packaged
from glutefire.result import FINDING_CODES


class Precondition(BaseModel):
    """A metric that must hold while standing for the rule to apply."""

    model_config = ConfigDict(extra="forbid")
    metric: str
    at: Literal["standing"]
    max: float
    reason: str


class Rule(BaseModel):
    """One compensation: how it is measured, its threshold and where that comes from."""

    model_config = ConfigDict(extra="forbid")
    code: str
    title: str
    cue: str
    plain: str
    source: str
    caveat: str = ""
    metric: str | None = None
    measure: str = ""  # what decides, in words, for the reason shown to the user
    unmeasured_reason: str = "its measure could not be taken on the complete reps"
    sided: bool = False
    direction: Literal["above", "below", "abs_above"] = "above"
    side_from_sign: dict[Literal["positive", "negative"], Literal["left", "right"]] | None = None
    threshold: float | None = None
    unit: str = ""
    supporting: list[str] = Field(default_factory=list)
    views: dict[Literal["front", "back", "side", "oblique"], float] = Field(default_factory=dict)
    landmarks: list[str] = Field(default_factory=list)
    precondition: Precondition | None = None
    not_assessable_reason: str | None = None

    @model_validator(mode="after")
    def _measurable_or_explained(self) -> Rule:
        if self.code not in FINDING_CODES:
            raise ValueError(f"expected a code in {FINDING_CODES}, but got {self.code!r}")
        if self.not_assessable_reason is None:
            if self.metric is None or self.threshold is None or not self.views:
                raise ValueError(f"{self.code}: expected metric, threshold and views")
            if any(not 0 < f <= 1 for f in self.views.values()):
                raise ValueError(f"{self.code}: expected view confidence factors in (0, 1]")
        return self

    def exceeds(self, value: float) -> bool:
        """True when ``value`` is beyond the threshold in the rule's direction."""
        assert self.threshold is not None
        if self.direction == "below":
            return value < self.threshold
        if self.direction == "abs_above":
            return abs(value) > self.threshold
        return value > self.threshold


class RuleFile(RootModel[list[Rule]]):
    """``data/screening_rules.yaml``: a list of rules."""


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """The packaged rules, validated, in the order of :data:`FINDING_CODES`."""
    rules = tuple(load_packaged("screening_rules.yaml", RuleFile).root)
    codes = [r.code for r in rules]
    if sorted(codes) != sorted(FINDING_CODES):
        raise ValueError(f"expected one rule per code {FINDING_CODES}, but got {codes}")
    return tuple(sorted(rules, key=lambda r: FINDING_CODES.index(r.code)))


_COMPARE = {
    "above": "> {t:g} {u}",
    "below": "< {t:g} {u}",
    "abs_above": "absolute value > {t:g} {u}",
}


def _present_when(rule: Rule) -> str:
    if rule.not_assessable_reason is not None or rule.threshold is None:
        return "never measured"
    text = _COMPARE[rule.direction].format(t=rule.threshold, u=rule.unit).strip()
    if rule.sided:
        text += " (per side)"
    if rule.precondition is not None:
        text += (
            f"; judged only if {rule.precondition.metric} <= {rule.precondition.max:g} "
            "when standing"
        )
    return text


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rules_table_markdown(rules: tuple[Rule, ...] | None = None) -> str:
    """The thresholds table of docs/screening.md, generated from the rules (one row per code)."""
    rows = [
        "| finding | metric | present when | views (confidence factor) | source |",
        "|---|---|---|---|---|",
    ]
    for rule in rules or load_rules():
        views = ", ".join(f"{v} {f:g}" for v, f in rule.views.items()) or "-"
        metric = f"`{rule.metric}`" if rule.metric else "-"
        if rule.measure:
            metric += f": {_cell(rule.measure)}"
        rows.append(
            f"| {rule.title} | {metric} | {_present_when(rule)} | {views} | {_cell(rule.source)} |"
        )
    return "\n".join(rows) + "\n"
