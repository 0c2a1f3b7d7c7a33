"""Questionnaire answers: model, validation, scale scoring and flat facts for the rules.

The answers file format is documented in ``docs/questionnaire.md``. Scales (evidence.md §6):
Kujala AKPS (13 items, 0-100, higher = better), Oswestry ODI (sum / (5 x answered) x 100, with
bands) and NPRS (0-10). Item points and bands live in ``data/scales.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from glutefire.datafiles import load_packaged
from glutefire.errors import IntakeError
from glutefire.programming.conditions import Fact
from glutefire.programming.library import format_validation_error

PainSite = Literal["knee", "lower_back", "groin", "shoulder", "hip"]
PAIN_SITES: tuple[PainSite, ...] = ("knee", "lower_back", "groin", "shoulder", "hip")
Injury = Literal[
    "patellofemoral_pain", "it_band_syndrome", "disc_herniation", "piriformis_syndrome"
]
INJURIES: tuple[str, ...] = get_args(Injury)
AbdominalTraining = Literal["none", "crunches_situps", "planks_bracing", "mixed"]
JumpLanding = Literal["no_jumping", "soft_quiet", "stiff_loud", "knees_cave_in", "unsure"]
Sex = Literal["female", "male", "other"]
Sport = Literal["running", "field_sports", "court_sports", "cycling", "strength_training", "other"]
SPORTS: tuple[str, ...] = get_args(Sport)
_LETTERS = "abcdefgh"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Training(_Strict):
    """Training style: share of quad-dominant work and abdominal habits."""

    quad_dominant_percent: int = Field(ge=0, le=100)
    abdominal_training: AbdominalTraining


class Tightness(_Strict):
    """Felt tightness: after glute-dominant lifts, and known tight areas."""

    hamstrings_after_glute_lifts: bool
    groin_after_glute_lifts: bool
    hamstring_flexibility_normal: bool | None = None
    hip_flexors: bool
    low_back: bool
    hamstrings_cramp_in_bridges: bool | None = None  # the seed's own self-test (evidence §4)


class RedFlagAnswers(_Strict):
    """Yes/no screening questions; any yes stops the program (see ``red_flags.py``)."""

    worsening_pain: bool
    numbness_or_tingling: bool
    pain_at_night: bool
    recent_trauma: bool
    bladder_or_bowel_changes: bool
    unexplained_weight_loss_or_fever: bool
    leg_weakness: bool


class Scales(_Strict):
    """Optional validated scales: raw item answers, scored by this module."""

    kujala: list[str] | None = None
    oswestry: list[int | None] | None = None
    nprs: int | None = Field(default=None, ge=0, le=10)

    @field_validator("kujala")
    @classmethod
    def _kujala_letters(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if len(value) != 13:
            raise ValueError(f"expected 13 Kujala answers (letters a-e), but got {len(value)}")
        return [str(v).strip().lower() for v in value]

    @field_validator("oswestry")
    @classmethod
    def _oswestry_sections(cls, value: list[int | None] | None) -> list[int | None] | None:
        if value is None:
            return None
        if len(value) != 10:
            raise ValueError(f"expected 10 Oswestry sections (0-5 or null), but got {len(value)}")
        bad = [v for v in value if v is not None and not 0 <= v <= 5]
        if bad:
            raise ValueError(f"expected Oswestry section scores 0-5, but got {bad}")
        return value


class Answers(_Strict):
    """All questionnaire answers (the ``answers`` block of an intake file)."""

    schema_version: Literal[1] = 1
    age_years: int | None = Field(default=None, ge=10, le=110)
    sex: Sex | None = None  # FPPA norms differ by sex (evidence.md §2.1)
    sports: list[Sport] = []
    sitting_hours_per_day: float = Field(ge=0, le=24)
    training: Training
    pain: dict[PainSite, int] = {}
    tightness: Tightness
    jump_landing: JumpLanding
    injuries: list[Injury] = []
    red_flags: RedFlagAnswers
    scales: Scales = Scales()

    @field_validator("pain")
    @classmethod
    def _pain_range(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in value.items() if not 0 <= v <= 10}
        if bad:
            raise ValueError(f"expected pain ratings 0-10, but got {bad}")
        return value


class ScaleScores(_Strict):
    """Scored scales; ``None`` where a scale was not answered."""

    kujala: int | None = None
    oswestry_pct: float | None = None
    oswestry_band: str | None = None
    oswestry_answered: int | None = None
    nprs: int | None = None


class Intake(_Strict):
    """The intake file written by ``glutefire intake``: answers plus derived scores."""

    schema_version: Literal[1] = 1
    created_on: str
    answers: Answers
    scores: ScaleScores
    red_flags: list[str] = []


class KujalaItem(BaseModel):
    """One Kujala item: its question and (option text, points) in the order a, b, c, ..."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    question: str
    options: list[tuple[str, int]] = Field(min_length=2)


