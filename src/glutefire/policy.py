"""Screening policy numbers as validated data (``data/screening_policy.yaml``).

Standing level, visibility cut-offs, confidence bands and rep-count factors: each is declared
once, in the data file, next to its unit and source, and read here.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glutefire.datafiles import load_packaged


class _Cited(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    unit: str
    source: str = Field(min_length=10)


class Fraction(_Cited):
    """A number in [0, 1]."""

    value: float = Field(ge=0, le=1)


class Angle(_Cited):
    """An angle in degrees, [0, 180]."""

    value: float = Field(ge=0, le=180)


class ConfidenceBands(_Cited):
    """Lower bounds of the "high" and "moderate" confidence labels."""

    high: float = Field(gt=0, le=1)
    moderate: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> ConfidenceBands:
        if self.moderate >= self.high:
            raise ValueError(f"expected moderate < high, but got {self.moderate} >= {self.high}")
        return self


class RepCount(_Cited):
    """Reps recommended for a stable mean, and the confidence factor for fewer."""

    recommended: int = Field(ge=1)
    factor: dict[int, float]

    @model_validator(mode="after")
    def _below_recommended(self) -> RepCount:
        for reps, factor in self.factor.items():
            if not (1 <= reps < self.recommended and 0 < factor <= 1):
                raise ValueError(
                    f"expected factors in (0, 1] for 1-{self.recommended - 1} reps, "
                    f"but got {reps}: {factor}"
                )
        return self


class ScreeningPolicy(BaseModel):
    """All policy numbers of the screen."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    standing_level: Fraction
    min_visibility: Fraction
    min_mean_visibility: Fraction
    min_leg_visibility: Fraction
    standing_max_knee_flexion: Angle
    standing_min_thigh_to_shank: Fraction
    confidence_bands: ConfidenceBands
    rep_count: RepCount


@lru_cache(maxsize=1)
def screening_policy() -> ScreeningPolicy:
    """The packaged policy, validated (raises LibraryError naming the problem)."""
    return load_packaged("screening_policy.yaml", ScreeningPolicy)
