"""The one keypoint container: an ``xarray.Dataset`` built only through :func:`make_keypoints`.

Layout (after movement's poses dataset, single individual):

- ``position`` (time, keypoint, space): image coordinates in pixels; ``space`` is ``x`` (to the
  right of the image) and ``y`` (down the image). NaN where the landmark was not seen.
- ``visibility`` (time, keypoint): the model's visibility score in [0, 1]; 0 where not seen.
- coordinates: ``time`` in seconds from the clip start, ``keypoint`` names, ``space``.
- attrs: ``sampling_rate_hz``, ``source_software``, ``source_path``, ``image_width_px``,
  ``image_height_px``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from glutefire.errors import KeypointFormatError
from glutefire.landmarks import mirror_name

SPACE = ("x", "y")


def make_keypoints(
    position_px: np.ndarray,
    visibility: np.ndarray,
    *,
    keypoint_names: Sequence[str],
    sampling_rate_hz: float,
    image_size_px: tuple[int, int],
    source_software: str,
    source_path: str = "",
    time_s: np.ndarray | None = None,
) -> xr.Dataset:
    """Validate arrays and build the keypoint dataset.

    ``position_px`` has shape (n_frames, n_keypoints, 2); ``visibility`` (n_frames, n_keypoints).
    ``image_size_px`` is (width, height). ``time_s`` defaults to ``frame / sampling_rate_hz``.
    """
    position_px = np.asarray(position_px, dtype=float)
    visibility = np.asarray(visibility, dtype=float)
    names = list(keypoint_names)
    _check_shapes(position_px, visibility, names)
    if not np.isfinite(sampling_rate_hz) or sampling_rate_hz <= 0:
        raise KeypointFormatError(f"expected a positive frame rate, but got {sampling_rate_hz!r}")
    width, height = (int(v) for v in image_size_px)
    if width <= 0 or height <= 0:
        raise KeypointFormatError(f"expected a positive image size, but got {image_size_px!r}")
    if np.any((visibility < 0) | (visibility > 1)):
        raise KeypointFormatError("expected visibility scores in [0, 1]")
    if time_s is None:
        time_s = np.arange(position_px.shape[0]) / sampling_rate_hz
    time_s = np.asarray(time_s, dtype=float)
    if time_s.shape != (position_px.shape[0],) or np.any(np.diff(time_s) <= 0):
        raise KeypointFormatError("expected strictly increasing time stamps, one per frame")
    return xr.Dataset(
        data_vars={
            "position": (("time", "keypoint", "space"), position_px),
            "visibility": (("time", "keypoint"), visibility),
        },
        coords={"time": time_s, "keypoint": names, "space": list(SPACE)},
        attrs={
            "sampling_rate_hz": float(sampling_rate_hz),
            "source_software": source_software,
            "source_path": source_path,
            "image_width_px": width,
            "image_height_px": height,
        },
    )


def _check_shapes(position_px: np.ndarray, visibility: np.ndarray, names: list[str]) -> None:
    if position_px.ndim != 3 or position_px.shape[2] != 2:
        raise KeypointFormatError(
            f"expected positions of shape (frames, keypoints, 2), but got {position_px.shape}"
        )
    if visibility.shape != position_px.shape[:2]:
        raise KeypointFormatError(
            f"expected visibility of shape {position_px.shape[:2]}, but got {visibility.shape}"
        )
    if len(names) != position_px.shape[1] or len(set(names)) != len(names):
        raise KeypointFormatError(
            f"expected {position_px.shape[1]} unique keypoint names, but got {len(names)}"
        )


def validate_keypoints(ds: Any, required: Sequence[str] = ()) -> xr.Dataset:
    """Check that ``ds`` is a keypoint dataset holding ``required`` keypoints; return it."""
    if not isinstance(ds, xr.Dataset) or "position" not in ds or "visibility" not in ds:
        raise TypeError(f"expected a keypoint xarray.Dataset, but got {type(ds).__name__}")
    missing = [k for k in required if k not in ds.coords["keypoint"].values]
    if missing:
        raise KeypointFormatError(f"expected keypoints {missing} in the data, but they are missing")
    return ds


def _index(ds: xr.Dataset, name: str) -> int:
    """Position of keypoint ``name`` along the keypoint axis. Plain numpy on the variables:
    ``.sel`` costs about 100 times more, and live mode calls this dozens of times per frame."""
    hits = np.flatnonzero(ds.variables["keypoint"].values == name)
    if len(hits) != 1:
        raise KeyError(f"expected keypoint {name!r} in the data, but it is missing")
    return int(hits[0])


def point(ds: xr.Dataset, name: str) -> np.ndarray:
    """Positions of one keypoint as an (n_frames, 2) array in pixels (x right, y down)."""
    position = ds.variables["position"]
    assert position.dims == ("time", "keypoint", "space"), "made by make_keypoints"
    return position.values[:, _index(ds, name), :]


def visibility_of(ds: xr.Dataset, name: str) -> np.ndarray:
    """Visibility scores of one keypoint, (n_frames,)."""
    return ds.variables["visibility"].values[:, _index(ds, name)]


def mirror_keypoints(ds: xr.Dataset) -> xr.Dataset:
    """Mirror the image left-right: flip x and swap left/right keypoint names."""
    width = ds.attrs["image_width_px"]
    out = ds.copy(deep=True)
    out["position"].loc[{"space": "x"}] = width - ds["position"].sel(space="x")
    return out.assign_coords(keypoint=[mirror_name(str(k)) for k in ds.coords["keypoint"].values])
