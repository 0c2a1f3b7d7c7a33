"""The questionnaire as data (``data/questionnaire.yaml``): one list of questions that the
terminal (``glutefire intake``) asks and the web form shows, and the two ways of turning replies
into the answers mapping that :func:`glutefire.programming.questionnaire.parse_answers`
validates. Replies are parsed here; the answers model stays the one judge of validity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from glutefire.datafiles import load_packaged

Kind = Literal["number", "integer", "choice", "yes_no", "multi", "pain_sites"]


class Question(BaseModel):
    """One question: the answers field it fills, how it is asked, and its form field name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    section: str
    prompt: str
    kind: Kind
    field: str
    options: list[str] = []
    min: float | None = None
    max: float | None = None
    default: str | None = None
    #: the web form's starting value where it differs from ``default`` (the terminal asks)
    form_value: str | None = None
    #: the question as the web form words it, where the terminal's wording does not fit
    form_prompt: str | None = None
    optional: bool = False
    #: the web form has no starting value and refuses to go on without an answer (red flags)
    must_answer: bool = False
    #: plain words for option ids (``crunches_situps`` -> "Crunches or sit-ups")
    labels: dict[str, str] = {}

    def label(self, option: str) -> str:
        """The option in plain words (its id with spaces where no label is given)."""
        return self.labels.get(option, option.replace("_", " "))

    @property
    def web_prompt(self) -> str:
        return self.form_prompt or self.prompt


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    questions: list[Question]

    def sections(self) -> list[tuple[str, list[Question]]]:
        """Questions grouped by section, sections in order of first appearance."""
        grouped: dict[str, list[Question]] = {}
        for q in self.questions:
            grouped.setdefault(q.section, []).append(q)
        return list(grouped.items())


@lru_cache(maxsize=1)
def load_questions() -> Questionnaire:
    """The packaged questionnaire, validated."""
    return load_packaged("questionnaire.yaml", Questionnaire)


def set_path(answers: dict[str, Any], path: str, value: Any) -> None:
    """``set_path(a, "training.x", 3)`` sets ``a["training"]["x"] = 3``."""
    *parents, last = path.split(".")
    for key in parents:
        answers = answers.setdefault(key, {})
    answers[last] = value


def parse_number_in(text: str, low: float, high: float, *, integer: bool = False) -> float | int:
    """A number reply in [low, high]; ValueError ("expected ...") otherwise."""
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise ValueError(
            f"expected a {'whole ' if integer else ''}number, but got {text!r}"
        ) from None
    if not low <= value <= high:
        raise ValueError(f"expected a number from {low:g} to {high:g}, but got {text}")
    return value


def parse_one_of(text: str, options: Sequence[str]) -> str:
    """A reply that is one of ``options``; ValueError otherwise."""
    if text not in options:
        raise ValueError(f"expected one of {', '.join(options)}, but got {text!r}")
    return text


def parse_yes_no(text: str) -> bool:
    """y/yes or n/no (any case); ValueError otherwise."""
    if text.lower() in ("y", "yes"):
        return True
    if text.lower() in ("n", "no"):
        return False
    raise ValueError(f"expected y or n, but got {text!r}")


def parse_list_of(text: str, options: Sequence[str]) -> list[str]:
    """A comma-separated reply drawn from ``options`` (empty or "none" = no items)."""
    items = [t.strip() for t in text.split(",") if t.strip() and t.strip() != "none"]
    bad = [t for t in items if t not in options]
    if bad:
        raise ValueError(f"expected items from {', '.join(options)}, but got {bad}")
    return items


def parse_number(q: Question, text: str) -> float | int:
    """A number reply within the question's range; ValueError ("expected ...") otherwise."""
    low = q.min if q.min is not None else float("-inf")
    high = q.max if q.max is not None else float("inf")
    return parse_number_in(text, low, high, integer=q.kind == "integer")


def parse_choice(q: Question, text: str) -> str:
    return parse_one_of(text, q.options)


def parse_list(q: Question, text: str) -> list[str]:
    return parse_list_of(text, q.options)


def terminal_prompt(q: Question) -> str:
    """The question as asked in the terminal (with its options and how to answer)."""
    if q.kind == "yes_no":
        return f"{q.prompt} (y/n)"
    if q.kind in ("multi", "pain_sites"):
        return f"{q.prompt} comma-separated ({', '.join(q.options)}) or none"
    if q.kind == "choice" and not q.optional:
        return f"{q.prompt}: {', '.join(q.options)}"
    return q.prompt


def parse_reply(q: Question, text: str) -> Any:
    """One terminal reply to ``q`` (pain sites: the list of sites; ratings are asked next).
    ``None`` for an empty reply to an optional question."""
    if not text and q.optional:
        return None
    if q.kind in ("number", "integer"):
        return parse_number(q, text)
    if q.kind == "choice":
        return parse_choice(q, text)
    if q.kind == "yes_no":
        return parse_yes_no(text)
    return parse_list(q, text)


def choices_by_id() -> Mapping[str, list[str]]:
    return {q.id: q.options for q in load_questions().questions if q.options}
