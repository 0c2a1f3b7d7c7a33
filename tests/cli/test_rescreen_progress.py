"""Re-screening the same person and reading the progress: the follow-up loop through the CLI.

Uses the keypoint CSV that ``screen --out`` wrote for the front-view sample (fast: no pose model).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from glutefire.cli import app


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def front_csv(screened_front) -> Path:
    _, out = screened_front
    return out / "clip0_keypoints.csv"


@pytest.fixture
def cli(db_url):
    runner = CliRunner()

    def run(*args: object, ok: bool = True):
        result = runner.invoke(app, [*map(str, args), "--db", db_url])
        if ok:
            assert result.exit_code == 0, result.output
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                result.exception
            )
        return result

    return run


def test_progress_after_a_second_screening_of_the_same_view(cli, front_csv):
    cli("screen", front_csv, "-p", "Ana", "--new-person", "--date", "2026-11-02", "-q")
    cli("screen", front_csv, "-p", "Ana", "--date", "2026-12-14", "-q")
    result = cli("progress", "-p", "Ana", "--today", "2026-12-14")
    text = flat(result.output)
    assert "Traceback" not in result.output
    assert "Knees cave in" in text
    assert "2026-11-02" in text and "2026-12-14" in text


def test_names_with_markup_characters_print_as_typed(cli, front_csv):
    name = "Ana [/] [bold"
    cli("screen", front_csv, "-p", name, "--new-person", "-q")
    cli("screen", front_csv, "-p", name, "-q")
    assert name in cli("progress", "-p", name).output
    assert name in cli("people").output
