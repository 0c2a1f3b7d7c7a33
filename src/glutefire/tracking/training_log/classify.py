"""Classify an exercise name as hip-dominant, knee-dominant or other.

Order of precedence (the first that knows the name wins):

1. the user's override file (YAML mapping ``name: hip|knee|other``),
2. the exercise library (a mapping ``{name_or_alias: movement}`` passed in by the caller),
3. the keyword rules in ``data/exercise_patterns.yaml`` (documented there),
4. otherwise ``other``, reported as unclassified.

Names are compared after :func:`normalise_name`, so ``"Hip Thrust (Barbell)"`` and
``"hip thrust"`` are the same exercise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from glutefire.datafiles import data_text
from glutefire.errors import RecordError

MOVEMENTS = ("hip", "knee", "other")
_EQUIPMENT_SUFFIX = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class KeywordRule:
    pattern: re.Pattern[str]
    movement: str


@dataclass(frozen=True)
class Classification:
    movement: str  # hip, knee or other
    method: str  # override, library, keyword or unclassified


def normalise_name(name: str) -> str:
    without_equipment = _EQUIPMENT_SUFFIX.sub(" ", name.lower())
    return " ".join(_NON_WORD.sub(" ", without_equipment).split())


def _movement(value: object, where: str) -> str:
    if value not in MOVEMENTS:
        raise RecordError(f"expected {where} to be hip, knee or other, but got {value!r}")
    return str(value)


def normalise_mapping(mapping: Mapping[str, str], where: str) -> dict[str, str]:
    return {normalise_name(k): _movement(v, f"{where} {k!r}") for k, v in mapping.items()}


def load_keyword_rules(path: Path | None = None) -> list[KeywordRule]:
    text = data_text("exercise_patterns.yaml", path)[0]
    rules = []
    for i, record in enumerate(yaml.safe_load(text)["rules"]):
        try:
            pattern = re.compile(record["pattern"])
        except (KeyError, TypeError, re.error) as exc:
            raise RecordError(f"expected a regular expression in rule {i}, but got {exc}") from None
        rules.append(KeywordRule(pattern, _movement(record.get("movement"), f"rule {i} movement")))
    return rules


def load_overrides(path: Path | None) -> dict[str, str]:
    """The user's override file: a YAML mapping of exercise name to hip, knee or other."""
    if path is None or not Path(path).exists():
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RecordError(
            f"expected a YAML mapping in {path}, but it does not parse: {exc}"
        ) from None
    if not isinstance(data, Mapping):
        raise RecordError(
            f"expected a YAML mapping name -> hip|knee|other in {path}, but got {data!r}"
        )
    return normalise_mapping(data, f"override in {path}")


def classify_exercise(
    name: str,
    *,
    library: Mapping[str, str],
    rules: Sequence[KeywordRule],
    overrides: Mapping[str, str] | None = None,
) -> Classification:
    """``library`` and ``overrides`` must already be normalised (see :func:`normalise_mapping`)."""
    key = normalise_name(name)
    if overrides and key in overrides:
        return Classification(overrides[key], "override")
    if key in library:
        return Classification(library[key], "library")
    for rule in rules:
        if rule.pattern.search(key):
            return Classification(rule.movement, "keyword")
    return Classification("other", "unclassified")


def library_mapping() -> dict[str, str]:
    """Names and ids of the exercise library with their movement class (hip, knee, other)."""
    from glutefire.programming.library import movement_classes

    return normalise_mapping(movement_classes(), "library")


def make_classifier(overrides: Mapping[str, str] | None = None) -> Callable[[str], Classification]:
    """The classifier ``glutefire balance`` and the web app use: the user's ``overrides``
    (normalised, :func:`load_overrides`), then the library, then the keyword rules."""
    library, rules = library_mapping(), load_keyword_rules()

    def classify(name: str) -> Classification:
        return classify_exercise(name, library=library, rules=rules, overrides=overrides)

    return classify
