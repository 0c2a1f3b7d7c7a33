"""The screening result input: validated with clear errors."""

from __future__ import annotations

import pytest

from glutefire.errors import FindingsError
from glutefire.programming.findings import parse_screening_result


def test_fixture_parses(screen_result):
    result = parse_screening_result(screen_result)
    assert [f.code for f in result.with_status("present")] == ["knees_cave_in", "low_back_arches"]
    assert result.findings[0].label == "knees_cave_in (left)"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(schema_version=2), "schema_version"),
        (lambda r: r.pop("findings"), "findings: Field required"),
        (lambda r: r["findings"][0].update(code="knees_wobble"), "findings.0.code"),
        (lambda r: r["findings"][0].update(status="maybe"), "findings.0.status"),
        (lambda r: r["findings"][0].update(confidence=1.5), "findings.0.confidence"),
        (lambda r: r["findings"][0].update(side="middle"), "findings.0.side"),
        (
            lambda r: r["findings"][0].update(heels_elevated_status="yes"),
            "findings.0.heels_elevated_status",
        ),
    ],
)
def test_malformed_results_are_rejected(screen_result, mutate, message):
    mutate(screen_result)
    with pytest.raises(FindingsError, match=message):
        parse_screening_result(screen_result, origin="result.json")


def test_non_object_is_rejected():
    with pytest.raises(FindingsError, match="expected a JSON object, but got list"):
        parse_screening_result([], origin="result.json")
