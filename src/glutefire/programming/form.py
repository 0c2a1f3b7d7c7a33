"""The questionnaire as a web form: read the submitted fields into answers with one message per
field that is wrong (the form is shown again with every reply kept), and turn stored answers
back into field values (the form starts from the last intake). Questions come from
``data/questionnaire.yaml``, the optional scales (NPRS, Kujala, Oswestry) from
``data/scales.yaml``, exactly as ``glutefire intake`` asks them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from glutefire.errors import IntakeError
from glutefire.programming.questionnaire import Answers, scales_data, score_scales
from glutefire.programming.questions import (
    Question,
    load_questions,
    parse_number,
    parse_number_in,
    parse_one_of,
    set_path,
)

#: Form fields of the optional scales; Kujala items and Oswestry sections are numbered from 1.
NPRS_FIELD = "nprs"
KUJALA_PREFIX = "kujala_"
OSWESTRY_PREFIX = "oswestry_"
KUJALA_LETTERS = "abcdefgh"
YES, NO = "yes", "no"

Get = Callable[[str], Any]


@dataclass
class FormReading:
    """What a submitted questionnaire form says: the answers mapping (valid only when
    ``errors`` is empty), the raw field values to show again, and one message per field name
    (``""`` holds a message about the whole form)."""

    answers: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def field_names(q: Question) -> list[str]:
    """The form fields of one question (multi and pain sites: one per option)."""
    if q.kind in ("multi", "pain_sites"):
        return [f"{q.field}{o}" for o in q.options]
    return [q.field]


def scale_field_names() -> list[str]:
    data = scales_data()
    return (
        [NPRS_FIELD]
        + [f"{KUJALA_PREFIX}{i}" for i in range(1, len(data.kujala.items) + 1)]
        + [f"{OSWESTRY_PREFIX}{i}" for i in range(1, len(data.oswestry.sections) + 1)]
    )


def read_form(get: Get) -> FormReading:
    """Read every question and scale; then let the answers model judge the whole."""
    reading = FormReading()
    names = [n for q in load_questions().questions for n in field_names(q)] + scale_field_names()
    reading.values = {n: str(get(n) or "").strip() for n in names}
    for q in load_questions().questions:
        try:
            value = _question_value(q, reading.values)
        except ValueError as exc:
            reading.errors[_error_field(q, exc)] = str(exc)
            continue
        if value is not None:
            set_path(reading.answers, q.id, value)
    scales = _read_scales(reading.values, reading.errors)
    if scales:
        reading.answers["scales"] = scales
    if not reading.errors:
        _judge(reading)
    return reading


class _FieldError(ValueError):
    """A reply that is wrong in one of a question's several fields."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _error_field(q: Question, exc: ValueError) -> str:
    return exc.name if isinstance(exc, _FieldError) else q.field


def _question_value(q: Question, values: Mapping[str, str]) -> Any:
    if q.kind == "yes_no":
        return _yes_no(q, values[q.field])
    if q.kind == "multi":
        return [o for o in q.options if values[f"{q.field}{o}"] in ("on", YES)]
    if q.kind == "pain_sites":
        return _pain_sites(q, values)
    raw = values[q.field] or q.default or ""
    if not raw:
        if q.optional:
            return None
        raise ValueError("please answer this question")
    if q.kind == "choice":
        return parse_one_of(raw, q.options)
    return parse_number(q, raw)


def _yes_no(q: Question, raw: str) -> bool:
    if raw in ("on", YES):  # "on": a checkbox
        return True
    if raw == NO:
        return False
    if q.must_answer:
        raise ValueError("please answer yes or no: a warning sign is never assumed absent")
    return (q.default or "n") == "y"


def _pain_sites(q: Question, values: Mapping[str, str]) -> dict[str, int]:
    ratings: dict[str, int] = {}
    for o in q.options:
        name = f"{q.field}{o}"
        if values[name] in ("", "0"):
            continue
        try:
            ratings[o] = int(parse_number_in(values[name], 0, 10, integer=True))
        except ValueError as exc:
            raise _FieldError(name, f"pain at the {q.label(o).lower()}: {exc}") from None
    return ratings


def _read_scales(values: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    scales: dict[str, Any] = {}
    if values[NPRS_FIELD]:
        try:
            scales["nprs"] = int(parse_number_in(values[NPRS_FIELD], 0, 10, integer=True))
        except ValueError as exc:
            errors[NPRS_FIELD] = str(exc)
    kujala = [values[n] for n in scale_field_names() if n.startswith(KUJALA_PREFIX)]
    if any(kujala):
        missing = [i for i, v in enumerate(kujala, start=1) if not v]
        for i in missing:
            errors[f"{KUJALA_PREFIX}{i}"] = "answer every Kujala item, or none of them"
        scales["kujala"] = kujala
    oswestry = [values[n] for n in scale_field_names() if n.startswith(OSWESTRY_PREFIX)]
    if any(oswestry):
        sections = [int(v) if v.isascii() and v.isdigit() else None for v in oswestry]
        needed = scales_data().oswestry.min_answered
        if sum(s is not None for s in sections) < needed:
            errors[f"{OSWESTRY_PREFIX}1"] = (
                f"answer at least {needed} of the {len(sections)} Oswestry sections "
                "(or none) for a score"
            )
        scales["oswestry"] = sections
    return scales


def _judge(reading: FormReading) -> None:
    """The answers model and the scale scoring, as for an intake file; a failure is put next
    to the field it concerns where the model says which."""
    try:
        answers = Answers.model_validate(reading.answers)
        score_scales(answers.scales)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            reading.errors.setdefault(_field_for(where), message)
    except IntakeError as exc:
        reading.errors.setdefault("", str(exc))


def _field_for(where: str) -> str:
    for q in load_questions().questions:
        if where == q.id or where.startswith(f"{q.id}."):
            return field_names(q)[0]
    return ""


def form_values(answers: Mapping[str, Any]) -> dict[str, str]:
    """Field values that show stored ``answers`` (an intake's) in the form. Red flags are left
    out: they are asked afresh every time."""
    values: dict[str, str] = {}
    for q in load_questions().questions:
        if q.must_answer:
            continue
        value = _get_path(answers, q.id)
        if value is None:
            continue
        if q.kind == "yes_no":
            values[q.field] = YES if value else NO
        elif q.kind == "multi":
            values.update({f"{q.field}{o}": "on" for o in value if o in q.options})
        elif q.kind == "pain_sites":
            values.update({f"{q.field}{o}": str(r) for o, r in dict(value).items()})
        else:
            values[q.field] = _plain_number(value)
    values.update(_scale_values(answers.get("scales") or {}))
    return values


def _scale_values(scales: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    if scales.get("nprs") is not None:
        values[NPRS_FIELD] = str(scales["nprs"])
    for i, letter in enumerate(scales.get("kujala") or [], start=1):
        values[f"{KUJALA_PREFIX}{i}"] = str(letter)
    for i, section in enumerate(scales.get("oswestry") or [], start=1):
        values[f"{OSWESTRY_PREFIX}{i}"] = "" if section is None else str(section)
    return values


def _get_path(answers: Mapping[str, Any], path: str) -> Any:
    node: Any = answers
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _plain_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answers_from_form(get: Get) -> dict[str, Any]:
    """The answers from web form fields; :class:`IntakeError` naming the first wrong field."""
    reading = read_form(get)
    if reading.errors:
        name, message = next(iter(reading.errors.items()))
        raise IntakeError(f"{name or 'answers'}: {message}")
    return reading.answers
