"""Analytic stick figures of the corrective exercises: known angles, reps and holds.

Points are given per frame in image pixels (x right, y down). ``both`` places the far side a
few pixels from the near one (a side view); a front view passes each side explicitly. Every
other BlazePose landmark is placed near the head so all are finite; visibility 1.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from glutefire.keypoints import make_keypoints
from glutefire.landmarks import BLAZEPOSE_LANDMARKS

FPS = 30.0


def schedule(n_reps: int = 3, rep_s: float = 2.0, pause_s: float = 0.6) -> np.ndarray:
    """0 at rest .. 1 at the peak, a raised cosine per rep, with pauses."""
    pause = np.zeros(int(pause_s * FPS))
    rep = 0.5 - 0.5 * np.cos(np.linspace(0, 2 * np.pi, int(rep_s * FPS)))
    return np.concatenate([pause] + [np.concatenate([rep, pause]) for _ in range(n_reps)])


def peak_times_s(n_reps: int = 3, rep_s: float = 2.0, pause_s: float = 0.6) -> list[float]:
    """When each rep of :func:`schedule` peaks."""
    return [pause_s + i * (rep_s + pause_s) + rep_s / 2 for i in range(n_reps)]


def both(xy: np.ndarray, far_dx: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) for a side view: the far side a few pixels from the near one."""
    return xy, xy + np.array([far_dx, 0.0])


def build(
    points: dict[str, tuple[np.ndarray, np.ndarray]], *, swap_frames: np.ndarray | None = None
) -> xr.Dataset:
    """A keypoint dataset from ``{part: (left, right)}`` arrays of shape (n, 2); ``swap_frames``
    (bool per frame) swaps the left and right labels there, as MediaPipe does when lying."""
    n = len(next(iter(points.values()))[0])
    pos = np.full((n, len(BLAZEPOSE_LANDMARKS), 2), np.nan)
    for part, (left, right) in points.items():
        pos[:, BLAZEPOSE_LANDMARKS.index(f"left_{part}")] = left
        pos[:, BLAZEPOSE_LANDMARKS.index(f"right_{part}")] = right
    if swap_frames is not None:
        for part in points:
            li, ri = (
                BLAZEPOSE_LANDMARKS.index(f"left_{part}"),
                BLAZEPOSE_LANDMARKS.index(f"right_{part}"),
            )
            left = pos[swap_frames, li].copy()
            pos[swap_frames, li] = pos[swap_frames, ri]
            pos[swap_frames, ri] = left
    head = 0.5 * (
        pos[:, BLAZEPOSE_LANDMARKS.index("left_shoulder")]
        + pos[:, BLAZEPOSE_LANDMARKS.index("right_shoulder")]
    )
    for k in range(len(BLAZEPOSE_LANDMARKS)):
        if np.isnan(pos[:, k, 0]).all():
            pos[:, k] = head + np.array([-30.0, -20.0])
    return make_keypoints(
        pos,
        np.ones(pos.shape[:2]),
        keypoint_names=BLAZEPOSE_LANDMARKS,
        sampling_rate_hz=FPS,
        image_size_px=(1000, 1000),
        source_software="synthetic",
    )


def _line(n: int, xy: tuple[float, float]) -> np.ndarray:
    return np.tile(np.array(xy, dtype=float), (n, 1))


