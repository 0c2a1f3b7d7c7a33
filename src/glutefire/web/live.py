"""Live mirror mode: JPEG frames in, landmarks + rep count + cue out, then "save" as a screening.

:class:`LiveSession` holds one WebSocket's state and only transports: each frame goes through the
pose backend (made by the screening pipeline's factory), the kinematics come from
:func:`glutefire.kinematics.live.live_frame` (the offline per-frame functions on the frames so
far: the same legs, knee-flexion rep driver in a side view and measures as an uploaded clip), reps
are counted by the clip pipeline's :func:`~glutefire.reps.segment.segment_reps` on the offline
rep driver, and cues are the screening rules' own cues judged with their thresholds
(:func:`glutefire.screening.cues.frame_cue`). On save the collected landmarks become a keypoint
dataset screened by :func:`~glutefire.screening.session.screen_session`, like an uploaded clip.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import xarray as xr
from PIL import Image, UnidentifiedImageError

from glutefire.errors import InputFileError
from glutefire.keypoints import make_keypoints
from glutefire.kinematics.live import LiveFrame, live_frame
from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.reps.segment import segment_reps
from glutefire.result import ModelInfo
from glutefire.screening.cues import frame_cue
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import OutputWriter, ScreenedSession, StoreFn, screen_session

LIVE_CLIP_NAME = "live-mirror"


class LiveSession:
    """State of one live set. Not thread-safe: one WebSocket, one session."""

    def __init__(
        self,
        backend: PoseBackend,
        *,
        max_frames: int = 1800,
        max_frame_pixels: int = 1920 * 1080,
        model: ModelInfo | None = None,
    ) -> None:
        self.backend = backend
        self.max_frames = max_frames
        self.max_frame_pixels = max_frame_pixels
        self.model = model or ModelInfo(name=backend.name, version=backend.version)
        self.reset()

    def reset(self) -> None:
        n = len(self.backend.keypoint_names)
        self._positions = np.full((self.max_frames, n, 2), np.nan)  # filled frame by frame
        self._visibility = np.zeros((self.max_frames, n))
        self._times_s: list[float] = []
        self.image_size: tuple[int, int] | None = None
        self.reps = 0
        self.last: LiveFrame | None = None
        self.backend.reset()

    @property
    def n_frames(self) -> int:
        return len(self._times_s)

    def process_jpeg(self, jpeg: bytes, time_ms: float) -> dict[str, Any]:
        check_frame_header(jpeg, max_pixels=self.max_frame_pixels)
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise InputFileError("expected a JPEG frame, but could not decode it")
        return self.process(image, time_ms / 1000.0)

    def process(self, image_bgr: np.ndarray, time_s: float) -> dict[str, Any]:
        """Analyse one frame; return landmarks (fractions of the image), reps and cue."""
        if self.n_frames >= self.max_frames:
            raise InputFileError(
                f"expected at most {self.max_frames} frames in one live set; save or reset it"
            )
        height, width = image_bgr.shape[:2]
        if self.image_size not in (None, (width, height)):
            self.reset()
        self.image_size = (width, height)
        if self._times_s and time_s <= self._times_s[-1]:
            time_s = self._times_s[-1] + 1e-3  # keep time strictly increasing
        pose = self.backend.estimate(image_bgr)
        self._append(pose, time_s)
        cue = ""
        if self.n_frames >= 2:
            self.last = live_frame(self.keypoints())
            self.reps = self._count_reps(self.last)
            cue = frame_cue(self.last) if pose is not None else ""
        landmarks = None
        if pose is not None:
            norm = pose.position_px / np.array([width, height], dtype=float)
            landmarks = np.column_stack([norm, pose.visibility]).round(4).tolist()
        return {
            "type": "frame",
            "frame": self.n_frames - 1,
            "landmarks": landmarks,
            "reps": self.reps,
            "cue": cue,
        }

    def _append(self, pose: FramePose | None, time_s: float) -> None:
        if pose is not None:
            self._positions[self.n_frames] = pose.position_px
            self._visibility[self.n_frames] = pose.visibility
        self._times_s.append(time_s)

    def _count_reps(self, frame: LiveFrame) -> int:
        """Complete reps so far (same driver and segmentation as clips)."""
        if not np.isfinite(frame.depth).any():
            return self.reps
        reps, _ = segment_reps(
            frame.depth, np.asarray(self._times_s), standing_max=frame.standing_max
        )
        return sum(r.complete for r in reps)

    def keypoints(self) -> xr.Dataset:
        """The collected set as the one keypoint container (time from the first frame)."""
        if self.n_frames < 2 or self.image_size is None:
            raise InputFileError("expected a recorded set, but no frames arrived yet")
        times = np.asarray(self._times_s) - self._times_s[0]
        rate = (self.n_frames - 1) / times[-1]
        return make_keypoints(
            self._positions[: self.n_frames],
            self._visibility[: self.n_frames],
            keypoint_names=self.backend.keypoint_names,
            sampling_rate_hz=float(rate),
            image_size_px=self.image_size,
            source_software=f"{self.backend.name} {self.backend.version} (live)",
            source_path=LIVE_CLIP_NAME,
            time_s=times,
        )

    def screen(
        self, *, store: StoreFn | None = None, outputs: list[OutputWriter] | None = None
    ) -> ScreenedSession:
        """Screen the set as a session of one clip, stored with ``store`` before the optional
        ``outputs`` are written (raises a GlutefireError when unusable)."""
        clip = ClipInput(path=Path(LIVE_CLIP_NAME), keypoints=self.keypoints())
        return screen_session([clip], model=self.model, store=store, outputs=outputs or [])


#: Image formats a live frame may come in (the browser sends JPEG; PNG is accepted too).
FRAME_FORMATS = ("JPEG", "PNG")


def check_frame_header(data: bytes, *, max_pixels: int) -> tuple[int, int]:
    """(width, height) of a JPEG or PNG frame read from its header only, before anything is
    decoded: a 730 KiB PNG can declare 16000x16000 px (730 MiB once decoded). Raises
    :class:`InputFileError` for other formats and for frames over ``max_pixels``."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours
        raise InputFileError(_too_large(max_pixels, "a larger one")) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise InputFileError("expected a JPEG frame, but could not read its header") from None
    if kind not in FRAME_FORMATS:
        raise InputFileError(f"expected a JPEG frame, but got {kind}")
    if width * height > max_pixels:
        raise InputFileError(_too_large(max_pixels, f"{width}x{height}"))
    return width, height


def _too_large(max_pixels: int, got: str) -> str:
    return (
        f"expected a frame of at most {max_pixels / 1e6:.1f} megapixels, but got {got}; "
        "lower the camera resolution"
    )


def timed(session: LiveSession, jpeg: bytes, time_ms: float) -> dict[str, Any]:
    """``process_jpeg`` plus the server-side processing time in ms."""
    start = time.perf_counter()
    reply = session.process_jpeg(jpeg, time_ms)
    reply["server_ms"] = round((time.perf_counter() - start) * 1000, 1)
    return reply
