"""Batch fixtures: keypoint CSVs of the sample clips (fast tasks, no pose model) and manifests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_cli


@pytest.fixture(scope="session")
def keypoint_csvs(screened_front, screened_3q) -> dict[str, Path]:
    """Keypoint CSVs of the front and 3/4-view samples (from the session's screenings)."""
    return {
        "front": screened_front[1] / "clip0_keypoints.csv",
        "q3": screened_3q[1] / "clip0_keypoints.csv",
    }


def write_manifest(
    folder: Path, rows: list[tuple[str, str, str, str]], clips: dict[str, Path]
) -> Path:
    """A manifest in ``folder`` with the named clips copied next to it (relative paths)."""
    for name, src in clips.items():
        shutil.copy(src, folder / name)
    lines = ["person,test,view,clip", *(",".join(row) for row in rows)]
    path = folder / "squad.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def squad(tmp_path, keypoint_csvs) -> Path:
    """Anna (front + side clip, one assessment) and Ben (one clip), as keypoint CSVs."""
    return write_manifest(
        tmp_path,
        [
            ("Anna", "squat", "front", "anna_front.csv"),
            ("Anna", "squat", "auto", "anna_side.csv"),
            ("Ben", "squat", "", "ben.csv"),
        ],
        {
            "anna_front.csv": keypoint_csvs["front"],
            "anna_side.csv": keypoint_csvs["q3"],
            "ben.csv": keypoint_csvs["q3"],
        },
    )


def run_batch_cli(*args) -> tuple[int, str]:
    return run_cli("batch", *args, "-q")


def load_result(out: Path, person: str, test: str = "squat") -> dict:
    return json.loads((out / person / test / "result.json").read_text())


def without_time(result: dict) -> dict:
    """A result without its creation time (the only field that differs between runs)."""
    return {k: v for k, v in result.items() if k != "created_at"}
