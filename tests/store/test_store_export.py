"""export -> import -> export is exact, on both backends."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from glutefire.errors import RecordError
from glutefire.store.export import export_person, import_person
from glutefire.store.repository import (
    add_training_log,
    get_or_create_person,
    log_session,
    record_plan,
    record_screening,
    unit_of_work,
)
from glutefire.tracking.session_entry import build_session_entry, parse_set_override
from glutefire.tracking.training_log.model import TrainingSet

BERLIN = dt.timezone(dt.timedelta(hours=1))


def _fill(engine, make_result, make_plan) -> None:
    with unit_of_work(engine) as uow:
        get_or_create_person(uow, "Ana", time_zone="Europe/Berlin")
        record_screening(
            uow,
            "Ana",
            make_result(12.0),
            recorded_at=dt.datetime(2026, 11, 1, 9, 30, 0, 123456, tzinfo=BERLIN),
        )
        plan = record_plan(uow, "Ana", make_plan(), intake={"goal": "knee pain on stairs"})
        for day in (3, 5):
            entry = build_session_entry(
                plan.plan,
                performed_at=dt.datetime(2026, 11, day, 18, tzinfo=BERLIN),
                time_zone="Europe/Berlin",
                pain_0_10=day - 1,
                notes="ok",
                sets=[parse_set_override("glute_bridge:3x10@5 kg")],
            )
            log_session(uow, "Ana", entry, plan=plan)
        record_screening(uow, "Ana", make_result(3.0))
        add_training_log(
            uow,
            "Ana",
            [
                TrainingSet(
                    dt.datetime(2026, 11, 4, 7, tzinfo=BERLIN),
                    "Legs",
                    "Hip Thrust (Barbell)",
                    1,
                    "normal",
                    60.0,
                    10,
                    None,
                    None,
                    8.0,
                    None,
                ),
            ],
            source="strong",
        )


def test_round_trip_is_exact(db_url, make_result, make_plan):
    from glutefire.store.engine import open_database

    engine = open_database(db_url)
    _fill(engine, make_result, make_plan)
    with unit_of_work(engine) as uow:
        first = export_person(uow, "Ana")
    text = json.dumps(first)
    with unit_of_work(engine) as uow:
        import_person(uow, json.loads(text), as_name="Ana copy")
    with unit_of_work(engine) as uow:
        second = export_person(uow, "Ana copy")
    second["person"]["name"] = "Ana"
    assert second == first
    assert len(first["sessions"]) == 2 and first["sessions"][0]["plan"] == "plan-1"
    assert first["plans"][0]["intake"] == "intake-1"
    bridge = next(
        e for e in first["sessions"][0]["exercises"] if e["exercise_id"] == "glute_bridge"
    )
    assert (bridge["done_load_value"], bridge["done_load_unit"]) == (5.0, "kg")
    engine.dispose()


def test_import_refuses_existing_person_and_changes_nothing(engine, make_result, make_plan):
    _fill(engine, make_result, make_plan)
    with unit_of_work(engine) as uow:
        document = export_person(uow, "Ana")
    with pytest.raises(RecordError, match="'Ana' is already stored"):
        with unit_of_work(engine) as uow:
            import_person(uow, document)


def test_import_of_bad_document_leaves_no_half_person(engine, make_result, make_plan):
    _fill(engine, make_result, make_plan)
    with unit_of_work(engine) as uow:
        document = export_person(uow, "Ana")
    document["sessions"][1]["performed_at"] = "yesterday"
    with pytest.raises(RecordError, match="sessions.1.performed_at: Input should be a valid"):
        with unit_of_work(engine) as uow:
            import_person(uow, document, as_name="Copy")
    with unit_of_work(engine) as uow, pytest.raises(Exception, match="Copy"):
        export_person(uow, "Copy")


def test_export_of_empty_history(engine):
    with unit_of_work(engine) as uow:
        get_or_create_person(uow, "Ana")
    with unit_of_work(engine) as uow:
        document = export_person(uow, "Ana")
    assert document["sessions"] == [] and document["screenings"] == []


def test_wrong_format_is_refused(engine):
    with pytest.raises(RecordError, match="expected a glutefire-history document, but got 'csv'"):
        with unit_of_work(engine) as uow:
            import_person(uow, {"format": "csv"})
