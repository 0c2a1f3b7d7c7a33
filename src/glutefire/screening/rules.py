"""Screening rules as validated data (``data/screening_rules.yaml``)."""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from glutefire.datafiles import read_packaged_text

FINDING_CODES = (
    "knees_cave_in", "knees_forward", "excessive_forward_lean", "low_back_arches", "heel_rise",
    "feet_turn_out", "asymmetric_weight_shift", "arms_fall_forward", "insufficient_depth",
)


class Status(str, Enum):
    """Outcome of one rule."""

    PRESENT = "present"
    ABSENT = "absent"
    NOT_ASSESSABLE = "not_assessable"


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


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """The packaged rules, validated, in the order of :data:`FINDING_CODES`."""
    rules = tuple(Rule.model_validate(item)
                  for item in yaml.safe_load(read_packaged_text("screening_rules.yaml")))
    codes = [r.code for r in rules]
    if sorted(codes) != sorted(FINDING_CODES):
        raise ValueError(f"expected one rule per code {FINDING_CODES}, but got {codes}")
    return tuple(sorted(rules, key=lambda r: FINDING_CODES.index(r.code)))
