"""Checks for values that arrive from outside (CSV exports, JSON restores, CLI options, web
forms) before they reach a model or the database: finite numbers in a range, text without
control characters and of a bounded length, times in a plausible span, JSON of bounded depth.

Each check raises ``ValueError`` with "expected X, but got Y" (readers turn it into a skipped
row or a :class:`~glutefire.errors.RecordError`); the limits are sanity bounds of input, not
training rules: design values (unverified), chosen far outside any real session.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

#: Earliest and latest accepted time of a recorded event: nothing was logged before 1970, and a
#: time more than a year ahead of the clock is a typo or a hostile file (plans are scheduled
#: weeks ahead, so the slack is generous).
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
FUTURE_SLACK = dt.timedelta(days=366)
#: Deepest nesting of a stored JSON value (answers, plans): real documents use fewer than 10.
MAX_JSON_DEPTH = 32
#: Control characters a text may keep (tab and line breaks: notes span lines).
KEPT_CONTROLS = "\t\n\r"


def finite(value: Any, what: str, *, low: float, high: float) -> float:
    """``value`` as a finite float in ``[low, high]`` (booleans and text are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected {what} as a number, but got {_shown(value)}")
    number = float(value) if not isinstance(value, int) or abs(value) < 1e300 else math.inf
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"expected {what} from {low:g} to {high:g}, but got {_shown(value)}")
    return number


def whole(value: Any, what: str, *, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]``; a float must be whole (``3.0`` -> 3)."""
    number = finite(value, what, low=low, high=high)
    if not number.is_integer():
        raise ValueError(f"expected {what} as a whole number, but got {_shown(value)}")
    return int(number)


def clean_text(value: Any, what: str, *, max_chars: int, multiline: bool = False) -> str:
    """Text of at most ``max_chars`` characters without control characters (escape sequences
    in a name would repaint a terminal; NUL breaks PostgreSQL); surrounding spaces stripped."""
    if not isinstance(value, str):
        raise ValueError(f"expected {what} as text, but got {_shown(value)}")
    text = value.strip()
    if len(text) > max_chars:
        raise ValueError(f"expected {what} of at most {max_chars} characters, but got {len(text)}")
    kept = KEPT_CONTROLS if multiline else ""
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in kept), None)
    if bad is not None:
        raise ValueError(f"expected {what} without control characters, but got {ord(bad):#04x}")
    return text


def plausible_time(
    moment: dt.datetime, what: str, *, now: dt.datetime | None = None
) -> dt.datetime:
    """An aware time between 1970 and a year after ``now`` (default: the clock)."""
    if moment.tzinfo is None:
        raise ValueError(f"expected {what} with a time zone, but got {moment.isoformat()}")
    latest = (now or dt.datetime.now(dt.timezone.utc)) + FUTURE_SLACK
    if not EARLIEST <= moment <= latest:
        raise ValueError(
            f"expected {what} between 1970 and {latest.date().isoformat()}, "
            f"but got {moment.isoformat()}"
        )
    return moment


def json_depth_within(value: Any, what: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``value`` unchanged if its lists/objects nest at most ``max_depth`` deep (iterative:
    a hostile document cannot exhaust the stack here)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise ValueError(f"expected {what} nested at most {max_depth} deep")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
