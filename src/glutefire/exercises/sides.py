"""Undo MediaPipe's left/right label swaps before cleaning.

In lying, side-lying and quadruped poses BlazePose often swaps the left and right labels of an
arm or a leg from one frame to the next. Side-agnostic measures do not care which label a limb
has, but trajectory cleaning does: a swap is a jump in each labelled trajectory, which the spike
filter and the low-pass would smear into positions no limb had. So, before cleaning, each limb
pair (arms, legs) is relabelled per frame to whichever assignment is closer to the previous
frame's.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: Landmark groups that swap together (a limb with its end points).
GROUPS: dict[str, tuple[str, ...]] = {
    "arm": ("shoulder", "elbow", "wrist", "pinky", "index", "thumb"),
    "leg": ("hip", "knee", "ankle", "heel", "foot_index"),
}
#: Swap only when the crossed assignment is this much closer than the labelled one (a margin
#: against noise when the two limbs overlap, as in a side view). Design value.
SWAP_MARGIN = 0.7


def _indices(ds: xr.Dataset, parts: tuple[str, ...]) -> tuple[list[int], list[int]]:
    names = [str(k) for k in ds.coords["keypoint"].values]
    left = [names.index(f"left_{p}") for p in parts if f"left_{p}" in names]
    right = [names.index(f"right_{p}") for p in parts if f"right_{p}" in names]
    return left, right


def _cost(a: np.ndarray, b: np.ndarray) -> float:
    d = np.hypot(*(a - b).T)
    return float(np.nanmean(d)) if np.isfinite(d).any() else float("nan")


def unswap_sides(ds: xr.Dataset) -> tuple[xr.Dataset, int]:
    """A copy of ``ds`` with per-frame left/right swaps of each limb undone, and the number of
    (frame, limb) swaps undone. Positions and visibilities move with their labels."""
    pos = ds["position"].values.copy()
    vis = ds["visibility"].values.copy()
    undone = 0
    for parts in GROUPS.values():
        left, right = _indices(ds, parts)
        last_l, last_r = pos[0, left].copy(), pos[0, right].copy()
        for t in range(1, len(pos)):
            cur_l, cur_r = pos[t, left], pos[t, right]
            same = np.nansum([_cost(cur_l, last_l), _cost(cur_r, last_r)])
            crossed = np.nansum([_cost(cur_l, last_r), _cost(cur_r, last_l)])
            if crossed < SWAP_MARGIN * same:
                pos[t, left], pos[t, right] = cur_r.copy(), cur_l.copy()
                vis[t, left], vis[t, right] = vis[t, right].copy(), vis[t, left].copy()
                undone += 1
            seen_l, seen_r = np.isfinite(pos[t, left]), np.isfinite(pos[t, right])
            last_l = np.where(seen_l, pos[t, left], last_l)
            last_r = np.where(seen_r, pos[t, right], last_r)
    out = ds.copy(data={"position": pos, "visibility": vis})
    return out, undone
