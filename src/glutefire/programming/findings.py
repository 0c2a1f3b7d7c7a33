"""The screening result JSON (written by ``glutefire screen``), validated for programming.

Only the fields programming needs are required; extra fields written by the screen are kept
out of the way (ignored), so the screen may add more without breaking plans.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from glutefire.errors import FindingsError
from glutefire.programming.library import format_validation_error

FindingCode = Literal[
    "knees_cave_in",
    "knees_forward",
    "excessive_forward_lean",
    "low_back_arches",
    "heel_rise",
    "feet_turn_out",
    "asymmetric_weight_shift",
    "arms_fall_forward",
    "insufficient_depth",
]
Status = Literal["present", "absent", "not_assessable"]


class Finding(BaseModel):
    """One screening finding."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: FindingCode
    status: Status
    side: Literal["left", "right", "both", "none"]
    value: float | None = None
    threshold: float | None = None
    unit: str | None = None
    reps: list[int] | int | None = None
    confidence: float = Field(ge=0, le=1)
    reason: str = ""
    source: str = ""
    heels_elevated_status: Status | None = None

    @property
    def label(self) -> str:
        """Plain label such as ``knees_cave_in (left)``."""
        side = "" if self.side == "none" else f" ({self.side})"
        return f"{self.code}{side}"


class ScreeningResult(BaseModel):
    """Top level of the screening result JSON (schema_version 1)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: Literal[1]
    view: str | None = None
    findings: list[Finding]
    disclaimer: str = ""

    def with_status(self, status: Status) -> list[Finding]:
        """Findings with the given status, in file order."""
        return [f for f in self.findings if f.status == status]


def parse_screening_result(data: object, *, origin: str = "screening result") -> ScreeningResult:
    """Validate a parsed screening result; raise :class:`FindingsError` with the first problem."""
    if not isinstance(data, dict):
        raise FindingsError(f"{origin}: expected a JSON object, but got {type(data).__name__}")
    try:
        return ScreeningResult.model_validate(data)
    except ValidationError as exc:
        raise FindingsError(f"{origin}: {format_validation_error(exc)}") from None
