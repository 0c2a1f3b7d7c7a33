"""Shared fixtures for programming tests: packaged data, example answers, screening result."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from glutefire.programming.builder import PlanOptions, ProgramData, load_program_data
from glutefire.result import Finding, FindingCode, ScreeningResult, Status, parse_result_json
from results import make_finding, make_screening

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def data() -> ProgramData:
    return load_program_data()


@pytest.fixture()
def raw_answers() -> dict:
    """Example answers (a fresh deep copy per test, safe to mutate)."""
    return copy.deepcopy(yaml.safe_load((ROOT / "examples" / "intake_example.yaml").read_text()))


@pytest.fixture()
def quiet_answers(raw_answers: dict) -> dict:
    """Answers that trigger no answer rules: only baseline and findings drive the plan."""
    raw_answers.update(
        sitting_hours_per_day=4,
        pain={},
        injuries=[],
        jump_landing="soft_quiet",
        scales={},
        training={"quad_dominant_percent": 40, "abdominal_training": "planks_bracing"},
        tightness={
            "hamstrings_after_glute_lifts": False,
            "groin_after_glute_lifts": False,
            "hip_flexors": False,
            "low_back": False,
        },
    )
    return raw_answers


@pytest.fixture()
def screen_result() -> ScreeningResult:
    """The documented example result (fixtures/screen_result.json), through the parser."""
    return parse_result_json((FIXTURES / "screen_result.json").read_text())


def options(**overrides) -> PlanOptions:
    base = dict(
        minutes_per_session=30, start_date=dt.date(2026, 12, 1), created_on=dt.date(2026, 11, 25)
    )
    return PlanOptions(**{**base, **overrides})


def finding(code: str, *, status: str = "present", side: str = "both", heels=None) -> Finding:
    return make_finding(
        FindingCode(code),
        Status(status),
        side=side if status == "present" else "none",
        confidence=0.8,
        heels_elevated_status=None if heels is None else Status(heels),
    )


def result_with(*findings: Finding) -> ScreeningResult:
    return make_screening(findings=findings)
