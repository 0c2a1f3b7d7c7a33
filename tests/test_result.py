"""The screening-result container: one validating parser, results stored by earlier versions,
the published schema and the documented format, and the `glutefire schema` command."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli, screening_result
from glutefire.errors import FindingsError
from glutefire.kinematics.view import View
from glutefire.result import (
    FINDING_CODES,
    FindingCode,
    ScreeningResult,
    Status,
    parse_result,
    parse_result_json,
    result_json_schema,
)

DOCS = ROOT / "docs"
STORED_V1 = ROOT / "tests" / "data" / "result_v1_stored_by_9e27a6d.json"


def _doc() -> dict:
    return screening_result(14.0).to_jsonable()


def test_result_stored_by_an_earlier_version_parses_and_keeps_every_value():
    stored = json.loads(STORED_V1.read_text())
    result = parse_result(stored, origin=str(STORED_V1))
    assert [f.code.value for f in result.findings] == list(FINDING_CODES)
    assert result.summary.complete_reps == 3 and result.input[0].kind == "keypoints"
    written = result.to_jsonable()

    def same(old, new, where="result"):
        if isinstance(old, dict):
            for key, value in old.items():
                same(value, new[key], f"{where}.{key}")
        elif isinstance(old, list):
            assert len(old) == len(new), where
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                same(a, b, f"{where}[{i}]")
        else:
            assert old == new, where

    same(stored, written)
    assert parse_result(written) == result


def test_round_trip_through_json_is_exact():
    result = screening_result(14.0)
    assert parse_result_json(result.to_json()) == result
    assert result.with_status(Status.PRESENT)[0].label == "Knees cave in (left)"
    assert result.finding(FindingCode.KNEES_CAVE_IN).present


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(schema_version=2), r"schema_version: Input should be 1"),
        (lambda r: r.pop("findings"), r"findings: Field required"),
        (lambda r: r["findings"][0].update(code="knees_wobble"), r"findings\.0\.code"),
        (lambda r: r["findings"][0].update(status="maybe"), r"findings\.0\.status"),
        (lambda r: r["findings"][0].update(confidence=1.5), r"findings\.0\.confidence"),
        (lambda r: r["findings"][0].update(side="middle"), r"findings\.0\.side"),
        (
            lambda r: r["findings"][0].update(heels_elevated_status="yes"),
            r"findings\.0\.heels_elevated_status",
        ),
        (lambda r: r["reps"][0]["metrics"].update(kasr="wide"), r"reps\.0\.metrics\.kasr"),
        (lambda r: r["input"][0].update(view="top"), r"input\.0\.view"),
        (lambda r: r["input"].clear(), r"input: List should have at least 1 item"),
        (lambda r: r.update(findings=r["findings"][::-1]), r"in this order"),
        (lambda r: r["summary"].update(present=[]), r"summary\.present"),
        (lambda r: r["reps"][0].update(clip=3), r"reps of clips 0-0, but got clip 3"),
        (lambda r: r.update(surprise=1), r"surprise: Extra inputs are not permitted"),
    ],
)
def test_malformed_results_are_rejected_with_the_field(mutate, message):
    doc = _doc()
    mutate(doc)
    with pytest.raises(FindingsError, match=rf"^result\.json: .*{message}"):
        parse_result(doc, origin="result.json")


def test_not_an_object_and_not_json_are_rejected():
    with pytest.raises(FindingsError, match="expected a JSON object, but got list"):
        parse_result([], origin="result.json")
    with pytest.raises(FindingsError, match="expected JSON, but could not parse it"):
        parse_result_json("{not json", origin="result.json")


def test_nan_is_refused_not_written():
    doc = _doc()
    doc["findings"][0]["value"] = float("nan")
    with pytest.raises(FindingsError, match=r"findings\.0\.value"):
        parse_result(doc)


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_any_json_value_parses_or_gives_the_one_clear_error(value):
    try:
        result = parse_result(value)
    except FindingsError as exc:
        assert str(exc).startswith("screening result: ") and "\n" not in str(exc)
    else:
        assert isinstance(result, ScreeningResult)


def test_view_names_match_the_view_enum():
    schema = result_json_schema()
    assert schema["$defs"]["ClipEntry"]["properties"]["view"]["enum"] == [v.value for v in View]


def test_published_schema_is_the_models_schema():
    published = json.loads((DOCS / "result.schema.json").read_text())
    assert published == result_json_schema(), "run: glutefire schema --out docs/result.schema.json"


def test_schema_command_prints_and_writes_the_schema(tmp_path):
    code, text = run_cli("schema")
    assert code == 0 and json.loads(text) == result_json_schema()
    code, _ = run_cli("schema", "--out", tmp_path / "s.json")
    assert code == 0 and json.loads((tmp_path / "s.json").read_text()) == result_json_schema()
    code, text = run_cli("schema", "--out", tmp_path / "missing" / "s.json")
    assert code == 2 and text.startswith("error: could not write the schema")


def test_documented_example_is_a_valid_result():
    result = parse_result_json((DOCS / "result.example.json").read_text())
    assert result.view == "front"


def _documented_fields(section: str) -> set[str]:
    text = (DOCS / "result-format.md").read_text()
    match = re.search(rf"^### {section}\b.*?\n(.*?)(?=^#)", text, flags=re.S | re.M)
    assert match, f"docs/result-format.md has no section {section}"
    return set(re.findall(r"^\| `(\w+)` \|", match.group(1), flags=re.M))


@pytest.mark.parametrize(
    "model",
    [
        "ScreeningResult",
        "Software",
        "ModelInfo",
        "ClipEntry",
        "Subject",
        "RepRecord",
        "Finding",
        "Summary",
    ],
)
def test_result_format_doc_lists_exactly_the_schema_fields(model):
    schema = result_json_schema()
    definition = schema if model == "ScreeningResult" else schema["$defs"][model]
    assert _documented_fields(model) == set(definition["properties"])


def test_doc_links_resolve():
    text = (DOCS / "result-format.md").read_text()
    for link in re.findall(r"\]\(([\w.-]+\.(?:md|json))\)", text):
        assert (DOCS / link).exists(), link


def test_codes_are_declared_once():
    src = ROOT / "src" / "glutefire"
    declaring = [
        p
        for p in src.rglob("*.py")
        if re.search(r'^\s*(KNEES_CAVE_IN\s*=|"knees_cave_in",\s*$)', p.read_text(), re.M)
    ]
    assert declaring == [src / "result.py"]


def test_statuses_are_compared_through_the_enum():
    src = ROOT / "src" / "glutefire"
    literal = r"""(==|!=|\bin|\(|status=)\s*["'](present|absent|not_assessable)["']"""
    offenders = [
        str(p.relative_to(src)) for p in src.rglob("*.py") if re.search(literal, p.read_text())
    ]
    assert offenders == []
