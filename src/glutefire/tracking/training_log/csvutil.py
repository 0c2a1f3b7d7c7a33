"""Small helpers shared by the CSV readers: delimiter sniffing, numbers, local times."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from glutefire.errors import TrainingLogFormatError

LB_TO_KG = 0.45359237
MILE_TO_M = 1609.344


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and ``(line_number, row)`` pairs; ``;`` or ``,`` separated (sniffed from header)."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            row = dict(zip(header, (v.strip() for v in values), strict=False))
            if len(values) != len(header):
                row["__width__"] = f"{len(values)} fields, header has {len(header)}"
            rows.append((reader.line_num, row))
    except StopIteration:
        raise TrainingLogFormatError("expected a CSV header line, but the file is empty") from None
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit() (128 KiB)
        raise TrainingLogFormatError(
            f"expected a CSV export, but line {reader.line_num} is not readable CSV ({exc})"
        ) from None
    return header, rows


def parse_number(text: str | None, what: str) -> float | None:
    """``""`` -> None; ``"1,5"`` (decimal comma) -> 1.5; garbage -> ValueError naming ``what``."""
    if text is None or text.strip() == "":
        return None
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"expected {what} as a number, but got {text[:40]!r}") from None
    if not math.isfinite(value):  # "inf", "nan", "1e400"
        raise ValueError(f"expected {what} as a finite number, but got {text[:40]!r}")
    return value


def parse_int(text: str | None, what: str) -> int | None:
    value = parse_number(text, what)
    if value is None:
        return None
    if not value.is_integer():
        raise ValueError(f"expected {what} as a whole number, but got {text!r}")
    return int(value)


def parse_local_time(text: str, formats: Sequence[str], time_zone: str, what: str) -> dt.datetime:
    """Parse a wall-clock time written by the app and attach the person's time zone."""
    cleaned = " ".join(text.replace("\u202f", " ").split())
    for fmt in formats:
        try:
            naive = dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=ZoneInfo(time_zone))
    raise ValueError(
        f"expected {what} like {dt.datetime(2026, 3, 29, 7, 5).strftime(formats[0])}, "
        f"but got {text!r}"
    )
