"""Repository functions on SQLite and PostgreSQL: each unit of work is one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from glutefire.errors import FindingsError, PersonNotFoundError, RecordError
from glutefire.result import FINDING_CODES, parse_result
from glutefire.store.models import Person, RepMetric, Screening, SessionLog
from glutefire.store.repository import (
    current_plan,
    get_or_create_person,
    get_person,
    list_people,
    log_session,
    record_intake,
    record_plan,
    record_screening,
    unit_of_work,
)
from glutefire.tracking.session_entry import build_session_entry
from results import make_screening

UTC = dt.timezone.utc


def test_record_screening_stores_result_findings_and_rep_metrics(engine, make_result):
    result = make_result(12.0)
    with unit_of_work(engine) as uow:
        record_screening(
            uow,
            "Ana",
            result,
            clip_sha256s=["cd" * 32],
            software_version="0.2.0",
            model_name="mediapipe-blazepose",
        )
    with unit_of_work(engine) as uow:
        screening = uow.scalars(select(Screening)).one()
        assert screening.result == result.to_jsonable()
        assert screening.parsed_result() == result
        assert screening.clip_sha256s == ["cd" * 32]
        assert screening.software_version == "0.2.0"
        assert [f.code for f in screening.findings] == list(FINDING_CODES)
        assert [
            (f.code, f.status, f.value, f.unit) for f in screening.findings if f.status == "present"
        ] == [("knees_cave_in", "present", 12.0, "deg")]
        assert uow.scalar(select(func.count()).select_from(RepMetric)) == 12
        assert screening.recorded_at.tzinfo is not None


def test_record_screening_defaults_come_from_the_result(engine, make_result):
    with unit_of_work(engine) as uow:
        screening = record_screening(uow, "Ana", make_result())
        assert screening.clip_sha256s == ["00" * 32]
        assert (screening.software_version, screening.model_name) == (
            "0.1.0",
            "mediapipe-blazepose",
        )


def test_bad_screening_leaves_the_database_unchanged(engine, make_result):
    bad = make_result().to_jsonable()
    bad["reps"][2]["metrics"]["kasr"] = "wide"
    with pytest.raises(FindingsError, match=r"reps\.2\.metrics\.kasr: Input should be a valid"):
        with unit_of_work(engine) as uow:
            record_screening(uow, "Ana", parse_result(bad))
    with pytest.raises(RecordError, match="expected a screening result, but got dict"):
        with unit_of_work(engine) as uow:
            record_screening(uow, "Ana", bad)  # type: ignore[arg-type]
    with unit_of_work(engine) as uow:
        assert uow.scalar(select(func.count()).select_from(Person)) == 0
        assert uow.scalar(select(func.count()).select_from(Screening)) == 0


def test_screening_schema_version_is_checked(make_result):
    result = make_result().to_jsonable() | {"schema_version": 2}
    with pytest.raises(FindingsError, match="schema_version: Input should be 1"):
        parse_result(result)


def test_new_plan_supersedes_the_previous_one(engine, make_plan):
    with unit_of_work(engine) as uow:
        first = record_plan(uow, "Ana", make_plan(), intake={"pain_sites": ["knee"]})
        assert first.intake_id is not None
    with unit_of_work(engine) as uow:
        second = record_plan(uow, "Ana", make_plan("2026-11-16") | {"mode": "maintenance"})
    with unit_of_work(engine) as uow:
        person = get_person(uow, "Ana")
        plan = current_plan(uow, person)
        assert plan.id == second.id and plan.mode == "maintenance"
        assert [p.status for p in person.plans] == ["superseded", "active"]
        assert plan.start_date == dt.date(2026, 11, 16)


def test_plan_validation_message(engine, make_plan):
    with pytest.raises(RecordError, match="expected sessions_per_week as an integer 0-14"):
        with unit_of_work(engine) as uow:
            record_plan(uow, "Ana", make_plan() | {"sessions_per_week": "three"})


def test_intake_round_trips(engine):
    with unit_of_work(engine) as uow:
        record_intake(uow, "Ana", {"sitting_hours_per_day": 9, "pain": {"knee": 3}})
    with unit_of_work(engine) as uow:
        assert get_person(uow, "Ana").intakes[0].answers["pain"] == {"knee": 3}


def test_log_session_stores_measured_next_to_target(engine, make_plan):
    with unit_of_work(engine) as uow:
        plan = record_plan(uow, "Ana", make_plan())
        entry = build_session_entry(
            plan.plan,
            performed_at=dt.datetime(2026, 11, 3, 18, tzinfo=UTC),
            time_zone="UTC",
            pain_0_10=2,
            skip=["side_plank"],
        )
        log_session(uow, "Ana", entry, plan=plan)
    with unit_of_work(engine) as uow:
        session = uow.scalars(select(SessionLog)).one()
        assert session.session_label == "A" and session.pain_0_10 == 2
        bridge, plank = session.exercises
        assert (bridge.target_sets, bridge.target_reps, bridge.done_sets, bridge.done_reps) == (
            2,
            "12",
            2,
            12,
        )
        assert plank.skipped and plank.target_hold_s == 30.0 and plank.done_sets == 0
        assert session.performed_at == dt.datetime(2026, 11, 3, 18, tzinfo=UTC)


def test_unknown_person_error_lists_people(engine):
    with unit_of_work(engine) as uow:
        get_or_create_person(uow, "Ana")
    with pytest.raises(PersonNotFoundError, match="expected a stored person, but got 'Bob'.*Ana"):
        with unit_of_work(engine) as uow:
            get_person(uow, "Bob")


def test_time_zone_is_validated(engine):
    with pytest.raises(RecordError, match="expected an IANA time zone"):
        with unit_of_work(engine) as uow:
            get_or_create_person(uow, "Ana", time_zone="Mars/Olympus")


def test_empty_history_lists_nothing(engine):
    with unit_of_work(engine) as uow:
        assert list_people(uow) == []
        get_or_create_person(uow, "Ana")
    with unit_of_work(engine) as uow:
        (summary,) = list_people(uow)
        assert (summary.name, summary.sessions, summary.last_session_at) == ("Ana", 0, None)


def test_get_or_create_person_is_idempotent(engine):
    with unit_of_work(engine) as uow:
        first = get_or_create_person(uow, "  Ana  Lee ")
        again = get_or_create_person(uow, "Ana Lee")
        assert first is again and first.name == "Ana Lee"


def test_multi_clip_screening_keeps_reps_of_each_clip(engine, make_result):
    """Front and side clips both have a rep 1: both are stored (revision 0003)."""
    one = make_result(4.0)
    result = make_screening(
        n_clips=2,
        findings=one.findings,
        reps=one.reps + [r.model_copy(update={"clip": 1}) for r in one.reps],
    )
    with unit_of_work(engine) as uow:
        record_screening(uow, "Ana", result)
    with unit_of_work(engine) as uow:
        clips = uow.scalars(select(RepMetric.clip)).all()
    assert sorted(set(clips)) == [0, 1] and clips.count(1) == clips.count(0)
