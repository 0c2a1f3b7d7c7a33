"""Regression tests on keypoints from the real sample clips (pose model run once per session by
the ``screened_*`` fixtures): the far leg hidden, a cut that never stands, the samples' labels
through ``glutefire eval``; and, only where ``GLUTEFIRE_DEV_CLIPS`` names the folder of the
development clips (never copied into the repository), the whole dev set."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLES, run_cli
from glutefire.errors import TooFewRepsError
from glutefire.io.keypoint_files import read_keypoints
from glutefire.screening.pipeline import analyse_keypoints

pytestmark = pytest.mark.slow

HIDDEN = ("knee", "ankle", "heel", "foot_index")


def hide(ds, side):
    out = ds.copy(deep=True)
    for part in HIDDEN:
        out["visibility"].loc[{"keypoint": f"{side}_{part}"}] = 0.0
        out["position"].loc[{"keypoint": f"{side}_{part}"}] = np.nan
    return out


def complete_bottoms(analysis):
    return [r.bottom_s for r in analysis.reps if r.complete]


@pytest.mark.parametrize("fixture", ["screened_3q", "screened_front"])
def test_real_clip_with_one_leg_hidden_keeps_its_complete_reps(fixture, request):
    _, out = request.getfixturevalue(fixture)
    ds = read_keypoints(out / "clip0_keypoints.csv")
    seen = analyse_keypoints(ds)
    for side in ("left", "right"):
        one_leg = analyse_keypoints(hide(ds, side))
        assert complete_bottoms(one_leg) == pytest.approx(complete_bottoms(seen), abs=0.3)
        assert one_leg.sides is not None and side not in one_leg.sides.sides


def test_real_side_clip_cut_from_half_squat_to_half_squat_has_no_complete_rep(screened_3q):
    _, out = screened_3q
    analysis = analyse_keypoints(read_keypoints(out / "clip0_keypoints.csv"))
    rep = next(r for r in analysis.reps if r.complete)
    depth = analysis.frames["squat_depth_rel"].to_numpy()
    deep = np.flatnonzero(depth[rep.start_frame : rep.end_frame + 1] >= 0.5 * rep.depth_rel)
    cut = analysis.keypoints.isel(
        time=slice(rep.start_frame + int(deep[0]), rep.start_frame + int(deep[-1]) + 1)
    )
    assert cut.sizes["time"] / 30.0 > 1.5  # about 2 s, never standing
    with pytest.raises(TooFewRepsError, match="no complete squat"):
        analyse_keypoints(cut)


def test_samples_labels_all_exact(screened_3q, screened_front, tmp_path):
    cache = tmp_path / "kp"
    cache.mkdir()
    shutil.copy(screened_3q[1] / "clip0_keypoints.csv", cache / "squat_3q_pexels_6980032.csv")
    shutil.copy(screened_front[1] / "clip0_keypoints.csv", cache / "squat_front_pexels_5034577.csv")
    code, text = run_cli(
        "eval",
        SAMPLES / "labels.json",
        SAMPLES,
        "--keypoints-dir",
        cache,
        "--min-reps-exact",
        "1.0",
        "--min-findings",
        "1.0",
        "-q",
    )
    assert code == 0, text
    assert "crashes 0" in text


DEV_CLIPS = os.environ.get("GLUTEFIRE_DEV_CLIPS")


@pytest.mark.skipif(not DEV_CLIPS, reason="GLUTEFIRE_DEV_CLIPS (folder of dev clips) not set")
def test_dev_clips_complete_reps_exact_without_crash(tmp_path):
    folder = Path(str(DEV_CLIPS))
    cache = os.environ.get("GLUTEFIRE_DEV_KEYPOINTS", str(tmp_path / "kp"))
    code, text = run_cli(
        "eval",
        folder / "labels.json",
        folder,
        "--keypoints-dir",
        cache,
        "--min-reps-exact",
        "1.0",
        "-q",
    )
    assert code == 0, text
    assert "crashes 0" in text
