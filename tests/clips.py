"""Small derived clips for tests, written into a temp folder: with OpenCV (bad-input clips) and
with PyAV (clips as phones write them: rotation tags, variable frame rate, HEVC, AV1, cut files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from glutefire.io.video import iter_frames, probe_video


def derive_clip(
    src: Path,
    dst: Path,
    *,
    start_s: float = 0.0,
    stop_s: float | None = None,
    transform: Callable[[np.ndarray], np.ndarray] = lambda f: f,
) -> Path:
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


# --- Clips as phones write them, encoded with PyAV (FFmpeg) --------------------------------------


def encode_clip(
    dst: Path,
    frames: Iterable[np.ndarray],
    *,
    fps: float,
    codec: str = "libx264",
    times_s: Sequence[float] | None = None,
    rotation_deg: int = 0,
    container_format: str | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Encode BGR ``frames`` to ``dst`` with PyAV. ``times_s``: each frame's presentation time
    (variable frame rate); default ``i / fps``. ``rotation_deg``: display rotation written into
    the container's display matrix (counter-clockwise, as a phone's rotation tag)."""
    time_base = Fraction(1, 90_000)
    with av.open(str(dst), mode="w", format=container_format) as container:
        stream = container.add_stream(
            codec, rate=Fraction(fps).limit_denominator(1001), options=options or {}
        )
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = time_base
        if rotation_deg:
            stream.set_display_rotation(rotation_deg)
        for i, image in enumerate(frames):
            if i == 0:
                stream.height, stream.width = image.shape[:2]
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
            t = times_s[i] if times_s is not None else i / fps
            frame.pts, frame.time_base = round(t / time_base), time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return dst


def sample_frames(
    src: Path, *, stop_s: float | None = None, scale: float = 1.0
) -> tuple[list[np.ndarray], float]:
    """The upright frames of ``src`` up to ``stop_s`` (resized by ``scale``), and its fps."""
    info = probe_video(src)
    last = int((stop_s or info.duration_s) * info.fps)
    frames = []
    for index, frame in iter_frames(src):
        if index >= last:
            break
        if scale != 1.0:
            frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        frames.append(frame[: frame.shape[0] // 2 * 2, : frame.shape[1] // 2 * 2].copy())
    return frames, info.fps


def stored_rotated(frames: list[np.ndarray], rotation_deg: int) -> list[np.ndarray]:
    """Frames as a phone stores them when it tags the clip with ``rotation_deg`` (the display
    rotation, counter-clockwise): rotated the other way, so that a player shows them upright."""
    return [np.ascontiguousarray(np.rot90(f, k=-(rotation_deg // 90))) for f in frames]


def vfr_times(
    n_frames: int, fps: float, *, sparse_from_s: float, sparse_to_s: float, keep_every: int = 2
) -> tuple[list[int], list[float]]:
    """A variable-frame-rate selection: every frame, except between ``sparse_from_s`` and
    ``sparse_to_s`` where only every ``keep_every``-th is kept (its presentation time kept too).
    Returns the kept frame indices and their times in seconds."""
    kept = [
        i
        for i in range(n_frames)
        if not (sparse_from_s <= i / fps < sparse_to_s) or i % keep_every == 0
    ]
    return kept, [i / fps for i in kept]


def cut_bytes(src: Path, dst: Path, fraction: float) -> Path:
    """The first ``fraction`` of the file's bytes (a download or copy that stopped part-way)."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst
