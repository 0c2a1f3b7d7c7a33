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


def _stored_keyframes(db_url: str) -> list[bytes | None]:
    from sqlalchemy import select

    from glutefire.store.engine import open_database
    from glutefire.store.models import ScreeningFinding
    from glutefire.store.repository import unit_of_work

    engine = open_database(db_url)
    with unit_of_work(engine) as uow:
        rows = uow.scalars(select(ScreeningFinding).where(ScreeningFinding.value.is_not(None)))
        images = [r.keyframe_jpeg for r in rows]
    engine.dispose()
    return images


def test_progress_puts_the_two_keyframes_side_by_side(cli, front_csv, db_url, tmp_path):
    import cv2
    import numpy as np

    cli("screen", front_csv, "-p", "Ana", "--new-person", "--date", "2026-11-02", "-q")
    cli("screen", front_csv, "-p", "Ana", "--date", "2026-12-14", "-q")
    kept = _stored_keyframes(db_url)
    assert kept and all(k is not None and k.startswith(b"\xff\xd8") for k in kept)  # JPEGs
    result = cli("progress", "-p", "Ana", "--today", "2026-12-14", "--keyframes", tmp_path / "k")
    written = sorted((tmp_path / "k").glob("compare_*.jpg"))
    assert written and "Keyframes side by side in" in flat(result.output)
    assert (tmp_path / "k" / "compare_knees_cave_in_left.jpg") in written
    img = cv2.imread(str(written[0]))
    assert img.shape[1] > img.shape[0]  # two panels next to each other
    left, right = img[:, : img.shape[1] // 2], img[:, img.shape[1] // 2 :]
    grey = np.array([60, 60, 60])
    for panel in (left, right):  # a real keyframe in each, not the "no keyframe kept" panel
        assert (np.abs(panel.astype(int) - grey).sum(axis=2) > 30).mean() > 0.5


def test_a_screening_stored_without_keyframes_is_compared_with_a_placeholder(
    cli, front_csv, db_url, tmp_path, monkeypatch
):
    import cv2

    import glutefire.store.repository as repository

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repository, "save_keyframes", broken)
    first = cli("screen", front_csv, "-p", "Ana", "--new-person", "--date", "2026-11-02")
    assert "warning: the keyframes could not be stored (RuntimeError: disk full)" in flat(
        first.output
    )
    monkeypatch.undo()
    cli("screen", front_csv, "-p", "Ana", "--date", "2026-12-14", "-q")
    cli("progress", "-p", "Ana", "--keyframes", tmp_path / "k")
    img = cv2.imread(str(tmp_path / "k" / "compare_knees_cave_in_left.jpg"))
    before_panel = img[100:600, 20:200]
    assert abs(before_panel.astype(int).mean() - 60) < 8  # the grey "no keyframe kept" panel
