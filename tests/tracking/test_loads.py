"""Loads as a number and a unit: one parser for the CLI's ``@LOAD`` and the web form's fields;
every input either gives a valid load, no load, or one RecordError (never another exception)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glutefire.errors import RecordError
from glutefire.tracking.loads import LOAD_UNITS, MAX_WEIGHT, Load, load_from_fields, parse_load
from glutefire.tracking.session_entry import build_session_entry, parse_set_override


@pytest.mark.parametrize(
    ("text", "load"),
    [
        ("20kg", Load(20.0, "kg")),
        ("22.5 KG", Load(22.5, "kg")),
        ("45 lbs", Load(45.0, "lb")),
        ("bw", Load(None, "bodyweight")),
        ("Body weight", Load(None, "bodyweight")),
        ("red band", Load(None, "band")),
        ("light", None),
        (None, None),
    ],
)
def test_cli_load_text(text, load):
    assert parse_load(text) == load


def test_load_text_and_kg():
    assert Load(45.0, "lb").text == "45 lb" and Load(45.0, "lb").kg == pytest.approx(20.412)
    assert Load(None, "band").text == "band" and Load(None, "band").kg is None


def test_a_cli_set_with_a_load_stores_its_unit(make_plan):
    entry = build_session_entry(
        make_plan("2026-11-02"),
        performed_at=dt.datetime(2026, 11, 3, 12, tzinfo=dt.timezone.utc),
        time_zone="UTC",
        sets=[parse_set_override("glute_bridge:3x12@12.5kg")],
    )
    bridge = next(e for e in entry.exercises if e.exercise_id == "glute_bridge")
    assert (bridge.done_load, bridge.done_load_value, bridge.done_load_unit) == (
        "12.5kg",
        12.5,
        "kg",
    )
    assert bridge.done_text == "3x12 @ 12.5kg"
    with pytest.raises(RecordError, match="expected a weight above 0"):
        parse_set_override("glute_bridge:3x12@0kg")


@given(
    value=st.text(max_size=30), unit=st.one_of(st.sampled_from(LOAD_UNITS), st.text(max_size=12))
)
def test_form_fields_give_a_valid_load_or_one_record_error(value, unit):
    try:
        load = load_from_fields(value, unit)
    except RecordError as exc:
        assert str(exc).startswith("expected")
        return
    if load is None:
        assert not value.strip() and not unit.strip()
        return
    assert load.unit in LOAD_UNITS
    if load.value is not None:
        assert math.isfinite(load.value) and 0 < load.value <= MAX_WEIGHT[load.unit]


@given(text=st.text(max_size=40))
def test_cli_load_text_never_raises_anything_else(text):
    try:
        load = parse_load(text)
    except RecordError:
        return
    assert load is None or load.unit in LOAD_UNITS
