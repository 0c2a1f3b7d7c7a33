"""Packaged data: every file lives in src/glutefire/data/ (the pose-model manifest beside its
built bundles in src/glutefire/models/), is read through glutefire.datafiles, and validates; the
policy numbers come from data, with their sources."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from glutefire.datafiles import parse_model
from glutefire.errors import LibraryError
from glutefire.policy import ScreeningPolicy, screening_policy
from glutefire.result import confidence_label
from glutefire.screening.findings import MIN_MEAN_VISIBILITY, REP_COUNT_FACTOR
from glutefire.screening.pipeline import STANDING_LEVEL

SRC = ROOT / "src" / "glutefire"


def test_all_packaged_data_lives_in_one_folder():
    data_files = [
        p
        for p in SRC.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and p != SRC / "models" / "manifest.json"
    ]
    assert data_files and all(p.parent == SRC / "data" for p in data_files)


def test_packaged_files_are_read_only_through_datafiles():
    readers = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if re.search(r"resources\.files\(", p.read_text()) and p.name != "datafiles.py"
    ]
    assert readers == []


def test_policy_numbers_come_from_the_data_file():
    policy = screening_policy()
    assert STANDING_LEVEL == policy.standing_level.value == 0.95
    assert MIN_MEAN_VISIBILITY == policy.min_mean_visibility.value
    assert REP_COUNT_FACTOR == policy.rep_count.factor
    bands = policy.confidence_bands
    assert confidence_label(bands.high) == "high"
    assert confidence_label(bands.moderate) == "moderate"
    assert confidence_label(bands.moderate - 0.01) == "low"
    for entry in (policy.standing_level, policy.min_visibility, policy.confidence_bands):
        assert "evidence.md §" in entry.source or "Design value" in entry.source


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("high: 0.7", "confidence_bands: expected moderate < high"),
        ("value: 0.95", "standing_level.value: Input should be less than or equal to 1"),
    ],
)
def test_a_broken_policy_file_is_refused_with_the_field(edit, message):
    text = (SRC / "data" / "screening_policy.yaml").read_text()
    broken = (
        text.replace("high: 0.7", "high: 0.3")
        if edit.startswith("high")
        else text.replace("value: 0.95", "value: 1.5")
    )
    with pytest.raises(LibraryError, match=re.escape(f"policy.yaml: {message}")):
        parse_model(broken, ScreeningPolicy, origin="policy.yaml")
