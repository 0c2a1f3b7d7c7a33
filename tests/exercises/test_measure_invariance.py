"""Invariants of the exercise measures: swapping every left/right label, mirroring the image
and scaling it leave every side-agnostic measure unchanged (the robustness to MediaPipe's label
swaps in lying poses rests on this)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise_figures import bird_dog, bridge, clamshell, hinge, plank
from glutefire.exercises.measures import MEASURES, compute_measures
from glutefire.keypoints import make_keypoints, mirror_keypoints
from glutefire.landmarks import mirror_name

FIGURES = {
    "bridge": bridge(),
    "plank": plank(front=True),
    "hinge": hinge(),
    "bird_dog": bird_dog(),
    "clamshell": clamshell(),
}
#: Measures defined by image up/down or a limb's own side: mirroring keeps them; swapping the
#: labels keeps them too, since none reads a label's identity.
ALL = list(MEASURES)


def relabel(ds, frames):
    """Swap every left/right label in ``frames`` (bool per frame)."""
    names = [str(k) for k in ds.coords["keypoint"].values]
    pos = ds["position"].values.copy()
    order = [names.index(mirror_name(n)) for n in names]
    pos[frames] = pos[frames][:, order]
    return ds.copy(data={"position": pos, "visibility": ds["visibility"].values})


def scaled(ds, factor):
    return make_keypoints(
        ds["position"].values * factor,
        ds["visibility"].values,
        keypoint_names=[str(k) for k in ds.coords["keypoint"].values],
        sampling_rate_hz=ds.attrs["sampling_rate_hz"],
        image_size_px=(
            round(ds.attrs["image_width_px"] * factor),
            round(ds.attrs["image_height_px"] * factor),
        ),
        source_software="synthetic",
    )


@pytest.mark.parametrize("name", FIGURES)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_measures_ignore_left_right_labels(name, seed):
    ds = FIGURES[name]
    frames = np.random.default_rng(seed).random(ds.sizes["time"]) < 0.5
    np.testing.assert_allclose(
        compute_measures(relabel(ds, frames), ALL).to_numpy(),
        compute_measures(ds, ALL).to_numpy(),
        atol=1e-6,
    )


@pytest.mark.parametrize("name", FIGURES)
def test_measures_are_mirror_and_scale_invariant(name):
    ds = FIGURES[name]
    base = compute_measures(ds, ALL).to_numpy()
    np.testing.assert_allclose(
        compute_measures(mirror_keypoints(ds), ALL).to_numpy(), base, atol=1e-6
    )
    np.testing.assert_allclose(compute_measures(scaled(ds, 0.5), ALL).to_numpy(), base, atol=1e-6)
