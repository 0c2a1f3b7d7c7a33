"""Small derived clips for bad-input tests, written with OpenCV into a temp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from glutefire.io.video import iter_frames, probe_video


def derive_clip(src: Path, dst: Path, *, start_s: float = 0.0, stop_s: float | None = None,
                transform: Callable[[np.ndarray], np.ndarray] = lambda f: f) -> Path:
    """Write frames of ``src`` between ``start_s`` and ``stop_s``, transformed, to ``dst``."""
    info = probe_video(src)
    first, last = int(start_s * info.fps), int((stop_s or info.duration_s) * info.fps)
    writer = None
    for index, frame in iter_frames(src):
        if index < first:
            continue
        if index >= last:
            break
        out = transform(frame)
        if writer is None:
            h, w = out.shape[:2]
            writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), info.fps, (w, h))
        writer.write(out)
    assert writer is not None
    writer.release()
    return dst


def blank_clip(dst: Path, *, seconds: float = 2.0, fps: float = 25.0) -> Path:
    """A clip of a plain wall with mild noise: nobody in it."""
    rng = np.random.default_rng(0)
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (320, 240))
    for _ in range(int(seconds * fps)):
        writer.write((200 + rng.integers(0, 10, (240, 320, 3))).astype(np.uint8))
    writer.release()
    return dst


def side_by_side(frame: np.ndarray) -> np.ndarray:
    """Two copies of the frame next to each other: two people of the same size, small in a
    very wide frame."""
    return np.ascontiguousarray(np.hstack([frame, frame]))


def beside_empty_wall(frame: np.ndarray) -> np.ndarray:
    """The frame with a grey area of the same size to its right: one small person, wide frame."""
    return np.ascontiguousarray(np.hstack([frame, np.full_like(frame, 128)]))


def top_part(frame: np.ndarray, fraction: float = 0.62) -> np.ndarray:
    """The top of the frame only: legs cut off."""
    return np.ascontiguousarray(frame[: int(frame.shape[0] * fraction)])
