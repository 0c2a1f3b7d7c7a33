"""The tracking commands end to end, on SQLite and PostgreSQL (``--db``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from glutefire.cli import app
from glutefire.store.models import Person, SessionLog, TrainingLogEntry
from glutefire.store.repository import get_person, record_plan, record_screening, unit_of_work

DATA = Path(__file__).resolve().parents[1] / "data"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def cli(db_url):
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(app, [*args, "--db", db_url])
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
        get_person(uow, "Ana").time_zone = "Europe/Berlin"
        record_plan(uow, "Ana", make_plan("2026-11-02"))
    return engine


def count(engine, model) -> int:
    with unit_of_work(engine) as uow:
        return uow.scalar(select(func.count()).select_from(model))


def test_one_line_log_follows_the_rotation(cli, ana):
    for day, label in (("2026-11-03", "A"), ("2026-11-04", "B"), ("2026-11-06", "A")):
        result = cli("log", "--person", "Ana", "--date", day)
        assert f"Logged session {label} for Ana on {day}" in flat(result.output)
    with unit_of_work(ana) as uow:
        sessions = get_person(uow, "Ana").sessions
        assert [s.session_label for s in sessions] == ["A", "B", "A"]
        assert sessions[1].exercises[0].target_reps == "12-15"


def test_log_overrides(cli, ana):
    result = cli(
        "log",
        "-p",
        "Ana",
        "--date",
        "2026-11-03",
        "--pain",
        "4",
        "--effort",
        "7",
        "--skip",
        "side_plank",
        "--set",
        "glute_bridge:3x15@5 kg",
        "--notes",
        "stairs ok",
    )
    assert "skipped" in result.output
    with unit_of_work(ana) as uow:
        (session,) = get_person(uow, "Ana").sessions
        bridge = session.exercises[0]
        assert (bridge.done_sets, bridge.done_reps, bridge.done_load) == (3, 15, "5 kg")
        assert (bridge.target_sets, bridge.target_reps) == (2, "12")
        assert (session.pain_0_10, session.effort_rpe_1_10, session.notes) == (4, 7, "stairs ok")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pain", "11"], "expected pain (0-10) from 0 to 10, but got 11"),
        (["--skip", "burpee"], "expected --skip to name an exercise of this session"),
        (["--set", "glute_bridge:lots"], "expected --set as EXERCISE_ID:SETSxREPS"),
        (["--date", "29/03/2026"], "expected --date as YYYY-MM-DD"),
        (["--session", "Z", "--date", "2026-11-03"], "to be one of A, B, but got 'Z'"),
    ],
)
def test_bad_log_input_is_one_line_and_changes_nothing(cli, ana, args, message):
    result = cli("log", "-p", "Ana", *args, ok=False)
    assert result.exit_code == 2
    assert message in flat(result.output)
    assert "Traceback" not in result.output
    assert count(ana, SessionLog) == 0


def test_unknown_person(cli, engine):
    result = cli("log", "-p", "Nobody", ok=False)
    assert result.exit_code == 2 and "expected a stored person, but got 'Nobody'" in flat(
        result.output
    )


def test_date_with_time_across_dst_is_stored_in_utc(cli, ana):
    cli("log", "-p", "Ana", "--date", "2026-03-29T23:30")  # CEST (UTC+2) since 02:00 that day
    with unit_of_work(ana) as uow:
        (session,) = get_person(uow, "Ana").sessions
        assert session.performed_at == dt.datetime(2026, 3, 29, 21, 30, tzinfo=dt.timezone.utc)
        assert session.time_zone == "Europe/Berlin"
    assert "2026-03-29 23:30 session" in cli("history", "-p", "Ana").output


def test_progress_of_an_empty_history(cli, engine):
    cli("people", "--person", "Bo", "--time-zone", "America/New_York")
    result = cli("progress", "-p", "Bo", "--today", "2026-11-25")
    text = flat(result.output)
    assert "no plan and no sessions yet" in text and "nothing to compare" in text
    assert "alert" not in text


def test_progress_alerts_and_plots(cli, ana, make_result, tmp_path):
    cli("log", "-p", "Ana", "--date", "2026-11-03", "--pain", "2")
    with unit_of_work(ana) as uow:
        record_screening(uow, "Ana", make_result(13.5))
    out = tmp_path / "plots"
    result = cli("progress", "-p", "Ana", "--today", "2026-11-25", "--plots", str(out))
    text = flat(result.output)
    assert "below the maintenance dose" in text
    assert "Knees cave in (left) (smallest detectable difference 8 deg): 2026-10-30: 4.0" in text
    assert "more than its 8 deg smallest detectable difference" in text
    # worse while a plan is in force: back to the corrective phase, not the minimum dose
    assert "`glutefire plan -p Ana --minutes-per-session 20`" in text
    assert "Suggested minimum maintenance routine" not in text
    assert (out / "adherence.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (out / "pain.svg").read_text()
    assert (out / "metric_knees_cave_in_left.svg").exists()


def test_lapse_alone_suggests_the_maintenance_routine(cli, ana):
    cli("log", "-p", "Ana", "--date", "2026-11-03")
    text = flat(cli("progress", "-p", "Ana", "--today", "2026-11-25").output)
    assert "Suggested minimum maintenance routine" in text and "Hip Thrust: 1x10 @ 20 kg" in text


def test_import_log_reports_problems_and_skips_duplicates(cli, engine):
    result = cli(
        "import-log",
        str(DATA / "hevy_sample.csv"),
        "-p",
        "Cy",
        "--time-zone",
        "UTC",
        "--new-person",
    )
    text = flat(result.output)
    assert "Imported 5 set(s) from a hevy export" in text
    assert "Ignored unknown columns: gym_name" in text
    assert "skipped line 6: expected set_type" in text and "skipped line 7" in text
    again = flat(cli("import-log", str(DATA / "hevy_sample.csv"), "-p", "Cy").output)
    assert "Imported 0 set(s) from a hevy export (5 already stored" in again
    assert count(engine, TrainingLogEntry) == 5
    balance = flat(cli("balance", "-p", "Cy", "--today", "2025-07-28", "--weeks", "2").output)
    assert "Glute-dominant work is at least equal to quad-dominant work" in balance
    assert "Counted as hip-dominant: " in balance and "Counted as knee-dominant: " in balance


def test_strict_import_and_unknown_formats_change_nothing(cli, engine, tmp_path):
    result = cli(
        "import-log",
        str(DATA / "hevy_sample.csv"),
        "-p",
        "Cy",
        "--strict",
        "--new-person",
        ok=False,
    )
    assert result.exit_code == 2 and "nothing imported" in flat(result.output)
    odd = tmp_path / "odd.csv"
    odd.write_text("when,what\n2026-01-01,squat\n")
    result = cli("import-log", str(odd), "-p", "Cy", "--new-person", ok=False)
    assert "expected a CSV export from strong or hevy" in flat(result.output)
    assert count(engine, Person) == 0 and count(engine, TrainingLogEntry) == 0


def test_balance_with_override_file(cli, engine, tmp_path):
    classes = tmp_path / "classes.yaml"
    classes.write_text("Zercher Carry: knee\nPlank: other\n")
    cli(
        "import-log",
        str(DATA / "strong_sample.csv"),
        "-p",
        "Di",
        "--time-zone",
        "Europe/Berlin",
        "--new-person",
    )
    text = flat(
        cli("balance", "-p", "Di", "--today", "2026-04-01", "--classes", str(classes)).output
    )
    assert "Quad-dominant work outweighs glute-dominant work: 4 knee-dominant vs 2" in text
    assert "Not recognised" not in text
    plots_dir = tmp_path / "plots"
    cli("balance", "-p", "Di", "--today", "2026-04-01", "--plots", str(plots_dir))
    assert (plots_dir / "balance.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (plots_dir / "balance.svg").read_text()


def test_export_import_round_trip_through_the_cli(cli, ana, tmp_path):
    cli("log", "-p", "Ana", "--date", "2026-11-03")
    first = tmp_path / "ana.json"
    cli("export", "-p", "Ana", "-o", str(first))
    refused = cli("import", str(first), ok=False)
    assert refused.exit_code == 2 and "already stored" in flat(refused.output)
    cli("import", str(first), "--as", "Ana B")
    second = json.loads(cli("export", "-p", "Ana B").output)
    second["person"]["name"] = "Ana"
    assert second == json.loads(first.read_text())


def test_import_of_broken_json(cli, engine, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli("import", str(broken), ok=False)
    assert result.exit_code == 2 and "expected a JSON export file" in flat(result.output)


def test_people_rejects_unknown_time_zone(cli, engine):
    result = cli("people", "--person", "Ed", "--time-zone", "Mars/Base", ok=False)
    assert "expected an IANA time zone" in flat(result.output)
    assert count(engine, Person) == 0


def test_bad_database_url(tmp_path):
    result = CliRunner().invoke(app, ["people", "--db", "mysql://x/y"])
    assert result.exit_code == 2 and "expected a sqlite or postgresql database URL" in result.output


def test_a_closed_pipe_after_logging_keeps_the_session(ana, db_url, monkeypatch):
    """`glutefire log ... | head -1`: printing fails after the commit, the session stays."""
    from glutefire.cli import tracking_render

    def closed_pipe(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(tracking_render, "session_logged", closed_pipe)
    CliRunner().invoke(app, ["log", "-p", "Ana", "--date", "2026-11-03", "--db", db_url])
    assert count(ana, SessionLog) == 1


def test_rotation_follows_dates_and_restarts_with_each_phase(cli, ana):
    log = lambda day: flat(cli("log", "-p", "Ana", "--date", day).output)  # noqa: E731
    assert "session A" in log("2026-11-05")
    assert "session A" in log("2026-11-03")  # back-dated: the first session of the phase
    assert "session B" in log("2026-11-07")  # after 11-05 (A), by date not by entry order
    with unit_of_work(ana) as uow:
        assert [s.session_label for s in get_person(uow, "Ana").sessions] == ["A", "A", "B"]
    # the integrate phase (weeks 4-6, one session template) starts again at A
    assert "session A" in log("2026-11-23")


def test_older_adults_get_two_maintenance_sessions_after_the_plan_ends(cli, ana):
    from glutefire.store.repository import record_intake

    with unit_of_work(ana) as uow:
        record_intake(uow, "Ana", {"answers": {"age_years": 70}})
    text = flat(cli("progress", "-p", "Ana", "--today", "2026-12-30").output)
    assert (
        "The plan ended on 2026-12-14: the maintenance phase runs on its own since then "
        "(2 session(s) a week" in text
    )
    assert "2026-W52 │ 0 / 2" in text
    logged = flat(cli("log", "-p", "Ana", "--date", "2026-12-30").output)
    assert "Logged session M" in logged and "2x10 @ 20 kg" in logged
