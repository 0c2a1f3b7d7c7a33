"""Keypoint files: analysis can be rerun without the pose model.

Formats are registered by file suffix in :data:`READERS` / :data:`WRITERS`; adding one (e.g.
Sports2D/Pose2Sim ``.trc``) means writing a reader that returns the keypoint container.

The MediaPipe landmark CSV (``.csv``, documented in ``docs/keypoint-csv.md``): one row per frame,
columns ``frame, time_s, image_width_px, image_height_px`` then, for each BlazePose landmark
``NAME``, ``NAME_x_px, NAME_y_px, NAME_visibility``. Empty cells mean "not seen".
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from glutefire.errors import InputFileError, KeypointFormatError
from glutefire.keypoints import make_keypoints
from glutefire.landmarks import BLAZEPOSE_LANDMARKS

FRAME_COLUMNS = ("frame", "time_s", "image_width_px", "image_height_px")
CSV_SOURCE = "mediapipe-landmark-csv"
#: Frame rates a keypoint file may have, in Hz. Below 5 Hz (a 0.2 s step) the bottom of a squat
#: cannot be timed to the 0.5 s the screening needs; above 1000 Hz no camera films. A median
#: step outside this range is refused. Design value.
MIN_RATE_HZ, MAX_RATE_HZ = 5.0, 1000.0
#: Positions that all lie within this range, in an image wider and taller than
#: :data:`NORMALISED_MIN_SIDE_PX`, are 0-1 normalised coordinates (MediaPipe's raw output, which
#: may stray slightly outside the image), not pixels. Design value.
NORMALISED_RANGE = (-0.5, 1.5)
NORMALISED_MIN_SIDE_PX = 16


def landmark_columns(name: str) -> tuple[str, str, str]:
    """The three CSV columns of one landmark."""
    return (f"{name}_x_px", f"{name}_y_px", f"{name}_visibility")


def write_landmark_csv(ds: xr.Dataset, path: str | Path) -> None:
    """Write keypoints as a MediaPipe landmark CSV (atomically: temp file then rename)."""
    path = Path(path)
    header = list(FRAME_COLUMNS)
    names = [str(k) for k in ds.coords["keypoint"].values]
    for name in names:
        header.extend(landmark_columns(name))
    pos = ds["position"].values
    vis = ds["visibility"].values
    width, height = ds.attrs["image_width_px"], ds.attrs["image_height_px"]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i, t in enumerate(ds.coords["time"].values):
            row: list[object] = [i, f"{t:.6f}", width, height]
            for k in range(len(names)):
                seen = math.isfinite(pos[i, k, 0])
                row.extend(
                    [f"{pos[i, k, 0]:.3f}", f"{pos[i, k, 1]:.3f}", f"{vis[i, k]:.4f}"]
                    if seen
                    else ["", "", "0"]
                )
            writer.writerow(row)
    tmp.replace(path)


def read_landmark_csv(path: str | Path) -> xr.Dataset:
    """Read a MediaPipe landmark CSV into the keypoint container, validating every column."""
    path = Path(path)
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise KeypointFormatError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in FRAME_COLUMNS if c not in table.columns]
    missing += [
        c for n in BLAZEPOSE_LANDMARKS for c in landmark_columns(n) if c not in table.columns
    ]
    if missing:
        shown = ", ".join(missing[:4]) + (" ..." if len(missing) > 4 else "")
        raise KeypointFormatError(
            f"{path}: expected the columns of docs/keypoint-csv.md, but {len(missing)} are "
            f"missing ({shown})"
        )
    if len(table) < 2:
        raise KeypointFormatError(f"{path}: expected at least 2 frames, but got {len(table)}")
    numeric = _numeric(table, path)
    width, height = (
        _single_value(numeric, "image_width_px", path),
        _single_value(numeric, "image_height_px", path),
    )
    cols = [landmark_columns(n) for n in BLAZEPOSE_LANDMARKS]
    pos = np.stack([numeric[[x, y]].to_numpy(float) for x, y, _ in cols], axis=1)
    vis = np.stack([numeric[v].fillna(0.0).to_numpy(float) for _, _, v in cols], axis=1)
    time_s = numeric["time_s"].to_numpy(float)
    if np.any(~np.isfinite(time_s)):
        raise KeypointFormatError(f"{path}: expected a time_s value on every row")
    _check_ranges(pos, vis, path)
    _check_pixels(pos, (width, height), path)
    rate = _rate_hz(time_s, path)
    return make_keypoints(
        pos,
        vis,
        keypoint_names=BLAZEPOSE_LANDMARKS,
        sampling_rate_hz=rate,
        image_size_px=(int(width), int(height)),
        source_software=CSV_SOURCE,
        source_path=str(path),
        time_s=time_s,
    )


def _numeric(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    out = table.apply(pd.to_numeric, errors="coerce")
    bad = out.isna() & table.notna()
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        raise KeypointFormatError(
            f"{path}: line {row + 2}, column {table.columns[col]}: expected a number, but got "
            f"{table.iat[row, col]!r}"
        )
    return out


def _check_ranges(pos: np.ndarray, vis: np.ndarray, path: Path) -> None:
    if np.isinf(pos).any():
        raise KeypointFormatError(f"{path}: expected finite positions in pixels, but got infinity")
    if np.any(~np.isfinite(vis) | (vis < 0) | (vis > 1)):
        raise KeypointFormatError(f"{path}: expected visibility scores between 0 and 1")


def _check_pixels(pos: np.ndarray, size_px: tuple[float, float], path: Path) -> None:
    """Refuse 0-1 normalised coordinates: they would be read as a person one pixel tall."""
    seen = pos[np.isfinite(pos).all(axis=-1)]
    low, high = NORMALISED_RANGE
    if (
        len(seen)
        and min(size_px) > NORMALISED_MIN_SIDE_PX
        and seen.min() >= low
        and seen.max() <= high
    ):
        raise KeypointFormatError(
            f"{path}: expected positions in pixels, but every x and y lies between "
            f"{seen.min():.2f} and {seen.max():.2f} in a {size_px[0]:g}x{size_px[1]:g} px image: "
            "these look like 0-1 normalised coordinates; multiply x by image_width_px and y by "
            "image_height_px (docs/keypoint-csv.md)"
        )


def _rate_hz(time_s: np.ndarray, path: Path) -> float:
    """Frame rate from the median time step; refuse times in milliseconds or frame numbers."""
    steps = np.diff(time_s)
    if np.any(steps <= 0):
        row = int(np.argmax(steps <= 0)) + 3  # header is line 1, first row line 2
        raise KeypointFormatError(
            f"{path}: line {row}: expected time_s to increase on every row, but it goes from "
            f"{time_s[row - 3]:g} to {time_s[row - 2]:g}"
        )
    step = float(np.median(steps))
    if 1.0 / MAX_RATE_HZ <= step <= 1.0 / MIN_RATE_HZ:
        return 1.0 / step
    hint = ""
    if np.allclose(steps, 1.0):
        hint = "; these look like frame numbers: divide time_s by the frame rate"
    elif 1.0 / MAX_RATE_HZ <= step / 1000.0 <= 1.0 / MIN_RATE_HZ:
        hint = "; these look like milliseconds: divide time_s by 1000"
    raise KeypointFormatError(
        f"{path}: expected time_s in seconds at {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} frames/s, but "
        f"its median step is {step:g} ({1.0 / step:.3g} frames/s){hint}"
    )


def _single_value(table: pd.DataFrame, column: str, path: Path) -> float:
    values = table[column].dropna().unique()
    if len(values) != 1 or values[0] <= 0:
        raise KeypointFormatError(f"{path}: expected one positive {column} for all rows")
    return float(values[0])


READERS: dict[str, Callable[[Path], xr.Dataset]] = {".csv": read_landmark_csv}
WRITERS: dict[str, Callable[[xr.Dataset, Path], None]] = {".csv": write_landmark_csv}


def is_keypoint_file(path: str | Path) -> bool:
    """True when ``path`` has a suffix of a registered keypoint format."""
    return Path(path).suffix.lower() in READERS


def read_keypoints(path: str | Path) -> xr.Dataset:
    """Read any registered keypoint format."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise KeypointFormatError(
            f"{path}: expected a keypoint file ({known}), but got {path.suffix or 'no suffix'}"
        )
    return reader(path)
