"""Format registry and sniffing: pick the reader whose required columns are all in the header.

To add an app: write a module with ``NAME``, ``REQUIRED``, ``KNOWN``, ``is_set_row(row)`` and
``parse_row(row, counter, *, time_zone, weight_unit)`` and add it to :data:`READERS`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

from glutefire.errors import TrainingLogFormatError
from glutefire.tracking.training_log import hevy, strong
from glutefire.tracking.training_log.csvutil import read_rows
from glutefire.tracking.training_log.model import ParsedLog, RowProblem

READERS: dict[str, ModuleType] = {strong.NAME: strong, hevy.NAME: hevy}
WEIGHT_UNITS = ("kg", "lb")


def sniff_format(header: list[str]) -> str:
    """The registered format whose required columns all appear in ``header``."""
    for name, reader in READERS.items():
        if all(column in header for column in reader.REQUIRED):
            return name
    raise TrainingLogFormatError(
        f"expected a CSV export from {' or '.join(READERS)} (see docs/training-log-formats.md), "
        f"but got columns {', '.join(header[:8])}"
    )


def parse_training_log(
    text: str, *, time_zone: str, fmt: str | None = None, weight_unit: str = "kg"
) -> ParsedLog:
    """Parse CSV text. Bad rows are skipped and reported with their line number."""
    if weight_unit not in WEIGHT_UNITS:
        raise TrainingLogFormatError(f"expected weight unit kg or lb, but got {weight_unit!r}")
    header, rows = read_rows(text)
    name = fmt or sniff_format(header)
    if name not in READERS:
        raise TrainingLogFormatError(f"expected format {' or '.join(READERS)}, but got {name!r}")
    reader = READERS[name]
    missing = [c for c in reader.REQUIRED if c not in header]
    if missing:
        raise TrainingLogFormatError(
            f"expected {name} columns {', '.join(missing)}, but they are missing"
        )
    counter: Counter = Counter()
    sets, problems, ignored = [], [], 0
    for line, row in rows:
        if not reader.is_set_row(row):
            ignored += 1
            continue
        try:
            if "__width__" in row:
                raise ValueError(f"expected one value per column, but got {row['__width__']}")
            sets.append(
                reader.parse_row(row, counter, time_zone=time_zone, weight_unit=weight_unit)
            )
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
    unknown = [c for c in header if c and c not in reader.KNOWN]
    return ParsedLog(name, sets, problems, unknown, ignored)


def read_training_log(
    path: Path, *, time_zone: str, fmt: str | None = None, weight_unit: str = "kg"
) -> ParsedLog:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingLogFormatError(
            f"expected a readable UTF-8 CSV file, but got {path}: {exc}"
        ) from None
    return parse_training_log(text, time_zone=time_zone, fmt=fmt, weight_unit=weight_unit)
