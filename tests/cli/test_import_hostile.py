"""Issue 13, security list: hostile input to the CLI importers (``import-log`` Strong/Hevy CSV,
``import`` of an export, ``log``) is one ``error:`` line and exit code 2, never a traceback,
and nothing invalid is stored. Property tests (hypothesis) search for the inputs we did not
think of; every stored value is re-checked against the boundary rules."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from glutefire.store.engine import open_database
from glutefire.store.export import export_person
from glutefire.store.history_document import validate_document
from glutefire.store.models import Person, SessionLog, TrainingLogEntry
from glutefire.store.repository import unit_of_work
from glutefire.tracking.training_log.model import TrainingSet

STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)
GOOD_ROW = [
    "2026-03-27 18:02:11",
    "Lower A",
    "52m",
    "Squat (Barbell)",
    "1",
    "80",
    "5",
    "0",
    "0",
    "",
    "",
    "8",
]
COLUMNS = STRONG_HEADER.split(",")


def _row(**changes: str) -> str:
    values = dict(zip(COLUMNS, GOOD_ROW, strict=True)) | changes
    return ",".join(f'"{v}"' if "," in v else v for v in values.values())


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hostile.sqlite3'}"


def _stored(db: str) -> tuple[int, int, int]:
    engine = open_database(db)
    try:
        with unit_of_work(engine) as uow:
            return (
                uow.query(Person).count(),
                uow.query(SessionLog).count(),
                uow.query(TrainingLogEntry).count(),
            )
    finally:
        engine.dispose()


def _one_error_line(code: int, text: str) -> None:
    assert code == 2, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].startswith("error: expected"), text
    assert "Traceback" not in text


HOSTILE_ROWS = {
    "huge weight": _row(Weight="1e400"),
    "huge reps": _row(Reps="1e300"),
    "infinite reps": _row(Reps="inf"),
    "nan weight": _row(Weight="nan"),
    "negative weight": _row(Weight="-80"),
    "negative reps": _row(Reps="-5"),
    "RPE 99": _row(RPE="99"),
    "far future": _row(Date="9999-03-27 18:02:11"),
    "year one": _row(Date="0001-01-01 00:00:00"),
    "escape in a name": _row(**{"Exercise Name": "Squat\x1b[31m"}),
    "bell in a workout": _row(**{"Workout Name": "Lower\x07A"}),
    "NUL in notes": _row(Notes="fine\x00"),
    "huge set order": _row(**{"Set Order": "1e400"}),
    "long name": _row(**{"Exercise Name": "S" * 201}),
}


@pytest.mark.parametrize("name", list(HOSTILE_ROWS))
def test_hostile_csv_rows_are_one_error_line_and_nothing_is_stored(tmp_path, name):
    file = tmp_path / "log.csv"
    file.write_text(f"{STRONG_HEADER}\n{HOSTILE_ROWS[name]}\n", encoding="utf-8")
    db = _db(tmp_path)
    code, text = run_cli("import-log", file, "-p", "Ana", "--new-person", "--db", db)
    _one_error_line(code, text)
    assert "line 2" in text and _stored(db) == (0, 0, 0)


def test_a_128_kib_field_is_one_error_line(tmp_path):
    file = tmp_path / "log.csv"
    file.write_text(f"{STRONG_HEADER}\n{_row(Notes='x' * 128 * 1024 + 'y')}\n", encoding="utf-8")
    db = _db(tmp_path)
    code, text = run_cli("import-log", file, "-p", "Ana", "--new-person", "--db", db)
    _one_error_line(code, text)
    assert "field larger than field limit" in text and _stored(db) == (0, 0, 0)


def test_good_rows_beside_a_bad_one_are_imported_and_the_bad_one_reported(tmp_path):
    file = tmp_path / "log.csv"
    file.write_text(f"{STRONG_HEADER}\n{_row()}\n{_row(Reps='inf')}\n", encoding="utf-8")
    db = _db(tmp_path)
    code, text = run_cli("import-log", file, "-p", "Ana", "--new-person", "--db", db)
    assert code == 0 and "skipped line 3" in text and _stored(db) == (1, 0, 1)
    strict = run_cli("import-log", file, "-p", "Ana", "--strict", "--db", db)
    _one_error_line(*strict)


BASE = {
    "format": "glutefire-history",
    "format_version": 1,
    "person": {"name": "Bo", "time_zone": "UTC", "created_at": "2026-01-01T00:00:00+00:00"},
}
SESSION = {
    "performed_at": "2026-03-01T12:00:00+00:00",
    "recorded_at": "2026-03-01T12:00:00+00:00",
    "pain_0_10": 2,
    "exercises": [{"exercise_id": "glute_bridge", "done_sets": 3}],
}
HOSTILE_DOCUMENTS = {
    "pain 99": {**BASE, "sessions": [{**SESSION, "pain_0_10": 99}]},
    "pain as text": {**BASE, "sessions": [{**SESSION, "pain_0_10": "lots"}]},
    "huge pain": {**BASE, "sessions": [{**SESSION, "pain_0_10": 10**30}]},
    "negative sets": {
        **BASE,
        "sessions": [{**SESSION, "exercises": [{"exercise_id": "x", "done_sets": -3}]}],
    },
    "sessions not a list": {**BASE, "sessions": "many"},
    "session not an object": {**BASE, "sessions": [["x"]]},
    "name as a number": {**BASE, "person": {**BASE["person"], "name": 5}},
    "escape in the name": {**BASE, "person": {**BASE["person"], "name": "Bo\x1b[2J"}},
    "time zone Europe": {**BASE, "person": {**BASE["person"], "time_zone": "Europe"}},
    "far date": {**BASE, "sessions": [{**SESSION, "performed_at": "9999-12-31T23:59:59+00:00"}]},
    "set with control characters": {
        **BASE,
        "training_log": [
            {
                "source": "strong",
                "performed_at": "2026-03-01T12:00:00+00:00",
                "exercise_name": "x\x07",
                "set_index": 1,
            }
        ],
    },
    "deep answers": {
        **BASE,
        "intakes": [{"recorded_at": "2026-03-01T12:00:00+00:00", "answers": {"a": [[[[[]]]]] * 1}}],
    },
}


def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


HOSTILE_DOCUMENTS["deep answers"]["intakes"][0]["answers"] = _nested(40)


@pytest.mark.parametrize("name", list(HOSTILE_DOCUMENTS))
def test_hostile_export_documents_are_one_error_line(tmp_path, name):
    file = tmp_path / "doc.json"
    file.write_text(json.dumps(HOSTILE_DOCUMENTS[name]), encoding="utf-8")
    db = _db(tmp_path)
    _one_error_line(*run_cli("import", file, "--db", db))
    assert _stored(db) == (0, 0, 0)


@pytest.mark.parametrize(
    "raw",
    [
        '{"format": "glutefire-history", "format_version": 1, "person": '
        + "[" * 100_000
        + "]" * 100_000
        + "}",
        '{"format": "glutefire-history", "format_version": 1, "person": {"name": 1e400}}',
        "[1, 2",
    ],
    ids=["nested 100000 deep", "1e400", "cut short"],
)
def test_unparseable_export_files_are_one_error_line(tmp_path, raw):
    file = tmp_path / "doc.json"
    file.write_text(raw, encoding="utf-8")
    _one_error_line(*run_cli("import", file, "--db", _db(tmp_path)))


@pytest.mark.parametrize(
    "args",
    [
        ["--pain", "99"],
        ["--date", "9999-12-31"],
        ["--date", "0001-01-01T00:00"],
        ["--notes", "a\x07b"],
        ["--set", "x:99999999999999999999x1", "--notes", "ok"],
        ["--set", "x:1x1@\x1b[31m"],
        ["--set", "x:1x99999"],
    ],
)
def test_hostile_session_logs_are_one_error_line(tmp_path, args):
    db = _db(tmp_path)
    assert run_cli("people", "-p", "Cy", "--db", db)[0] == 0
    if "--set" not in args:
        args = [*args, "--set", "glute_bridge:3x12"]
    _one_error_line(*run_cli("log", "-p", "Cy", *args, "--db", db))
    assert _stored(db) == (1, 0, 0)


# --- property tests: no traceback, and nothing stored that breaks the boundary rules ---

HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["inf", "-inf", "nan", "1e400", "-1e400", "1e308", "0x10", "", " ", "1,5"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["9999-12-31 23:59:59", "0001-01-01 00:00:00", "2026-02-30 10:00:00"]),
)


def _csv_value(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _assert_stored_sets_valid(db: str) -> None:
    engine = open_database(db)
    try:
        with unit_of_work(engine) as uow:
            for entry in uow.query(TrainingLogEntry):
                values = {c: getattr(entry, c) for c in TrainingSet.__dataclass_fields__}
                TrainingSet(**values)  # raises if anything stored breaks the rules
                for number in (entry.weight_kg, entry.rpe, entry.duration_s, entry.distance_m):
                    assert number is None or math.isfinite(number)
    finally:
        engine.dispose()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.fixed_dictionaries({c: HOSTILE_TEXT for c in COLUMNS if c != "Duration"}))
def test_property_csv_import_never_tracebacks(tmp_path, cells):
    values = dict(zip(COLUMNS, GOOD_ROW, strict=True)) | cells
    file = tmp_path / "log.csv"
    file.write_text(
        STRONG_HEADER + "\n" + ",".join(_csv_value(v) for v in values.values()) + "\n",
        encoding="utf-8",
    )
    db = _db(tmp_path)
    code, text = run_cli("import-log", file, "-p", "Ana", "--new-person", "--db", db)
    assert code in (0, 2), text
    if code == 2:
        _one_error_line(code, text)
    _assert_stored_sets_valid(db)


HOSTILE_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(["9999-12-31T00:00:00+00:00", "Europe", "\x1b[31m", "x" * 300]),
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    ("person", "name"),
    ("person", "time_zone"),
    ("person", "created_at"),
    ("sessions", 0, "pain_0_10"),
    ("sessions", 0, "performed_at"),
    ("sessions", 0, "notes"),
    ("sessions", 0, "exercises"),
    ("sessions", 0, "exercises", 0, "done_sets"),
    ("sessions", 0, "exercises", 0, "exercise_id"),
    ("training_log",),
    ("intakes",),
    ("plans",),
]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.sampled_from(FIELDS), value=HOSTILE_JSON, key=st.integers(0, 10**6))
def test_property_export_import_never_tracebacks(tmp_path, where, value, key):
    document = json.loads(json.dumps({**BASE, "sessions": [SESSION]}))
    target = document
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    file = tmp_path / "doc.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    db = _db(tmp_path)
    name = f"P{key}"
    code, text = run_cli("import", file, "--as", name, "--db", db)
    assert code in (0, 2), text
    if code == 2:
        _one_error_line(code, text)
        return
    engine = open_database(db)
    try:
        with unit_of_work(engine) as uow:
            validate_document(export_person(uow, name))  # what was stored passes the rules
    finally:
        engine.dispose()
