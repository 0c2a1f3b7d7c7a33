"""Live mirror mode: JPEG frames in, landmarks + rep count + cue out, then "save" as a screening.

:class:`LiveSession` holds one WebSocket's state. Each frame goes through the same pose backend
as uploaded clips (``MediaPipePose`` in tracking mode); reps are counted by running the clip
pipeline's :func:`~glutefire.reps.segment.segment_reps` on the driver signal collected so far
(hip height over standing leg length, as in :func:`glutefire.kinematics.metrics.hip_height`).
On save the collected landmarks become a keypoint dataset and go through
:func:`~glutefire.screening.pipeline.analyse_keypoints` and ``build_result``: the saved set is
judged by exactly the rules an uploaded clip is.

Live cues apply the screening rules' thresholds to each frame while the person squats: knee
valgus (FPPA) beyond the ``knees_cave_in`` threshold from the front, trunk inclination beyond
the ``excessive_forward_lean`` threshold from the side (docs/web.md).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import xarray as xr

from glutefire.errors import InputFileError
from glutefire.keypoints import make_keypoints
from glutefire.kinematics.angles import fppa_deg
from glutefire.kinematics.view import FRONTAL_MIN_RATIO
from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.reps.segment import segment_reps
from glutefire.screening.pipeline import ClipInput, ClipScreen, analyse_keypoints
from glutefire.screening.rules import Rule, load_rules

#: Driver level (1 = standing) below which the person counts as squatting for cues.
SQUATTING_BELOW = 0.9
MIN_VISIBILITY = 0.5


def _mid(pose: FramePose, index: dict[str, int], part: str) -> np.ndarray:
    pts = [pose.position_px[index[f"{side}_{part}"]] for side in ("left", "right")
           if pose.visibility[index[f"{side}_{part}"]] >= MIN_VISIBILITY]
    return np.mean(pts, axis=0) if pts else np.full(2, np.nan)


def _rule(code: str) -> Rule:
    return next(r for r in load_rules() if r.code == code)


def _valgus_cue(pt: dict[str, np.ndarray], midline: np.ndarray) -> str:
    rule = _rule("knees_cave_in")
    for side in ("left", "right"):
        fppa = fppa_deg(pt[f"{side}_hip"], pt[f"{side}_knee"], pt[f"{side}_ankle"], midline)
        if np.isfinite(fppa) and rule.exceeds(float(fppa)):
            return rule.cue
    return ""


def _lean_cue(pt: dict[str, np.ndarray], trunk: np.ndarray) -> str:
    """The ``excessive_forward_lean`` cue: the trunk's inclination from vertical beyond the
    rule's threshold (the same absolute measure as the offline rule)."""
    rule = _rule("excessive_forward_lean")
    trunk_deg = np.degrees(np.arctan2(abs(trunk[0]), -trunk[1]))
    if np.isfinite(trunk_deg) and rule.exceeds(float(trunk_deg)):
        return rule.cue
    return ""


