"""`screen --person`, `intake --person` and `plan --person` store their results."""

from sqlalchemy import func, select

from conftest import ROOT, run_cli


def count(engine, model):
    from glutefire.store.repository import unit_of_work

    with unit_of_work(engine) as uow:
        return uow.scalar(select(func.count()).select_from(model))


def test_screen_plan_and_intake_are_stored(screened_3q, db_url, tmp_path):
    from glutefire.store.engine import open_database
    from glutefire.store.models import Intake, Plan, Screening

    _, out = screened_3q
    kp = out / "clip0_keypoints.csv"
    code, text = run_cli(
        "screen",
        kp,
        "--person",
        "Ana",
        "--new-person",
        "--db",
        db_url,
        "--json",
        tmp_path / "r.json",
        "-q",
    )
    assert code == 0, text
    code, text = run_cli(
        "intake",
        "--answers",
        ROOT / "examples" / "intake_example.yaml",
        "--out",
        tmp_path / "intake.json",
        "--person",
        "Ana",
        "--db",
        db_url,
    )
    assert code == 0, text
    code, text = run_cli(
        "plan",
        "--intake",
        tmp_path / "intake.json",
        "--findings",
        tmp_path / "r.json",
        "--minutes-per-session",
        "25",
        "--person",
        "Ana",
        "--db",
        db_url,
        "--quiet",
    )
    assert code == 0, text
    engine = open_database(db_url)
    try:
        assert count(engine, Screening) == 1
        assert count(engine, Plan) == 1
        assert count(engine, Intake) == 2  # one from intake, one linked to the plan
    finally:
        engine.dispose()
    code, text = run_cli("history", "--person", "Ana", "--db", db_url)
    assert code == 0 and "screening (side)" in text and "plan corrective" in text
    assert "questionnaire: pain knee 3/10, lower back 2/10; Kujala 88/100" in " ".join(text.split())


def test_bad_screen_input_stores_nothing(db_url, tmp_path):
    from glutefire.store.engine import open_database
    from glutefire.store.models import Screening

    bad = tmp_path / "kp.csv"
    bad.write_text("frame,time_s\n0,0\n")
    code, _ = run_cli("screen", bad, "--person", "Ben", "--new-person", "--db", db_url, "-q")
    assert code == 2
    engine = open_database(db_url)
    try:
        assert count(engine, Screening) == 0
    finally:
        engine.dispose()
