"""Form fields read strictly: whole numbers in a range, dates (one "expected X, but got Y"
error, never an exception from ``int``/``float`` on text such as ``1e400`` or ``inf``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from glutefire.errors import RecordError

_WHOLE = re.compile(r"^\d{1,4}$")


def whole_number(form: Mapping[str, Any], name: str, what: str, high: int) -> int | None:
    """A blank field is None; otherwise a whole number from 0 to ``high``."""
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    if not _WHOLE.match(raw) or int(raw) > high:
        raise RecordError(
            f"expected {what} as a whole number from 0 to {high}, but got {raw[:20]!r}"
        )
    return int(raw)


def day(form: Mapping[str, Any], name: str, what: str) -> dt.date | None:
    """A blank field is None; otherwise a ``YYYY-MM-DD`` date."""
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise RecordError(f"expected {what} as YYYY-MM-DD, but got {raw[:20]!r}") from None