class LiveSession:
    """State of one live set. Not thread-safe: one WebSocket, one session."""

    def __init__(self, backend: PoseBackend, *, max_frames: int = 1800) -> None:
        self.backend = backend
        self.max_frames = max_frames
        self._index = {name: i for i, name in enumerate(backend.keypoint_names)}
        self.reset()

    def reset(self) -> None:
        self._positions: list[np.ndarray] = []
        self._visibility: list[np.ndarray] = []
        self._times_s: list[float] = []
        self._drops: list[float] = []
        self.image_size: tuple[int, int] | None = None
        self.reps = 0
        self.backend.reset()

    @property
    def n_frames(self) -> int:
        return len(self._times_s)

    def process_jpeg(self, jpeg: bytes, time_ms: float) -> dict[str, Any]:
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise InputFileError("expected a JPEG frame, but could not decode it")
        return self.process(image, time_ms / 1000.0)

    def process(self, image_bgr: np.ndarray, time_s: float) -> dict[str, Any]:
        """Analyse one frame; return landmarks (fractions of the image), reps and cue."""
        if self.n_frames >= self.max_frames:
            raise InputFileError(f"expected at most {self.max_frames} frames in one live set; "
                                 "save or reset it")
        height, width = image_bgr.shape[:2]
        if self.image_size not in (None, (width, height)):
            self.reset()
        self.image_size = (width, height)
        if self._times_s and time_s <= self._times_s[-1]:
            time_s = self._times_s[-1] + 1e-3  # keep time strictly increasing
        pose = self.backend.estimate(image_bgr)
        self._append(pose, time_s)
        level = self._count_reps()
        cue = self._cue(pose, level) if pose is not None else ""
        landmarks = None
        if pose is not None:
            norm = pose.position_px / np.array([width, height], dtype=float)
            landmarks = np.column_stack([norm, pose.visibility]).round(4).tolist()
        return {"type": "frame", "frame": self.n_frames - 1, "landmarks": landmarks,
                "reps": self.reps, "cue": cue}

    def _append(self, pose: FramePose | None, time_s: float) -> None:
        n = len(self.backend.keypoint_names)
        if pose is None:
            self._positions.append(np.full((n, 2), np.nan))
            self._visibility.append(np.zeros(n))
            self._drops.append(np.nan)
        else:
            self._positions.append(pose.position_px)
            self._visibility.append(pose.visibility)
            drop = _mid(pose, self._index, "ankle")[1] - _mid(pose, self._index, "hip")[1]
            self._drops.append(float(drop))
        self._times_s.append(time_s)

    def _count_reps(self) -> float:
        """Complete reps so far (same segmentation as clips); returns the current driver level."""
        drops = np.asarray(self._drops, dtype=float)
        if not np.isfinite(drops).any():
            return np.nan
        standing = np.nanpercentile(drops, 95)
        if not standing > 0:
            return np.nan
        driver = drops / standing
        reps, _ = segment_reps(1.0 - driver, np.asarray(self._times_s))
        self.reps = sum(r.complete for r in reps)
        return float(driver[-1])

    def _cue(self, pose: FramePose, level: float) -> str:
        """The screening rules' cue for this frame, judged with the rules' own thresholds
        (``data/screening_rules.yaml``): knee valgus (FPPA) from the front, trunk leaning
        further than the shins from the side. One frame is noisier than a rep mean, so a cue
        is feedback, never a finding."""
        if not (np.isfinite(level) and level < SQUATTING_BELOW):
            return ""
        pt = self._points(pose)
        hip_mid, shoulder_mid = _mid(pose, self._index, "hip"), _mid(pose, self._index, "shoulder")
        trunk = shoulder_mid - hip_mid
        trunk_len = float(np.hypot(*trunk))
        if not np.isfinite(trunk_len) or trunk_len <= 0:
            return ""
        shoulder_gap = abs(pt["left_shoulder"][0] - pt["right_shoulder"][0])
        if shoulder_gap / trunk_len >= FRONTAL_MIN_RATIO:
            return _valgus_cue(pt, hip_mid)
        return _lean_cue(pt, trunk)

    def _points(self, pose: FramePose) -> dict[str, np.ndarray]:
        """Landmarks seen well enough, by name; NaN for the others."""
        return {name: (pose.position_px[k] if pose.visibility[k] >= MIN_VISIBILITY
                       else np.full(2, np.nan)) for name, k in self._index.items()}

    def keypoints(self) -> xr.Dataset:
        """The collected set as the one keypoint container (time from the first frame)."""
        if self.n_frames < 2 or self.image_size is None:
            raise InputFileError("expected a recorded set, but no frames arrived yet")
        times = np.asarray(self._times_s) - self._times_s[0]
        rate = (self.n_frames - 1) / times[-1]
        return make_keypoints(
            np.stack(self._positions), np.stack(self._visibility),
            keypoint_names=self.backend.keypoint_names, sampling_rate_hz=float(rate),
            image_size_px=self.image_size,
            source_software=f"{self.backend.name} {self.backend.version} (live)",
            source_path="live-mirror", time_s=times,
        )

    def screen(self) -> ClipScreen:
        """Analyse the set with the clip pipeline (raises a GlutefireError when unusable)."""
        ds = self.keypoints()
        digest = hashlib.sha256(ds["position"].values.tobytes()).hexdigest()
        return ClipScreen(ClipInput(path=Path("live-mirror")), digest, analyse_keypoints(ds))


def timed(session: LiveSession, jpeg: bytes, time_ms: float) -> dict[str, Any]:
    """``process_jpeg`` plus the server-side processing time in ms."""
    start = time.perf_counter()
    reply = session.process_jpeg(jpeg, time_ms)
    reply["server_ms"] = round((time.perf_counter() - start) * 1000, 1)
    return reply
