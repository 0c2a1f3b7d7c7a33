"""Hip/knee/other classification (override > library > keywords) and the weekly balance."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pytest

from glutefire.errors import RecordError
from glutefire.tracking.training_log.balance import weekly_balance
from glutefire.tracking.training_log.classify import (
    classify_exercise,
    load_keyword_rules,
    load_overrides,
    normalise_mapping,
    normalise_name,
)
from glutefire.tracking.training_log.formats import read_training_log

DATA = Path(__file__).resolve().parents[1] / "data"
RULES = load_keyword_rules()


@pytest.mark.parametrize(
    ("name", "movement"),
    [
        ("Hip Thrust (Barbell)", "hip"),
        ("Romanian Deadlift (Dumbbell)", "hip"),
        ("Glute Bridge", "hip"),
        ("Kettlebell Swing", "hip"),
        ("Hip Abduction (Machine)", "hip"),
        ("Squat (Barbell)", "knee"),
        ("Bulgarian Split Squat", "knee"),
        ("Leg Press (Machine)", "knee"),
        ("Leg Extension (Machine)", "knee"),
        ("Step Up", "knee"),
        ("Seated Leg Curl (Machine)", "other"),
        ("Bench Press (Barbell)", "other"),
    ],
)
def test_keyword_fallback(name, movement):
    assert classify_exercise(name, library={}, rules=RULES).movement == movement


def test_precedence_override_then_library_then_keywords():
    library = normalise_mapping({"Step-up": "hip"}, "library")
    overrides = normalise_mapping({"Squat (Barbell)": "other"}, "override")
    classify = partial(classify_exercise, library=library, rules=RULES, overrides=overrides)
    assert classify("Step Up (Dumbbell)").method == "library"
    assert classify("Step Up (Dumbbell)").movement == "hip"
    assert (classify("squat").movement, classify("squat").method) == ("other", "override")
    assert classify("Zercher Carry").method == "unclassified"


def test_normalise_name():
    assert normalise_name("Hip Thrust (Barbell)") == "hip thrust"
    assert normalise_name("  Step-Up ") == "step up"


def test_override_file_is_validated(tmp_path):
    path = tmp_path / "classes.yaml"
    path.write_text("Zercher Carry: knee\n")
    assert load_overrides(path) == {"zercher carry": "knee"}
    path.write_text("Zercher Carry: legs\n")
    with pytest.raises(RecordError, match="to be hip, knee or other, but got 'legs'"):
        load_overrides(path)
    assert load_overrides(tmp_path / "missing.yaml") == {}


def test_weekly_balance_flags_quad_dominance_and_unclassified():
    log = read_training_log(DATA / "strong_sample.csv", time_zone="Europe/Berlin")
    classify = partial(classify_exercise, library={}, rules=RULES)
    report = weekly_balance(log.sets, classify, time_zone="Europe/Berlin")
    first, second = report.weeks
    assert first.week_start == dt.date(2026, 3, 23)
    # warm-up left out: 2 squat + 1 leg extension vs 1 hip thrust + RDL on Sunday 23:30 local
    assert (first.knee_sets, first.hip_sets) == (3, 2)
    assert first.knee_volume_kg == 80 * 5 * 2 + 45 * 12
    assert first.quad_dominant
    assert second.week_start == dt.date(2026, 3, 30)
    assert report.unclassified == ("Plank", "Zercher Carry")
    assert report.quad_dominant and "Quad-dominant work outweighs" in report.verdict


def test_iso_week_depends_on_the_zone_across_dst():
    """Logged in Tokyo Monday 07:15 = Sunday 22:15 UTC = Monday 00:15 in Berlin (CEST since
    that Sunday's DST switch): a different ISO week in UTC than in Berlin."""
    log = read_training_log(DATA / "strong_sample.csv", time_zone="Asia/Tokyo")
    classify = partial(classify_exercise, library={}, rules=RULES)
    in_utc = weekly_balance(log.sets, classify, time_zone="UTC")
    in_berlin = weekly_balance(log.sets, classify, time_zone="Europe/Berlin")
    assert [w.week_start for w in in_utc.weeks] == [dt.date(2026, 3, 23)]
    assert [w.week_start for w in in_berlin.weeks] == [dt.date(2026, 3, 23), dt.date(2026, 3, 30)]


def test_empty_balance():
    report = weekly_balance([], lambda name: None, time_zone="UTC")
    assert report.weeks == () and report.verdict.startswith("No imported training sets")


@pytest.mark.parametrize(
    ("name", "movement"),
    [("Hip Abductor (Machine)", "hip"), ("Lateral Band Walk", "hip"), ("Glute Ham Raise", "other")],
)
def test_strong_names_from_the_field_are_classified(name, movement):
    from glutefire.tracking.training_log.classify import (
        classify_exercise,
        library_mapping,
        load_keyword_rules,
    )

    label = classify_exercise(name, library=library_mapping(), rules=load_keyword_rules())
    assert (label.movement, label.method) == (movement, "keyword")
