"""The load an exercise was done with, as a number and a unit (pure).

A logged load is one of: a weight in ``kg`` or ``lb`` (a finite number above 0), ``bodyweight``
(no number) or a ``band`` (no number; its colour or strength may go in the session notes). The
web form gives the number and the unit separately (:func:`load_from_fields`); the CLI's
``--set ID:3x12@20kg`` gives one text (:func:`parse_load`), where free text that is not a load
(``@light``) stays text with no unit, as before.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from glutefire.errors import RecordError

LOAD_UNITS = ("kg", "lb", "bodyweight", "band")
WEIGHT_UNITS = ("kg", "lb")
#: Largest weight accepted per unit: above any lift on record (design value, a typo guard).
MAX_WEIGHT = {"kg": 600.0, "lb": 1300.0}
KG_PER_LB = 0.45359237  # exact, by definition of the international pound

_WEIGHT_RE = re.compile(r"^(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>kgs?|lbs?)$", re.IGNORECASE)
_BODYWEIGHT = {"bw", "bodyweight", "body weight", "body-weight"}


@dataclass(frozen=True)
class Load:
    """``value`` in ``unit`` (``kg`` or ``lb``), or ``None`` for ``bodyweight`` and ``band``."""

    value: float | None
    unit: str

    @property
    def text(self) -> str:
        """As shown and stored in ``done_load``: ``"20 kg"``, ``"45 lb"``, ``"bodyweight"``."""
        return self.unit if self.value is None else f"{self.value:g} {self.unit}"

    @property
    def kg(self) -> float | None:
        """The weight in kg (``None`` for bodyweight and band)."""
        if self.value is None:
            return None
        return self.value if self.unit == "kg" else round(self.value * KG_PER_LB, 3)


def check_load(value: float | None, unit: str) -> Load:
    """A validated :class:`Load` ("expected X, but got Y" otherwise)."""
    if unit not in LOAD_UNITS:
        raise RecordError(f"expected a load unit from {', '.join(LOAD_UNITS)}, but got {unit!r}")
    if unit not in WEIGHT_UNITS:
        if value is not None:
            raise RecordError(f"expected no number with a {unit} load, but got {value:g}")
        return Load(None, unit)
    if value is None:
        raise RecordError(f"expected a weight in {unit}, but got none")
    limit = MAX_WEIGHT[unit]
    if not math.isfinite(value) or not 0 < value <= limit:
        raise RecordError(
            f"expected a weight above 0 and at most {limit:g} {unit}, but got {value}"
        )
    return Load(float(value), unit)


def load_from_fields(value_text: str, unit: str) -> Load | None:
    """A form's number field and unit choice; both blank means no load was given."""
    value_text, unit = value_text.strip(), unit.strip()
    if not value_text and not unit:
        return None
    if not unit:
        raise RecordError(f"expected a unit ({', '.join(LOAD_UNITS)}) for the load {value_text!r}")
    try:
        value = float(value_text) if value_text else None
    except ValueError:
        raise RecordError(f"expected a number for the load, but got {value_text[:40]!r}") from None
    return check_load(value, unit)


def parse_load(text: str | None) -> Load | None:
    """``"20kg"``, ``"45 lbs"``, ``"bodyweight"``/``"bw"``, ``"band"``/``"red band"`` as a
    :class:`Load`; ``None`` for no text or free text that names no unit."""
    if text is None:
        return None
    cleaned = text.strip()
    match = _WEIGHT_RE.match(cleaned)
    if match is not None:
        unit = "kg" if match["unit"].lower().startswith("kg") else "lb"
        return check_load(float(match["value"]), unit)
    lowered = cleaned.lower()
    if lowered in _BODYWEIGHT:
        return Load(None, "bodyweight")
    if lowered == "band" or lowered.endswith(" band"):
        return Load(None, "band")
    return None
