import numpy as np
import pytest

from glutefire.errors import InputFileError, KeypointFormatError
from glutefire.io.keypoint_files import read_keypoints, write_landmark_csv
from glutefire.keypoints import make_keypoints
from synthetic import side_squat


def test_csv_round_trip(tmp_path):
    ds, _ = side_squat()
    ds = ds.copy(deep=True)
    ds["position"].values[5, 3] = np.nan  # an unseen landmark survives as empty cells
    ds["visibility"].values[5, 3] = 0.0
    path = tmp_path / "kp.csv"
    write_landmark_csv(ds, path)
    back = read_keypoints(path)
    assert np.allclose(back["position"].values, ds["position"].values, atol=1e-3, equal_nan=True)
    assert np.allclose(back["visibility"].values, ds["visibility"].values, atol=1e-4)
    assert back.attrs["sampling_rate_hz"] == pytest.approx(30, rel=1e-3)
    assert back.attrs["image_width_px"] == ds.attrs["image_width_px"]


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("frame,time_s\n0,0\n1,0.03\n")
    with pytest.raises(KeypointFormatError, match="missing"):
        read_keypoints(path)


def edited_csv(tmp_path, edit):
    """A valid keypoint CSV whose lines are changed in place by ``edit(lines)``."""
    path = tmp_path / "kp.csv"
    write_landmark_csv(side_squat()[0], path)
    lines = path.read_text().splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_non_numeric_cell_reports_line_and_column(tmp_path):
    def spoil_cell(lines):
        cells = lines[4].split(",")
        cells[4] = "abc"
        lines[4] = ",".join(cells)

    with pytest.raises(KeypointFormatError, match=r"line 5, column nose_x_px: expected a number"):
        read_keypoints(edited_csv(tmp_path, spoil_cell))


def test_time_must_increase(tmp_path):
    def swap_rows(lines):
        lines[3], lines[4] = lines[4], lines[3]

    with pytest.raises(KeypointFormatError):
        read_keypoints(edited_csv(tmp_path, swap_rows))


def test_unknown_suffix_and_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_keypoints(tmp_path / "nope.csv")
    trc = tmp_path / "x.trc"
    trc.write_text("")
    with pytest.raises(KeypointFormatError, match="expected a keypoint file"):
        read_keypoints(trc)


def test_container_validation_messages():
    with pytest.raises(KeypointFormatError, match="expected positions of shape"):
        make_keypoints(
            np.zeros((3, 2)),
            np.zeros((3,)),
            keypoint_names=["a", "b"],
            sampling_rate_hz=30,
            image_size_px=(10, 10),
            source_software="t",
        )
    with pytest.raises(KeypointFormatError, match="positive frame rate"):
        make_keypoints(
            np.zeros((3, 2, 2)),
            np.zeros((3, 2)),
            keypoint_names=["a", "b"],
            sampling_rate_hz=0,
            image_size_px=(10, 10),
            source_software="t",
        )
