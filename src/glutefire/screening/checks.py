"""Input checks on keypoints before analysis: a person was found, the body is in frame, the clip
is long enough. Each failure raises a :class:`GlutefireError` with one clear sentence."""

from __future__ import annotations

import numpy as np
import xarray as xr

from glutefire.errors import NoPersonError, OutOfFrameError, TooFewRepsError
from glutefire.landmarks import SQUAT_REQUIRED

#: Share of frames in which the person must be found.
MIN_FOUND_FRACTION = 0.5
#: Share of frames in which a required landmark may lie outside the image.
MAX_OUT_OF_FRAME_FRACTION = 0.25
#: Landmarks may sit this far (fraction of the image size) beyond the edge and count as inside.
EDGE_TOLERANCE = 0.02
MIN_DURATION_S = 1.0


def check_person_found(ds: xr.Dataset) -> None:
    """Raise :class:`NoPersonError` when the person is missing in most frames."""
    found = np.isfinite(ds["position"].values[:, :, 0]).any(axis=1)
    if found.mean() < MIN_FOUND_FRACTION:
        raise NoPersonError(
            f"{ds.attrs.get('source_path', 'clip')}: the person was found in only "
            f"{100 * found.mean():.0f}% of frames; film the whole body, well lit"
        )


def check_in_frame(ds: xr.Dataset, required: tuple[str, ...] = SQUAT_REQUIRED) -> None:
    """Raise :class:`OutOfFrameError` when required landmarks are outside the image too often."""
    width, height = ds.attrs["image_width_px"], ds.attrs["image_height_px"]
    found = np.isfinite(ds["position"].values[:, :, 0]).any(axis=1)
    pos = ds["position"].sel(keypoint=list(required)).values[found]
    x, y = pos[..., 0], pos[..., 1]
    outside = (
        (x < -EDGE_TOLERANCE * width)
        | (x > (1 + EDGE_TOLERANCE) * width)
        | (y < -EDGE_TOLERANCE * height)
        | (y > (1 + EDGE_TOLERANCE) * height)
    )
    share = outside.mean(axis=0)
    bad = [name for name, s in zip(required, share, strict=True) if s > MAX_OUT_OF_FRAME_FRACTION]
    if bad:
        parts = ", ".join(sorted({b.split("_", 1)[1] for b in bad}))
        raise OutOfFrameError(
            f"{ds.attrs.get('source_path', 'clip')}: the body is partly out of frame ({parts} "
            f"outside the image in up to {100 * share.max():.0f}% of frames); step back so the "
            "whole body, feet to hands, stays in view"
        )


def check_duration(ds: xr.Dataset) -> None:
    """Raise :class:`TooFewRepsError` for clips shorter than :data:`MIN_DURATION_S`."""
    time_s = ds.coords["time"].values
    duration = float(time_s[-1] - time_s[0]) if len(time_s) > 1 else 0.0
    if duration < MIN_DURATION_S:
        raise TooFewRepsError(
            f"{ds.attrs.get('source_path', 'clip')}: the clip is too short ({duration:.1f} s); "
            "film at least one full squat from standing to standing, ideally three to five"
        )
