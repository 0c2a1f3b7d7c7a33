"""Conditions as data: one small record tests one fact from the questionnaire or the screen.

Facts are a flat mapping such as ``{"pain.knee": 4, "tightness.hip_flexors": True}``
(see :func:`glutefire.programming.questionnaire.answer_facts`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

Fact = bool | int | float | str | None


class Condition(BaseModel):
    """True when ``fact`` satisfies every comparison given (``None`` = no constraint)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str = Field(min_length=1)
    at_least: float | None = None
    at_most: float | None = None
    equals: bool | int | str | None = None
    one_of: list[str] | None = None

    @model_validator(mode="after")
    def _one_comparison(self) -> Condition:
        given = [
            v for v in (self.at_least, self.at_most, self.equals, self.one_of) if v is not None
        ]
        if not given:
            raise ValueError(f"expected a comparison for fact {self.fact!r}, but got none")
        return self

    def matches(self, facts: dict[str, Fact]) -> bool:
        """Apply the condition to ``facts``; an absent fact never matches."""
        value = facts.get(self.fact)
        if value is None:
            return False
        checks = (
            self.at_least is None or _number(value) >= self.at_least,
            self.at_most is None or _number(value) <= self.at_most,
            self.equals is None or value == self.equals,
            self.one_of is None or value in self.one_of,
        )
        return all(checks)


def _number(value: Fact) -> float:
    return float(value) if isinstance(value, int | float) else float("nan")
