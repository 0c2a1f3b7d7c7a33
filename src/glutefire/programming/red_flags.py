"""Red flags: answers that stop the program and send the person to a clinician first.

The flags are data (``data/red_flags.yaml``), each a :class:`Condition` on the answer facts.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from glutefire.datafiles import load_packaged
from glutefire.programming.conditions import Condition, Fact


class RedFlag(BaseModel):
    """One warning sign: the condition, the plain-words message and its basis."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    when: Condition
    message: str = Field(min_length=3)
    source: str = Field(min_length=3)


class RedFlagTable(BaseModel):
    """All red flags and the advice shown when any is raised."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    flags: list[RedFlag] = Field(min_length=1)
    advice: list[str] = Field(min_length=1)


@lru_cache(maxsize=1)
def load_red_flags() -> RedFlagTable:
    """Load and validate the packaged ``data/red_flags.yaml``."""
    return load_packaged("red_flags.yaml", RedFlagTable)


def check_red_flags(facts: dict[str, Fact], *, table: RedFlagTable | None = None) -> list[RedFlag]:
    """Return the red flags raised by ``facts``, in table order (empty list = none)."""
    table = load_red_flags() if table is None else table
    return [flag for flag in table.flags if flag.when.matches(facts)]
