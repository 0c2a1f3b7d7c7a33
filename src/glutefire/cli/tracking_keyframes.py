"""``glutefire progress --keyframes``: a re-screened finding's stored keyframes, before and now,
side by side in one JPEG per finding and side."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from glutefire.errors import InputFileError
from glutefire.reports.compare_keyframes import side_by_side_jpeg
from glutefire.store.models import Person
from glutefire.store.repository import finding_keyframe
from glutefire.tracking.relapse import Comparison


def write_side_by_side(
    uow: Session, who: Person, rows: Sequence[Comparison], out_dir: Path
) -> list[Path]:
    """``compare_<finding>_<side>.jpg`` per compared finding: the stored keyframes of the two
    screenings side by side, captioned with dates and values."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"could not create the keyframes folder {out_dir}: {exc}") from None
    written = []
    for c in rows:
        before = finding_keyframe(uow, who, c.previous_at, c.code)
        now = finding_keyframe(uow, who, c.current_at, c.code)
        unit = f" {c.unit}" if c.unit else ""
        captions = (
            f"{c.previous_at:%Y-%m-%d}: {c.previous:.1f}{unit}",
            f"{c.current_at:%Y-%m-%d}: {c.current:.1f}{unit} ({c.verdict})",
        )
        path = out_dir / f"compare_{c.key}.jpg"
        try:
            path.write_bytes(side_by_side_jpeg(before, now, captions, c.label))
        except OSError as exc:
            raise InputFileError(f"could not write {path}: {exc}") from None
        written.append(path)
    return written
