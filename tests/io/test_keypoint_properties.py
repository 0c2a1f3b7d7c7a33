"""Property tests for the keypoint CSV parser: what it accepts round-trips, what it refuses it
refuses with one clear message (never another exception), whatever the input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glutefire.errors import GlutefireError, KeypointFormatError
from glutefire.io.keypoint_files import read_keypoints, write_landmark_csv
from glutefire.keypoints import make_keypoints
from glutefire.landmarks import BLAZEPOSE_LANDMARKS

N_KP = len(BLAZEPOSE_LANDMARKS)
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def keypoint_arrays(draw, *, normalised: bool = False):
    """(positions, visibility, fps, (width, height)) of a few frames."""
    n = draw(st.integers(2, 12))
    width, height = draw(st.integers(64, 4000)), draw(st.integers(64, 4000))
    fps = draw(st.floats(5.0, 240.0))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scale = np.array([1.0, 1.0]) if normalised else np.array([width, height], float)
    pos = rng.uniform(0.0, 1.0, (n, N_KP, 2)) * scale
    hidden = rng.uniform(size=(n, N_KP)) < 0.1
    pos[hidden] = np.nan
    vis = np.where(hidden, 0.0, rng.uniform(0.0, 1.0, (n, N_KP)))
    return pos, vis, fps, (width, height)


def _dataset(pos, vis, fps, size, time_s=None):
    return make_keypoints(
        pos,
        vis,
        keypoint_names=BLAZEPOSE_LANDMARKS,
        sampling_rate_hz=fps,
        image_size_px=size,
        source_software="test",
        time_s=time_s,
    )


@PROPERTY
@given(keypoint_arrays())
def test_pixel_files_round_trip(tmp_path, arrays):
    pos, vis, fps, size = arrays
    path = tmp_path / "kp.csv"
    write_landmark_csv(_dataset(pos, vis, fps, size), path)
    back = read_keypoints(path)
    assert np.allclose(back["position"].values, pos, atol=1e-3, equal_nan=True)
    assert np.allclose(back["visibility"].values, vis, atol=1e-4)
    assert back.attrs["sampling_rate_hz"] == pytest.approx(fps, rel=1e-3)
    assert (back.attrs["image_width_px"], back.attrs["image_height_px"]) == size


@PROPERTY
@given(keypoint_arrays(normalised=True))
def test_normalised_coordinates_are_refused(tmp_path, arrays):
    pos, vis, fps, size = arrays
    path = tmp_path / "kp.csv"
    write_landmark_csv(_dataset(pos, vis, fps, size), path)
    with pytest.raises(KeypointFormatError, match="0-1 normalised coordinates; multiply x by"):
        read_keypoints(path)


@PROPERTY
@given(keypoint_arrays())
def test_millisecond_times_are_refused(tmp_path, arrays):
    pos, vis, fps, size = arrays
    time_ms = np.arange(len(pos)) / fps * 1000.0
    path = tmp_path / "kp.csv"
    write_landmark_csv(_dataset(pos, vis, fps, size, time_s=time_ms), path)
    with pytest.raises(KeypointFormatError, match="look like milliseconds: divide time_s by 1000"):
        read_keypoints(path)


def test_frame_numbers_as_times_are_refused(tmp_path):
    pos, vis, fps, size = _fixed()
    path = tmp_path / "kp.csv"
    write_landmark_csv(_dataset(pos, vis, fps, size, time_s=np.arange(len(pos), dtype=float)), path)
    with pytest.raises(KeypointFormatError, match="look like frame numbers"):
        read_keypoints(path)


def _fixed():
    rng = np.random.default_rng(1)
    pos = rng.uniform(0, 500, (6, N_KP, 2))
    return pos, np.full((6, N_KP), 0.9), 30.0, (640, 480)


@PROPERTY
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_is_read_or_refused_with_one_clear_error(tmp_path, text):
    path = tmp_path / "kp.csv"
    path.write_text(text, encoding="utf-8")
    try:
        read_keypoints(path)
    except GlutefireError as exc:
        assert str(exc).startswith(f"{path}: "), str(exc)


@PROPERTY
@given(
    row=st.integers(2, 8),
    column=st.integers(0, 4 + 3 * N_KP - 1),
    value=st.sampled_from(["", "x", "nan", "-1", "1e309", "0", "3.5", ";"]),
)
def test_any_edited_cell_is_read_or_refused_with_one_clear_error(tmp_path, row, column, value):
    pos, vis, fps, size = _fixed()
    path = tmp_path / "kp.csv"
    write_landmark_csv(_dataset(pos, vis, fps, size), path)
    lines = path.read_text().splitlines()
    cells = lines[min(row, len(lines) - 1)].split(",")
    cells[column] = value
    lines[min(row, len(lines) - 1)] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    try:
        ds = read_keypoints(path)
    except GlutefireError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "expected" in message, message
    else:
        assert ds["position"].shape == (len(pos), N_KP, 2)
        assert not np.isinf(ds["position"].values).any()
