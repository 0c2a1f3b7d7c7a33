"""`glutefire intake` and `glutefire plan`: exit codes, files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from glutefire.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "intake_example.yaml"
RESULT = ROOT / "tests" / "programming" / "fixtures" / "screen_result.json"
runner = CliRunner()


def _intake(tmp_path: Path) -> Path:
    out = tmp_path / "intake.json"
    res = runner.invoke(app, ["intake", "--answers", str(EXAMPLE), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_intake_from_answers_file(tmp_path):
    doc = json.loads(_intake(tmp_path).read_text())
    assert doc["schema_version"] == 1
    assert doc["scores"]["kujala"] == 88
    assert doc["answers"]["pain"] == {"knee": 3, "lower_back": 2}
    assert doc["red_flags"] == []


def test_invalid_answers_write_nothing_and_say_why(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["pain"]["knee"] = 12
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    out = tmp_path / "intake.json"
    res = runner.invoke(app, ["intake", "--answers", str(bad), "--out", str(out)])
    assert res.exit_code == 2
    assert "expected pain ratings 0-10" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_missing_answers_file(tmp_path):
    res = runner.invoke(app, ["intake", "--answers", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2
    assert "expected an existing answers file" in res.output


def test_unparseable_answers_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pain: [unclosed\n")
    res = runner.invoke(app, ["intake", "--answers", str(bad), "--out", str(tmp_path / "o.json")])
    assert res.exit_code == 2 and "could not be parsed" in res.output


def test_interactive_intake_reasks_invalid_answers(tmp_path):
    out = tmp_path / "intake.json"
    answers = [
        "200",
        "67",  # age: invalid, then valid
        "",  # sex: skipped
        "running",  # sports
        "lots",
        "30",
        "9",  # sitting: two invalid, then valid
        "70",
        "crunches_situps",  # training
        "knee",
        "11",
        "4",  # pain sites, invalid then valid rating
        "y",
        "y",
        "n",
        "y",
        "n",  # tightness
        "y",  # hamstrings cramp in bridges
        "stiff_loud",
        "none",  # landing, injuries
        "maybe",
        "n",
        "n",
        "n",
        "n",
        "n",
        "n",
        "n",  # red flags (one invalid first)
        "n",  # no optional scales
    ]
    res = runner.invoke(app, ["intake", "--out", str(out)], input="\n".join(answers) + "\n")
    assert res.exit_code == 0, res.output
    assert "expected a number from 0 to 24, but got 30" in res.output
    assert "expected a number, but got 'lots'" in res.output
    assert "expected y or n, but got 'maybe'" in res.output
    doc = json.loads(out.read_text())
    assert doc["answers"]["sitting_hours_per_day"] == 9
    assert doc["answers"]["pain"] == {"knee": 4}
    assert "expected a number from 10 to 110, but got 200" in res.output
    assert doc["answers"]["age_years"] == 67 and doc["answers"]["sports"] == ["running"]
    assert doc["answers"]["sex"] is None
    assert doc["answers"]["tightness"]["hamstrings_cramp_in_bridges"] is True


def test_plan_writes_json_and_markdown(tmp_path):
    intake = _intake(tmp_path)
    plan_json, plan_md = tmp_path / "plan.json", tmp_path / "plan.md"
    res = runner.invoke(
        app,
        [
            "plan",
            "--findings",
            str(RESULT),
            "--intake",
            str(intake),
            "--minutes-per-session",
            "20",
            "--sessions-per-week",
            "3",
            "--weeks",
            "6",
            "--start-date",
            "2026-12-01",
            "--json",
            str(plan_json),
            "--markdown",
            str(plan_md),
            "--quiet",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(plan_json.read_text())
    assert doc["minutes_per_session"] == 20 and doc["reassess_on"] == "2026-12-29"
    assert all(s["minutes"] <= 20 for p in doc["phases"] for s in p["sessions"])
    assert "# glutefire corrective plan" in plan_md.read_text()


def test_plan_without_findings_and_from_raw_answers(tmp_path):
    res = runner.invoke(app, ["plan", "--intake", str(EXAMPLE), "--minutes-per-session", "30"])
    assert res.exit_code == 0, res.output
    assert "activation" in res.output


def test_maintenance_plan(tmp_path):
    out = tmp_path / "plan.json"
    res = runner.invoke(
        app,
        [
            "plan",
            "--intake",
            str(EXAMPLE),
            "--minutes-per-session",
            "20",
            "--maintenance",
            "--json",
            str(out),
            "--quiet",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert doc["mode"] == "maintenance" and doc["sessions_per_week"] == 1


def test_red_flags_stop_the_plan_with_exit_3(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["red_flags"]["numbness_or_tingling"] = True
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(raw))
    out = tmp_path / "plan.json"
    res = runner.invoke(
        app, ["plan", "--intake", str(answers), "--minutes-per-session", "20", "--json", str(out)]
    )
    assert res.exit_code == 3
    assert "see a clinician first" in res.output
    assert json.loads(out.read_text())["stopped"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--minutes-per-session", "2"],
            "expected --minutes-per-session between 5 and 180, but got 2",
        ),
        (
            ["--minutes-per-session", "20", "--start-date", "1/12/2026"],
            "expected --start-date as YYYY-MM-DD",
        ),
        (
            ["--minutes-per-session", "20", "--findings", "missing.json"],
            "expected an existing findings file",
        ),
        (
            ["--minutes-per-session", "20", "--sessions-per-week", "0"],
            "expected --sessions-per-week between 1 and 6",
        ),
    ],
)
def test_bad_plan_options_give_one_clear_line(args, message):
    res = runner.invoke(app, ["plan", "--intake", str(EXAMPLE), *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_malformed_findings_file(tmp_path):
    bad = tmp_path / "result.json"
    doc = json.loads(RESULT.read_text())
    doc["findings"][0]["status"] = "sort of"
    bad.write_text(json.dumps(doc))
    res = runner.invoke(
        app,
        ["plan", "--intake", str(EXAMPLE), "--minutes-per-session", "20", "--findings", str(bad)],
    )
    assert res.exit_code == 2
    assert "findings.0.status" in res.output
