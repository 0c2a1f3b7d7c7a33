"""Shared fixtures: sample clips and a once-per-session real screening of them; ``db_url`` runs a
test on SQLite (a file per test) and on PostgreSQL (a fresh database per test, on the server
started by ``scripts/test-postgres.sh``). Without ``GLUTEFIRE_TEST_POSTGRES_URL`` the PostgreSQL
half is skipped locally but FAILS when ``CI`` is set: CI must test both backends.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from glutefire.cli import app
from glutefire.result import FindingCode, RepRecord, ScreeningResult, Status
from results import make_finding, make_screening

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SQUAT_3Q = SAMPLES / "squat_3q_pexels_6980032.mp4"
SQUAT_FRONT = SAMPLES / "squat_front_pexels_5034577.mp4"
BRIDGE = SAMPLES / "glute_bridge_side_pexels_6525487.mp4"
PLANK = SAMPLES / "side_plank_pexels_6023266.mp4"


def run_cli(*args: str) -> tuple[int, str]:
    """Invoke the CLI in-process; return (exit code, stdout+stderr)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def screened_3q(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """The 3/4-view sample screened once through the CLI with every output."""
    out = tmp_path_factory.mktemp("screen3q")
    code, text = run_cli("screen", SQUAT_3Q, "--out", out, "--json", out / "copy.json", "-q")
    assert code == 0, text
    return json.loads((out / "result.json").read_text()), out


@pytest.fixture(scope="session")
def screened_front(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """The front-view sample screened once (no annotated video, to save time)."""
    out = tmp_path_factory.mktemp("screenfront")
    code, text = run_cli("screen", SQUAT_FRONT, "--out", out, "--no-video", "-q")
    assert code == 0, text
    return json.loads((out / "result.json").read_text()), out


POSTGRES_ENV = "GLUTEFIRE_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    message = (
        f"{POSTGRES_ENV} is not set: run the tests through scripts/test-postgres.sh (make test)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A freshly created, empty PostgreSQL database, dropped afterwards."""
    admin_url = _postgres_admin_url()
    name = f"gf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'glutefire.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url: str):
    """An engine on a database upgraded to the newest schema."""
    from glutefire.store.engine import open_database

    eng = open_database(db_url)
    yield eng
    eng.dispose()


def screening_result(
    fppa_left_deg: float = 4.0, *, view: str = "front", kasr: float = 0.9
) -> ScreeningResult:
    """A one-clip screening result built through the model: three complete reps with the given
    left knee FPPA (mean) and KASR; ``knees_cave_in`` present when the FPPA is above 10 deg."""
    reps = [
        RepRecord(
            clip=0,
            index=i + 1,
            start_s=1.0 + 3 * i,
            bottom_s=2.0 + 3 * i,
            end_s=3.5 + 3 * i,
            complete=True,
            bottom_frame=60 + 90 * i,
            metrics={
                "knee_fppa_left_deg": fppa_left_deg + d,
                "knee_fppa_right_deg": 3.0 + d,
                "kasr": kasr,
                "trunk_lean_deg": 30.0 + d,
            },
        )
        for i, d in enumerate((-0.5, 0.0, 0.5))
    ]
    knees = make_finding(
        FindingCode.KNEES_CAVE_IN,
        Status.PRESENT if fppa_left_deg > 10 else Status.ABSENT,
        side="left" if fppa_left_deg > 10 else "none",
        value=fppa_left_deg,
        threshold=10.0,
        unit="deg",
        reps=[1, 2, 3] if fppa_left_deg > 10 else [],
        confidence=0.8,
        reason="mean FPPA over 3 reps",
        source="Munro 2012",
        evidence_frame=150,
        per_side={"left": fppa_left_deg},  # the right knee's landmarks were poorly visible
    )
    return make_screening(view=view, reps=reps, findings=[knees])


def sample_plan(start_date: str = "2026-11-02", sessions_per_week: int = 3) -> dict:
    """A plan following the documented contract (schema_version 1): two phases, A/B rotation."""

    def exercise(exercise_id: str, sets: int, reps, hold_s=None, load="bodyweight") -> dict:
        return {
            "exercise_id": exercise_id,
            "name": exercise_id.replace("_", " ").title(),
            "phase": "activate",
            "sets": sets,
            "reps": reps,
            "hold_s": hold_s,
            "tempo": "4/2/1",
            "load": load,
            "rest_s": 60,
            "side": "both",
        }

    return {
        "schema_version": 1,
        "mode": "corrective",
        "stopped": False,
        "start_date": start_date,
        "reassess_on": "2026-12-14",
        "sessions_per_week": sessions_per_week,
        "minutes_per_session": 20,
        "weeks": 6,
        "phases": [
            {
                "name": "activate",
                "week_from": 1,
                "week_to": 3,
                "sessions": [
                    {
                        "label": "A",
                        "minutes": 20,
                        "exercises": [
                            exercise("glute_bridge", 2, 12),
                            exercise("side_plank", 2, None, hold_s=30),
                        ],
                    },
                    {
                        "label": "B",
                        "minutes": 20,
                        "exercises": [exercise("clamshell", 2, "12-15", load="light band")],
                    },
                ],
            },
            {
                "name": "integrate",
                "week_from": 4,
                "week_to": 6,
                "sessions": [
                    {
                        "label": "A",
                        "minutes": 20,
                        "exercises": [exercise("hip_thrust", 3, 10, load="20 kg")],
                    },
                ],
            },
        ],
    }


@pytest.fixture
def make_result():
    return screening_result


@pytest.fixture
def make_plan():
    return sample_plan
