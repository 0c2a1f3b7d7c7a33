"""A trainer's journey with filmed sets: ``log --clip`` fills the done reps and hold from the
clips (measured next to the plan's targets), stores the form checks, ``progress`` shows them by
week, and ``export``/``import`` keep them. Clips are keypoint CSVs of analytic figures (the
pose model is exercised in tests/exercises/test_check_real.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from exercise_figures import bridge, plank
from glutefire.cli import app
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.store.exercise_checks import filmed_history
from glutefire.store.models import ExerciseCheckItem, ExerciseCheckRecord, SessionLog
from glutefire.store.repository import get_person, record_plan, record_screening, unit_of_work


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def cli(db_url):
    runner = CliRunner()

    def run(*args, ok: bool = True):
        result = runner.invoke(app, [*map(str, args), "--db", db_url])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def ana(engine, make_plan, make_result):
    with unit_of_work(engine) as uow:
        record_screening(
            uow,
            "Ana",
            make_result(4.0),
            recorded_at=dt.datetime(2026, 10, 30, tzinfo=dt.timezone.utc),
        )
        record_plan(uow, "Ana", make_plan("2026-11-02"))
    return engine


@pytest.fixture
def clips(tmp_path):
    paths = {
        "bridge": tmp_path / "bridge.csv",
        "plank": tmp_path / "plank.csv",
        "short_plank": tmp_path / "short_plank.csv",
    }
    write_landmark_csv(bridge(), paths["bridge"])
    write_landmark_csv(plank(front=True, hold_s=5.0), paths["plank"])
    write_landmark_csv(plank(front=True, hold_s=3.0, dev_deg=-9.0), paths["short_plank"])
    return paths


def count(engine, model) -> int:
    with unit_of_work(engine) as uow:
        return uow.scalar(select(func.count()).select_from(model))


def test_filmed_sets_fill_the_log_and_show_in_progress(cli, ana, clips, tmp_path):
    out = cli(
        "log",
        "-p",
        "Ana",
        "--date",
        "2026-11-03",
        "--clip",
        f"glute_bridge={clips['bridge']}",
        "--clip",
        f"side_plank={clips['plank']}",
    ).output
    text = flat(out)
    assert "From the clips" in text and "3 reps" in text and "hold 5.0 s" in text, out
    with unit_of_work(ana) as uow:
        (session,) = get_person(uow, "Ana").sessions
        by_id = {e.exercise_id: e for e in session.exercises}
        assert by_id["glute_bridge"].done_reps == 3
        assert by_id["glute_bridge"].target_reps is not None  # the plan's target kept beside it
        assert by_id["side_plank"].done_hold_s == pytest.approx(5.0, abs=0.4)
        assert [c.exercise for c in by_id["glute_bridge"].checks] == ["glute_bridge"]
    assert count(ana, ExerciseCheckRecord) == 2
    assert count(ana, ExerciseCheckItem) == 4 + 1  # bridge's four checks, side plank's one

    cli("log", "-p", "Ana", "--date", "2026-11-10", "--clip", f"side_plank={clips['short_plank']}")
    progress = flat(cli("progress", "-p", "Ana", "--today", "2026-11-12").output)
    assert "Filmed exercises" in progress
    assert "2026-W45" in progress and "2026-W46" in progress
    assert "pelvis_drop" in progress  # the second plank's fault, by week

    exported = tmp_path / "ana.json"
    cli("export", "-p", "Ana", "--output", exported)
    document = json.loads(exported.read_text())
    assert any(e.get("checks") for s in document["sessions"] for e in s["exercises"])
    cli("import", exported, "--as", "Ana again")
    with unit_of_work(ana) as uow:
        again = filmed_history(get_person(uow, "Ana again"))
        before = filmed_history(get_person(uow, "Ana"))
    assert [(r.exercise_id, r.complete_reps, r.longest_hold_s, r.present) for r in again] == [
        (r.exercise_id, r.complete_reps, r.longest_hold_s, r.present) for r in before
    ]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("nope=x.csv", "can be filmed and checked"),
        ("glute_bridge", "EXERCISE_ID=PATH"),
        ("glute_bridge=missing.csv", "no such file"),
    ],
)
def test_bad_clip_option_is_one_error_and_stores_nothing(cli, ana, option, message):
    result = cli("log", "-p", "Ana", "--date", "2026-11-03", "--clip", option, ok=False)
    assert result.exit_code == 2
    assert "error:" in result.output and message in flat(result.output)
    assert count(ana, SessionLog) == 0


def test_wrong_clip_for_the_exercise_stores_nothing(cli, ana, clips):
    result = cli("log", "-p", "Ana", "--clip", f"romanian_deadlift={clips['bridge']}", ok=False)
    assert result.exit_code == 2 and "done standing" in flat(result.output)
    assert count(ana, SessionLog) == 0


def test_a_clip_filmed_from_a_view_that_does_not_fit_is_refused_like_on_the_web(cli, ana, clips):
    """A side plank filmed facing the chest, given as the glute bridge: the camera does not fit
    the bridge (side or oblique), so nothing is stored (the web session form refuses it too)."""
    result = cli("log", "-p", "Ana", "--clip", f"glute_bridge={clips['plank']}", ok=False)
    text = flat(result.output)
    assert result.exit_code == 2 and text.startswith("error: plank.csv: expected a side or")
    assert "but the clip looks like a front view" in text
    assert count(ana, SessionLog) == 0
