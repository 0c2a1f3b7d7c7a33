"""Camera view and body position for the exercise checks, for any orientation of the body.

The squat's view recognition assumes an upright person. Here the width of the shoulders and
hips is measured *across the body* (perpendicular to the trunk, see
:func:`~glutefire.exercises.signals.width_across_body`), so a person lying, side-lying or on all
fours is judged the same way: about 0 of trunk length from the side, a joint width from the
front or back (a side plank filmed facing the chest, a bridge filmed from the feet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from glutefire.errors import ViewError
from glutefire.exercises import signals as sig
from glutefire.exercises.measures import hip_height_trunk
from glutefire.kinematics.view import SHOULDER_TO_HIP_WIDTH

#: Narrow width ratio at or below which the camera looks at the person's side (as the squat
#: screen, kinematics.view.SIDE_MAX_RATIO).
SIDE_MAX_RATIO = 0.2
#: Narrow width ratio at or above which the camera looks at the front or back. Design value
#: (unverified): the side planks filmed facing the chest measure 0.33, hips stacked.
FRONT_MIN_RATIO = 0.3
#: Hip height above the ankles (trunk lengths, median over the clip) that separates standing
#: exercises (1.3-1.7 on the hinge and lunge clips) from floor ones (0.2-0.65). Design value.
STANDING_MIN_HIP_HEIGHT = 1.0


@dataclass(frozen=True)
class ExerciseView:
    """The recognised view and body position, and the evidence for them."""

    view: str  # side | front | oblique
    width_ratio: float  # narrower of hip width and scaled shoulder width over trunk length
    posture: str  # standing | floor
    hip_height_trunk: float  # median hip height above the ankles, trunk lengths


def narrow_width_ratio(ds: xr.Dataset) -> np.ndarray:
    """Per frame: the narrower of the hip width and the shoulder width (scaled to hip width),
    measured across the body, over trunk length; NaN where not seen."""
    trunk = sig.length_px(sig.mid(ds, "shoulder"), sig.mid(ds, "hip"))
    hips = sig.width_across_body(ds, "hip")
    shoulders = sig.width_across_body(ds, "shoulder") / SHOULDER_TO_HIP_WIDTH
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.fmin(hips, shoulders) / trunk


def recognise(ds: xr.Dataset) -> ExerciseView:
    """View and posture of a cleaned keypoint set; :class:`ViewError` when too few frames show
    the shoulders and hips."""
    ratio = narrow_width_ratio(ds)
    height = hip_height_trunk(ds)
    if np.isfinite(ratio).sum() < 5 or np.isfinite(height).sum() < 5:
        raise ViewError(
            f"{ds.attrs.get('source_path', 'clip')}: too few frames show the shoulders, hips "
            "and ankles to recognise the camera view; film the whole body"
        )
    width = float(np.nanmedian(ratio))
    view = "side" if width <= SIDE_MAX_RATIO else "front" if width >= FRONT_MIN_RATIO else "oblique"
    hip = float(np.nanmedian(height))
    posture = "standing" if hip >= STANDING_MIN_HIP_HEIGHT else "floor"
    return ExerciseView(view=view, width_ratio=width, posture=posture, hip_height_trunk=hip)
