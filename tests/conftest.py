"""Shared fixtures: sample clip paths and a once-per-session real screening of the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from glutefire.cli import app

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
