"""Plan shapes as data: phase templates, their slots and doses, and transition times
(``data/program_phases.yaml``), validated on load."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from glutefire.datafiles import load_packaged


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhaseTemplate(_Strict):
    """How many exercises of each CEx phase a session holds, and the phase's dose changes."""

    name: str
    slots: dict[str, int]
    allow_loaded: bool = True
    activate_sets: int | None = None
    integrate_sets: int | None = None
    integrate_load: str | None = None
    sets: int | None = None
    load: str | None = None
    focus: str = ""


class CorrectiveConfig(_Strict):
    """Corrective mode: activation share of the weeks and the phase templates."""

    activation_share: float = Field(gt=0, lt=1)
    activation_max_weeks: int = Field(ge=1)
    typical_weeks: list[int]
    typical_sessions_per_week: list[int]
    min_key_sets: int = Field(default=1, ge=1)
    phases: list[PhaseTemplate] = Field(min_length=2, max_length=2)


class OlderAdultsDose(_Strict):
    """The maintenance dose from ``min_age_years`` on (Spiering 2021)."""

    min_age_years: int = Field(ge=18)
    sessions_per_week: int = Field(ge=1)
    sets: int = Field(ge=1)


class MaintenanceConfig(_Strict):
    """Maintenance mode: the minimal dose (Spiering 2021)."""

    default_sessions_per_week: int
    sets: int
    older_adults: OlderAdultsDose | None = None
    load: str
    slots: dict[str, int]
    focus: str = ""


class PhasesConfig(_Strict):
    """The whole ``program_phases.yaml``."""

    schema_version: int
    timing: dict[str, int]
    corrective: CorrectiveConfig
    maintenance: MaintenanceConfig


@lru_cache(maxsize=1)
def load_phases() -> PhasesConfig:
    """Load and validate the packaged ``data/program_phases.yaml``."""
    return load_packaged("program_phases.yaml", PhasesConfig)
