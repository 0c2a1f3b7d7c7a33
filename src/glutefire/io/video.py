"""Streaming video decoding: frames are read in a background thread into a small bounded queue,
so decoding overlaps pose estimation and memory does not grow with clip length."""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from glutefire.errors import InputFileError

#: Frames buffered between the decoder thread and the consumer (bounded: memory stays flat).
QUEUE_FRAMES = 8


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip."""

    path: Path
    fps: float
    n_frames: int
    width_px: int
    height_px: int

    @property
    def duration_s(self) -> float:
        """Clip length in seconds."""
        return self.n_frames / self.fps


def probe_video(path: str | Path) -> VideoInfo:
    """Open ``path`` and read its metadata and first frame; raise :class:`InputFileError` if it
    is missing, unreadable or not a video."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: expected a video file, but got a directory")
    cap = cv2.VideoCapture(str(path))
    try:
        ok, frame = cap.read() if cap.isOpened() else (False, None)
        if not ok or frame is None:
            raise InputFileError(f"{path}: not a readable video (could not decode a first frame)")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        n_frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    finally:
        cap.release()
    if not np.isfinite(fps) or fps <= 1.0 or fps > 1000.0:
        raise InputFileError(f"{path}: expected a video with a frame rate, but got {fps:g} fps")
    height, width = frame.shape[:2]
    return VideoInfo(path=path, fps=fps, n_frames=max(n_frames, 1), width_px=width,
                     height_px=height)


FrameTap = Callable[[np.ndarray], None]


def iter_frames(path: str | Path, *, start_frame: int = 0,
                tap: FrameTap | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_index, bgr_image)`` from ``start_frame`` on, decoded in a background thread.

    ``tap``, if given, is called with every decoded frame in the decoding thread (work that
    overlaps the consumer's). Stops early and cleanly when the consumer stops iterating.
    """
    frames: queue.Queue[tuple[int, np.ndarray] | None] = queue.Queue(maxsize=QUEUE_FRAMES)
    stop = threading.Event()
    errors: list[BaseException] = []

    def decode() -> None:
        cap = cv2.VideoCapture(str(path))
        try:
            if start_frame:
                cap.set(cv2.CAP_PROP_POS_FRAMES, start_frame)
            index = start_frame
            while not stop.is_set():
                ok, frame = cap.read()
                if not ok:
                    break
                if tap is not None:
                    tap(frame)
                _put(frames, (index, frame), stop)
                index += 1
        except cv2.error as exc:  # a corrupt stream part-way through
            errors.append(exc)
        finally:
            cap.release()
            _put(frames, None, stop)

    thread = threading.Thread(target=decode, name="glutefire-decode", daemon=True)
    thread.start()
    try:
        while (item := frames.get()) is not None:
            yield item
    finally:
        stop.set()
        _drain(frames)
        thread.join(timeout=5)
    if errors:
        raise InputFileError(f"{path}: the video is corrupt part-way through ({errors[0]})")


def _put(q: queue.Queue, item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _drain(q: queue.Queue) -> None:
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return


class PreviewWriter:
    """A downscaled copy of a clip written while it is decoded (MJPEG in AVI: cheap to write
    and to read back), so later passes need not decode the full-resolution original again."""

    def __init__(self, path: Path, info: VideoInfo, *, max_side_px: int) -> None:
        self.path = path
        self.scale = min(1.0, max_side_px / max(info.width_px, info.height_px))
        self.size = (int(info.width_px * self.scale) // 2 * 2,
                     int(info.height_px * self.scale) // 2 * 2)
        fourcc = cv2.VideoWriter_fourcc(*"MJPG")  # type: ignore[attr-defined]
        self._writer = cv2.VideoWriter(str(path), fourcc, info.fps, self.size)
        if not self._writer.isOpened():
            raise InputFileError(f"{path}: cannot write a preview video here")

    def __call__(self, frame: np.ndarray) -> None:
        self._writer.write(cv2.resize(frame, self.size, interpolation=cv2.INTER_LINEAR))

    def close(self) -> None:
        """Finish the file."""
        self._writer.release()


def letterbox(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to fit ``width x height`` keeping the aspect ratio; pad with black."""
    scale = min(width / frame.shape[1], height / frame.shape[0])
    w, h = int(frame.shape[1] * scale) // 2 * 2, int(frame.shape[0] * scale) // 2 * 2
    canvas = np.zeros((height, width, 3), np.uint8)
    x, y = (width - w) // 2, (height - h) // 2
    canvas[y:y + h, x:x + w] = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
    return canvas


def read_frame(path: str | Path, frame_index: int) -> np.ndarray:
    """Decode one frame (for keyframe images)."""
    cap = cv2.VideoCapture(str(path))
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, frame_index)
        ok, frame = cap.read()
    finally:
        cap.release()
    if not ok:
        raise InputFileError(f"{path}: could not decode frame {frame_index}")
    return frame


def sha256_of(path: str | Path, *, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
