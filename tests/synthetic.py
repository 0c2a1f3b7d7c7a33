"""Analytic squat fixtures: stick figures with known angles, depth and reps.

Side view: ankle fixed, shank tilted forward by ``shank_deg``, thigh by ``thigh_deg`` from
vertical (knee ahead of hip), trunk by ``trunk_deg``. Front view: each knee is built with the
thigh and shank tilted laterally by half the wanted FPPA, so the frontal plane projection angle
is known exactly. Depth follows a raised-cosine schedule, one rep per ``rep_s`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from glutefire.keypoints import make_keypoints
from glutefire.landmarks import BLAZEPOSE_LANDMARKS

W, H = 1000, 1000
SHANK, THIGH, TRUNK, ARM, FOOT = 180.0, 190.0, 220.0, 250.0, 110.0


@dataclass(frozen=True)
class SquatSpec:
    """Peak angles at the bottom of each rep (deg) and timing."""

    thigh_deg: float = 85.0
    shank_deg: float = 35.0
    trunk_deg: float = 40.0
    fppa_deg: float = 0.0  # front view: + valgus at the bottom
    heel_lift_px: float = 0.0  # heel raised at the bottom
    n_reps: int = 3
    rep_s: float = 2.0
    pause_s: float = 0.5  # standing between reps and at both ends
    fps: float = 30.0
    arms_overhead: bool = True
    facing: int = 1  # side view: +1 faces image-right


def depth_schedule(spec: SquatSpec) -> np.ndarray:
    """0 standing .. 1 bottom, per frame: pause, then (rep, pause) * n_reps."""
    pause = np.zeros(int(spec.pause_s * spec.fps))
    rep = 0.5 - 0.5 * np.cos(np.linspace(0, 2 * np.pi, int(spec.rep_s * spec.fps)))
    return np.concatenate([pause] + [np.concatenate([rep, pause]) for _ in range(spec.n_reps)])


def _empty(n: int) -> np.ndarray:
    return np.full((n, len(BLAZEPOSE_LANDMARKS), 2), np.nan)


def _set(pos: np.ndarray, name: str, xy: np.ndarray) -> None:
    pos[:, BLAZEPOSE_LANDMARKS.index(name)] = xy


def _fill_head_and_hands(pos: np.ndarray, facing: float) -> None:
    """Place face and hand points near the shoulders/wrists so every landmark is finite."""
    idx = BLAZEPOSE_LANDMARKS.index
    mid_sh = 0.5 * (pos[:, idx("left_shoulder")] + pos[:, idx("right_shoulder")])
    for name in BLAZEPOSE_LANDMARKS:
        k = idx(name)
        if np.isnan(pos[:, k, 0]).all():
            if any(t in name for t in ("pinky", "index", "thumb")) and "foot" not in name:
                side = name.split("_")[0]
                pos[:, k] = pos[:, idx(f"{side}_wrist")] + np.array([0.0, -5.0])
            else:
                pos[:, k] = mid_sh + np.array([10.0 * facing, -60.0])


def side_squat(spec: SquatSpec = SquatSpec()) -> tuple[xr.Dataset, np.ndarray]:
    """Side-view squat keypoints and the depth schedule used."""
    d = depth_schedule(spec)
    f = float(spec.facing)
    th, sh, tr = (
        np.radians(spec.thigh_deg * d),
        np.radians(spec.shank_deg * d),
        np.radians(spec.trunk_deg * d),
    )
    n = len(d)
    pos = _empty(n)
    for side, dx in (("left", -4.0), ("right", 4.0)):
        ankle = np.column_stack([np.full(n, 500.0 + dx), np.full(n, 900.0)])
        knee = ankle + np.column_stack([f * SHANK * np.sin(sh), -SHANK * np.cos(sh)])
        hip = knee + np.column_stack([-f * THIGH * np.sin(th), -THIGH * np.cos(th)])
        shoulder = hip + np.column_stack([f * TRUNK * np.sin(tr), -TRUNK * np.cos(tr)])
        arm_dir = (
            np.column_stack([f * np.sin(tr), -np.cos(tr)])
            if spec.arms_overhead
            else np.column_stack([np.zeros(n), np.ones(n)])
        )
        lift = spec.heel_lift_px * d
        heel = ankle + np.column_stack([np.full(n, -0.25 * f * FOOT), 15.0 - lift])
        toe = ankle + np.column_stack([np.full(n, 0.75 * f * FOOT), np.full(n, 15.0)])
        for name, xy in (
            ("ankle", ankle),
            ("knee", knee),
            ("hip", hip),
            ("shoulder", shoulder),
            ("elbow", shoulder + 0.5 * ARM * arm_dir),
            ("wrist", shoulder + ARM * arm_dir),
            ("heel", heel),
            ("foot_index", toe),
        ):
            _set(pos, f"{side}_{name}", xy)
    _fill_head_and_hands(pos, f)
    return _dataset(pos, spec.fps), d


def front_squat(spec: SquatSpec = SquatSpec()) -> tuple[xr.Dataset, np.ndarray]:
    """Front-view squat keypoints (person faces the camera: their left is on image right)."""
    d = depth_schedule(spec)
    n = len(d)
    th, sh, tr = (
        np.radians(spec.thigh_deg * d),
        np.radians(spec.shank_deg * d),
        np.radians(spec.trunk_deg * d),
    )
    half = np.radians(0.5 * spec.fppa_deg * d)
    pos = _empty(n)
    knee_y = 900.0 - SHANK * np.cos(sh) * np.cos(half)
    for side, out in (("left", 1.0), ("right", -1.0)):
        knee = np.column_stack([500.0 + out * 70.0 * np.ones(n), knee_y])
        ankle = knee + np.column_stack(
            [out * SHANK * np.cos(sh) * np.sin(half), SHANK * np.cos(sh) * np.cos(half)]
        )
        hip = knee + np.column_stack(
            [out * THIGH * np.cos(th) * np.sin(half), -THIGH * np.cos(th) * np.cos(half)]
        )
        hip_mid_x = 500.0
        shoulder = np.column_stack(
            [hip_mid_x + out * 110.0 * np.ones(n), hip[:, 1] - TRUNK * np.cos(tr)]
        )
        wrist = shoulder + np.column_stack([np.zeros(n), -ARM * np.ones(n)])
        heel = ankle + np.array([0.0, 10.0])
        toe = ankle + np.array([0.0, 25.0])
        for name, xy in (
            ("ankle", ankle),
            ("knee", knee),
            ("hip", hip),
            ("shoulder", shoulder),
            ("elbow", 0.5 * (shoulder + wrist)),
            ("wrist", wrist),
            ("heel", heel),
            ("foot_index", toe),
        ):
            _set(pos, f"{side}_{name}", xy)
    _fill_head_and_hands(pos, 0.0)
    return _dataset(pos, spec.fps), d


def _dataset(pos: np.ndarray, fps: float) -> xr.Dataset:
    vis = np.full(pos.shape[:2], 0.99)
    return make_keypoints(
        pos,
        vis,
        keypoint_names=BLAZEPOSE_LANDMARKS,
        sampling_rate_hz=fps,
        image_size_px=(W, H),
        source_software="synthetic",
    )


#: The far leg's landmarks MediaPipe loses in a pure side view (it keeps the far hip).
FAR_LEG = ("knee", "ankle", "heel", "foot_index")


def hide_leg(ds: xr.Dataset, side: str, parts: tuple[str, ...] = FAR_LEG) -> xr.Dataset:
    """The same keypoints with one leg unseen (visibility 0, no position)."""
    out = ds.copy(deep=True)
    for part in parts:
        name = f"{side}_{part}"
        out["visibility"].loc[{"keypoint": name}] = 0.0
        out["position"].loc[{"keypoint": name}] = np.nan
    return out


def concat_clips(first: xr.Dataset, second: xr.Dataset) -> xr.Dataset:
    """Two keypoint datasets one after the other in time (the person turns between them)."""
    pos = np.concatenate([first["position"].values, second["position"].values])
    vis = np.concatenate([first["visibility"].values, second["visibility"].values])
    return make_keypoints(
        pos,
        vis,
        keypoint_names=[str(k) for k in first.keypoint.values],
        sampling_rate_hz=first.attrs["sampling_rate_hz"],
        image_size_px=(W, H),
        source_software="synthetic",
    )
