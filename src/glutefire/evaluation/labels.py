"""Hand labels of real clips (format documented in docs/evaluation.md), validated on entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from glutefire.errors import InputFileError
from glutefire.result import FINDING_CODES, Status

ViewLabel = Literal["front", "back", "side", "oblique", "mixed"]


class ClipLabel(BaseModel):
    """What a person saw in one clip. A finding not listed is unlabelled, not absent."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    file: str = Field(min_length=1)
    view: ViewLabel | list[ViewLabel]
    complete_reps: list[int] = Field(min_length=1)
    bottoms_s: list[float] | None = None
    findings: dict[str, Status | list[Status]] = Field(default_factory=dict)
    expected_error: str | None = None
    note: str = ""

    @field_validator("complete_reps")
    @classmethod
    def _non_negative(cls, counts: list[int]) -> list[int]:
        if any(c < 0 for c in counts):
            raise ValueError(f"expected counts >= 0, but got {counts}")
        return counts

    @field_validator("findings")
    @classmethod
    def _known_codes(cls, findings: dict[str, object]) -> dict[str, object]:
        unknown = sorted(set(findings) - set(FINDING_CODES))
        if unknown:
            raise ValueError(f"expected finding codes from {FINDING_CODES}, but got {unknown}")
        return findings

    @property
    def views(self) -> list[str]:
        """Acceptable views as a list."""
        return [self.view] if isinstance(self.view, str) else list(self.view)

    def accepted_statuses(self, code: str) -> list[Status]:
        """The statuses of ``code`` that agree with the label."""
        wanted = self.findings[code]
        return wanted if isinstance(wanted, list) else [wanted]


class LabelSet(BaseModel):
    """A labels file: a list of labelled clips."""

    model_config = ConfigDict(extra="forbid")
    about: str = ""
    clips: list[ClipLabel] = Field(min_length=1)

    @field_validator("clips")
    @classmethod
    def _unique_ids(cls, clips: list[ClipLabel]) -> list[ClipLabel]:
        ids = [c.id for c in clips]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"expected unique clip ids, but {dupes} repeat")
        return clips


def load_labels(path: Path) -> LabelSet:
    """Read and validate a labels file; one clear :class:`InputFileError` when it is wrong."""
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such labels file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: expected a JSON labels file, but {exc}") from None
    try:
        return LabelSet.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputFileError(f"{path}: {where}: {first['msg']}") from None