def bridge(
    *,
    top_dev_deg: float = 0.0,
    reach: float = 1.0,
    ankle_x: float = 700.0,
    n_reps: int = 3,
    swap: bool = False,
) -> xr.Dataset:
    """Side view, lying on the back, head left. At each rep's top the hip sits ``top_dev_deg``
    above the shoulder-knee line (negative: below); ``reach`` scales how far up it goes."""
    d = schedule(n_reps)
    n = len(d)
    shoulder, knee = np.array([300.0, 700.0]), np.array([640.0, 540.0])
    line_y = shoulder[1] + (knee[1] - shoulder[1]) * (520 - shoulder[0]) / (knee[0] - shoulder[0])
    # hip at x=520: on the line raised by the wanted deviation (small-angle, both segments)
    arm = np.hypot(520 - shoulder[0], line_y - shoulder[1])
    top_y = line_y - np.tan(np.radians(top_dev_deg)) * arm * 0.6
    hip = np.column_stack([np.full(n, 520.0), 715.0 + (top_y - 715.0) * reach * d])
    pts = {
        "shoulder": both(_line(n, shoulder)),
        "hip": both(hip),
        "knee": both(_line(n, knee)),
        "ankle": both(_line(n, (ankle_x, 720.0))),
        "heel": both(_line(n, (ankle_x - 10, 730.0))),
        "foot_index": both(_line(n, (ankle_x + 40, 730.0))),
        "elbow": both(_line(n, (420.0, 725.0))),
        "wrist": both(_line(n, (500.0, 730.0))),
    }
    swaps = (np.arange(n) // 7) % 2 == 1 if swap else None
    return build(pts, swap_frames=swaps)


def plank(
    *, dev_deg: float = 0.0, hold_s: float = 5.0, lie_s: float = 1.5, front: bool = False
) -> xr.Dataset:
    """Lying face down, then a plank held ``hold_s`` with the hip ``dev_deg`` off the
    shoulder-ankle line (+ above), then lying again. ``front``: a side plank filmed facing
    the chest (hips and shoulders stacked vertically)."""
    n_lie, n_hold = int(lie_s * FPS), int(hold_s * FPS)
    state = np.r_[np.zeros(n_lie), np.ones(n_hold), np.zeros(n_lie)]
    n = len(state)
    shoulder, ankle = np.array([300.0, 640.0]), np.array([800.0, 720.0])
    mid = shoulder + 0.45 * (ankle - shoulder)
    half = 0.5 * np.hypot(*(ankle - shoulder))
    raised = mid[1] - np.tan(np.radians(dev_deg)) * half * 0.55
    lying = 745.0  # propped on the forearms, hips on the floor: far below the line
    hip = np.column_stack([np.full(n, mid[0]), np.where(state > 0, raised, lying)])
    sh = np.column_stack([np.full(n, shoulder[0]), np.full(n, shoulder[1])])
    knee = np.column_stack([np.full(n, 560.0), np.full(n, 690.0)])
    if front:  # stacked: left (top) side above the right (bottom) side across the body

        def pair(xy: np.ndarray, half: float = 40.0) -> tuple[np.ndarray, np.ndarray]:
            return xy - np.array([0.0, half]), xy + np.array([0.0, half])
    else:

        def pair(xy: np.ndarray, half: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
            return both(xy)

    pts = {
        "shoulder": pair(sh, 60.0),
        "hip": pair(hip),
        "knee": pair(knee),
        "ankle": pair(_line(n, ankle)),
        "elbow": pair(_line(n, (300.0, 730.0))),
        "wrist": pair(_line(n, (240.0, 735.0))),
    }
    return build(pts)


def hinge(
    *,
    knee_flexion_deg: float = 30.0,
    wrist_drop: float = 0.6,
    trunk_deg: float = 80.0,
    n_reps: int = 3,
) -> xr.Dataset:
    """Standing side view, facing right; the trunk tips to ``trunk_deg`` from vertical at each
    rep's bottom with the knee bent ``knee_flexion_deg``; the wrists reach ``wrist_drop`` of
    the way from hip height to the ankles."""
    d = schedule(n_reps)
    n = len(d)
    ankle = np.array([500.0, 900.0])
    shank, thigh, trunk = 200.0, 210.0, 240.0
    k = np.radians(knee_flexion_deg * d)
    knee = np.column_stack([ankle[0] + shank * np.sin(k * 0.5), ankle[1] - shank * np.cos(k * 0.5)])
    hip = np.column_stack(
        [knee[:, 0] - thigh * np.sin(k * 0.5), knee[:, 1] - thigh * np.cos(k * 0.5)]
    )
    t = np.radians(trunk_deg * d)
    shoulder = np.column_stack([hip[:, 0] + trunk * np.sin(t), hip[:, 1] - trunk * np.cos(t)])
    wrist_y = hip[:, 1] + 40 + (ankle[1] - 40 - hip[:, 1]) * wrist_drop * d
    wrist = np.column_stack([shoulder[:, 0], np.maximum(wrist_y, shoulder[:, 1] + 200 * (1 - d))])
    pts = {
        "shoulder": both(shoulder),
        "hip": both(hip),
        "knee": both(knee),
        "ankle": both(_line(n, ankle)),
        "elbow": both(0.5 * (shoulder + wrist)),
        "wrist": both(wrist),
    }
    return build(pts)


def _pair_offsets(xy: np.ndarray, far: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return xy, xy + far


def bridge_from_feet_features(
    *, knee_gap: float = 100.0, ankle_gap: float = 100.0, hip_tilt_px: float = 0.0
) -> xr.Dataset:
    """:func:`bridge`'s geometry with the far side set apart as the front view would show it:
    knees ``knee_gap`` and ankles ``ankle_gap`` pixels apart in x, the far hip rising by
    ``hip_tilt_px`` at each top (for checks forced to the front view)."""
    d = schedule(3)
    n = len(d)
    base = bridge()
    pts = {}
    for part in ("shoulder", "hip", "knee", "ankle", "elbow", "wrist"):
        near = base["position"].sel(keypoint=f"left_{part}").values
        far = np.zeros((n, 2))
        if part == "knee":
            far[:, 0] = knee_gap
        elif part == "ankle":
            far[:, 0] = ankle_gap
        elif part == "hip":
            far[:, 0] = 60.0
            far[:, 1] = -hip_tilt_px * d
        else:
            far[:, 0] = 4.0
        pts[part] = _pair_offsets(near, far)
    return build(pts)


def bird_dog(*, thigh_up_deg: float = 0.0, hip_tilt_px: float = 0.0, n_reps: int = 3) -> xr.Dataset:
    """Side view on all fours, head left: the left arm reaches forward and the left leg back at
    each rep (thigh ``thigh_up_deg`` above horizontal at the peak); the right side supports.
    The far hip rises ``hip_tilt_px`` at each peak (pelvis rotation, for forced front views)."""
    d = schedule(n_reps)
    n = len(d)
    shoulder, hip = np.array([300.0, 500.0]), np.array([600.0, 500.0])
    arm = np.radians(90.0 * d)  # 0 hanging down, 90 reaching forward
    wrist = np.column_stack([shoulder[0] - 150 * np.sin(arm), shoulder[1] + 150 * np.cos(arm)])
    leg = np.radians((90.0 + thigh_up_deg) * d)  # 0 thigh down, 90 back horizontal
    knee = np.column_stack([hip[0] + 150 * np.sin(leg), hip[1] + 150 * np.cos(leg)])
    ankle = knee + np.column_stack([150 * np.ones(n) * d, 150 * (1 - d)])
    support = {
        "shoulder": _line(n, shoulder),
        "hip": _line(n, hip),
        "knee": _line(n, (600.0, 650.0)),
        "ankle": _line(n, (750.0, 650.0)),
        "wrist": _line(n, (300.0, 650.0)),
        "elbow": _line(n, (300.0, 575.0)),
    }
    moving = {
        "shoulder": _line(n, shoulder + 3),
        "knee": knee,
        "ankle": ankle,
        "wrist": wrist,
        "elbow": 0.5 * (shoulder + wrist),
    }
    moving["hip"] = np.column_stack([np.full(n, hip[0] + 3), hip[1] - hip_tilt_px * d])
    return build({part: (moving[part], support[part]) for part in support})


def clamshell(
    *, opening: float = 1.0, feet_apart_px: float = 0.0, roll_px: float = 0.0, n_reps: int = 3
) -> xr.Dataset:
    """Side-lying, filmed facing the chest (body across the image, head left), knees bent
    towards the camera: the top (left) knee rises ``opening`` x 130 px at each rep, the top foot
    ``feet_apart_px``, and the top hip moves towards the bottom one by ``roll_px`` (pelvis
    rolling back)."""
    d = schedule(n_reps)
    n = len(d)
    top = {
        "shoulder": _line(n, (300.0, 420.0)),
        "hip": np.column_stack([np.full(n, 550.0), 455.0 + roll_px * d]),
        "knee": np.column_stack([np.full(n, 650.0), 560.0 - 130.0 * opening * d]),
        "ankle": np.column_stack([np.full(n, 520.0), 620.0 - feet_apart_px * d]),
        "wrist": _line(n, (420.0, 470.0)),
        "elbow": _line(n, (360.0, 450.0)),
    }
    bottom = {
        "shoulder": _line(n, (300.0, 580.0)),
        "hip": _line(n, (550.0, 545.0)),
        "knee": _line(n, (650.0, 575.0)),
        "ankle": _line(n, (520.0, 625.0)),
        "wrist": _line(n, (250.0, 620.0)),
        "elbow": _line(n, (280.0, 600.0)),
    }
    return build({part: (top[part], bottom[part]) for part in top})


def lunge_front(*, valgus_px: float = 0.0, n_reps: int = 3) -> xr.Dataset:
    """Standing, filmed from the front: the hips drop 130 px at each rep's bottom; the front
    (right, lower in the image) knee moves ``valgus_px`` towards the midline there."""
    d = schedule(n_reps)
    n = len(d)
    hip_y = 520.0 + 130.0 * d
    right = {
        "hip": np.column_stack([np.full(n, 545.0), hip_y]),
        "knee": np.column_stack([560.0 - valgus_px * d, 720.0 + 20 * d]),
        "ankle": _line(n, (560.0, 920.0)),
        "shoulder": np.column_stack([np.full(n, 570.0), hip_y - 250.0]),
    }
    left = {
        "hip": np.column_stack([np.full(n, 455.0), hip_y]),
        "knee": np.column_stack([np.full(n, 450.0), 700.0 + 120 * d]),
        "ankle": _line(n, (445.0, 880.0)),
        "shoulder": np.column_stack([np.full(n, 430.0), hip_y - 250.0]),
    }
    return build({part: (left[part], right[part]) for part in right})


def lunge_side(*, lean_deg: float = 5.0, n_reps: int = 3) -> xr.Dataset:
    """Standing side view, facing right: the hips drop 150 px at each bottom with the trunk
    ``lean_deg`` forward there."""
    d = schedule(n_reps)
    n = len(d)
    hip = np.column_stack([np.full(n, 480.0), 520.0 + 150.0 * d])
    lean = np.radians(lean_deg * d)
    shoulder = np.column_stack([hip[:, 0] + 250 * np.sin(lean), hip[:, 1] - 250 * np.cos(lean)])
    front_knee = np.column_stack([480.0 + 120 * d, 720.0 + 30 * d])
    back_knee = np.column_stack([480.0 - 100 * d, 720.0 + 130 * d])
    return build(
        {
            "shoulder": both(shoulder),
            "hip": both(hip),
            "knee": (front_knee, back_knee),
            "ankle": (
                _line(n, (600.0, 920.0)),
                np.column_stack([480.0 - 200 * d, np.full(n, 910.0)]),
            ),
        }
    )


def swap_labels(ds: xr.Dataset, every: int = 7) -> xr.Dataset:
    """``ds`` with the left and right labels swapped on alternate blocks of ``every`` frames."""
    out = ds.copy(deep=True)
    swap = (np.arange(ds.sizes["time"]) // every) % 2 == 1
    names = [str(k) for k in ds.coords["keypoint"].values]
    pos = out["position"].values
    for i, name in enumerate(names):
        if name.startswith("left_"):
            j = names.index("right_" + name[5:])
            left = pos[swap, i].copy()
            pos[swap, i] = pos[swap, j]
            pos[swap, j] = left
    out["position"].values = pos
    return out