class KujalaScale(BaseModel):
    """The Kujala Anterior Knee Pain Scale: 13 items summing to at most 100 points."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    source: str
    items: list[KujalaItem] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _total_is_100(cls, items: list[KujalaItem]) -> list[KujalaItem]:
        best = sum(max(points for _, points in item.options) for item in items)
        if best != 100:
            raise ValueError(f"expected the best answers to total 100 points, but got {best}")
        return items


class OswestryBand(BaseModel):
    """A disability band: scores up to ``up_to`` % (inclusive) get ``label``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    up_to: float
    label: str


class OswestryScale(BaseModel):
    """The Oswestry Disability Index: sections scored 0-5, bands over the % score."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    source: str
    sections: list[str] = Field(min_length=1)
    min_answered: int = Field(ge=1)
    bands: list[OswestryBand] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _bands_reach_100(cls, bands: list[OswestryBand]) -> list[OswestryBand]:
        if bands[-1].up_to < 100:
            raise ValueError(f"expected the last band to reach 100 %, but got {bands[-1].up_to}")
        return bands


class NamedScale(BaseModel):
    """A scale scored directly (NPRS 0-10): its name and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    source: str


class ScalesData(BaseModel):
    """The packaged ``data/scales.yaml``: item points, bands and sources (evidence.md §6)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    kujala: KujalaScale
    oswestry: OswestryScale
    nprs: NamedScale


@lru_cache(maxsize=1)
def scales_data() -> ScalesData:
    """The packaged scales, validated (read once)."""
    return load_packaged("scales.yaml", ScalesData)


def parse_answers(data: object) -> Answers:
    """Validate answers (a mapping, or an intake file holding ``answers``); raise IntakeError."""
    if isinstance(data, dict) and "answers" in data:
        data = data["answers"]
    if not isinstance(data, dict):
        raise IntakeError(f"expected a mapping of answers, but got {type(data).__name__}")
    try:
        answers = Answers.model_validate(data)
    except ValidationError as exc:
        raise IntakeError(f"answers: {format_validation_error(exc)}") from None
    score_scales(answers.scales)
    return answers


def score_kujala(choices: list[str]) -> int:
    """Kujala AKPS total (0-100) from 13 option letters ``a``, ``b``, ... in item order."""
    items = scales_data().kujala.items
    if len(choices) != len(items):
        raise IntakeError(f"expected {len(items)} Kujala answers, but got {len(choices)}")
    total = 0
    for number, (item, choice) in enumerate(zip(items, choices, strict=True), start=1):
        letters = _LETTERS[: len(item.options)]
        if len(choice) != 1 or choice not in letters:
            raise IntakeError(
                f"expected Kujala item {number} ({item.question}) to be one of "
                f"{', '.join(letters)}, but got {choice!r}"
            )
        total += item.options[letters.index(choice)][1]
    return total


def score_oswestry(
    sections: list[int | None], *, min_answered: int | None = None
) -> tuple[float, str]:
    """Oswestry Disability Index in % and its band: sum / (5 x sections answered) x 100."""
    data = scales_data().oswestry
    needed = data.min_answered if min_answered is None else min_answered
    answered = [s for s in sections if s is not None]
    if len(answered) < needed:
        raise IntakeError(
            f"expected at least {needed} answered Oswestry sections, but got {len(answered)}"
        )
    pct = round(sum(answered) / (5 * len(answered)) * 100, 1)
    band = next(b.label for b in data.bands if pct <= b.up_to)
    return pct, band


def score_scales(scales: Scales) -> ScaleScores:
    """Score every answered scale; raise :class:`IntakeError` on invalid item answers."""
    kujala = score_kujala(scales.kujala) if scales.kujala is not None else None
    pct, band, answered = None, None, None
    if scales.oswestry is not None:
        pct, band = score_oswestry(scales.oswestry)
        answered = sum(s is not None for s in scales.oswestry)
    return ScaleScores(
        kujala=kujala,
        oswestry_pct=pct,
        oswestry_band=band,
        oswestry_answered=answered,
        nprs=scales.nprs,
    )


def answer_facts(answers: Answers) -> dict[str, Fact]:
    """Flatten answers into facts for rule conditions (``pain.knee``, ``injuries.x`` ...)."""
    facts: dict[str, Fact] = {"sitting_hours_per_day": answers.sitting_hours_per_day}
    facts.update({f"training.{k}": v for k, v in answers.training.model_dump().items()})
    facts.update({f"tightness.{k}": v for k, v in answers.tightness.model_dump().items()})
    facts.update({f"red_flags.{k}": v for k, v in answers.red_flags.model_dump().items()})
    facts.update({f"pain.{site}": answers.pain.get(site, 0) for site in PAIN_SITES})
    facts["pain.max"] = max(answers.pain.values(), default=0)
    facts.update({f"injuries.{name}": name in answers.injuries for name in INJURIES})
    facts["jump_landing"] = answers.jump_landing
    facts["age_years"] = answers.age_years
    facts["sex"] = answers.sex
    facts.update({f"sports.{name}": name in answers.sports for name in SPORTS})
    landing_sports = {"field_sports", "court_sports"} & set(answers.sports)
    facts["sports.landing_or_cutting"] = bool(landing_sports)
    scores = score_scales(answers.scales)
    facts.update({f"scales.{k}": v for k, v in scores.model_dump().items()})
    return facts
