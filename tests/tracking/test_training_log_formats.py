"""Strong and Hevy readers: sniffing, units, warm-ups, unknown columns, malformed rows, DST."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from glutefire.errors import TrainingLogFormatError
from glutefire.tracking.training_log.formats import parse_training_log, read_training_log

DATA = Path(__file__).resolve().parents[1] / "data"


def test_strong_current_layout():
    log = read_training_log(DATA / "strong_sample.csv", time_zone="Europe/Berlin")
    assert log.format == "strong"
    assert log.ignored_rows == 1  # the Rest Timer row
    assert [(p.line, p.reason) for p in log.problems] == [
        (10, "expected Reps as a number, but got 'ten'")
    ]
    squat = [s for s in log.sets if s.exercise_name == "Squat (Barbell)"]
    assert [(s.set_index, s.set_type, s.weight_kg, s.reps, s.rpe) for s in squat] == [
        (1, "warmup", 40.0, 8, None),
        (2, "normal", 80.0, 5, 8.0),
        (3, "normal", 80.0, 5, 8.5),
    ]
    assert squat[0].performed_at.utcoffset() == dt.timedelta(hours=1)  # CET, before the switch
    late = next(s for s in log.sets if s.workout_name == "Late session")
    assert late.performed_at.utcoffset() == dt.timedelta(hours=2)  # CEST, after the switch
    assert late.performed_at.astimezone(dt.timezone.utc).hour == 21


def test_strong_semicolon_layout_with_units():
    log = read_training_log(DATA / "strong_semicolon_sample.csv", time_zone="UTC")
    assert log.format == "strong" and not log.problems and not log.unknown_columns
    weights = [round(s.weight_kg, 2) for s in log.sets]
    assert weights == [20.0, 20.41, 16.5]  # 45 lbs -> kg; decimal comma


def test_strong_pounds_without_unit_column():
    log = read_training_log(DATA / "strong_sample.csv", time_zone="UTC", weight_unit="lb")
    assert round(log.sets[1].weight_kg, 3) == round(80 * 0.45359237, 3)


def test_hevy_layout_reports_unknown_columns_and_bad_rows():
    log = read_training_log(DATA / "hevy_sample.csv", time_zone="Europe/London")
    assert log.format == "hevy"
    assert log.unknown_columns == ["gym_name"]
    reasons = {p.line: p.reason for p in log.problems}
    assert "expected set_type one of" in reasons[6]
    assert "expected start_time like" in reasons[7]
    thrust = [s for s in log.sets if s.exercise_name.startswith("Hip Thrust")]
    assert [s.set_type for s in thrust] == ["warmup", "normal"]
    assert thrust[0].performed_at == dt.datetime(2025, 7, 26, 6, 6, tzinfo=dt.timezone.utc)


def test_unknown_format_is_one_clear_error():
    with pytest.raises(TrainingLogFormatError, match="expected a CSV export from strong or hevy"):
        parse_training_log("a,b,c\n1,2,3\n", time_zone="UTC")


def test_empty_file():
    with pytest.raises(TrainingLogFormatError, match="expected a CSV header line"):
        parse_training_log("", time_zone="UTC")


def test_header_only_gives_no_sets():
    log = parse_training_log("title,start_time,exercise_title\n", time_zone="UTC")
    assert log.sets == [] and log.problems == []


def test_ragged_row_is_reported():
    text = 'title,start_time,exercise_title,reps\nA,"26 Jul 2025, 07:06",Squat\n'
    log = parse_training_log(text, time_zone="UTC")
    assert log.problems[0].reason == "expected one value per column, but got 3 fields, header has 4"
