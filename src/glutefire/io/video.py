"""Video decoding and encoding with PyAV (FFmpeg).

Three promises the rest of glutefire relies on:

- **Upright frames.** The container's display matrix (a phone's rotation tag) is applied to every
  frame, so a portrait clip stored landscape is analysed, drawn and cropped upright; sizes in
  :class:`VideoInfo` are the displayed ones.
- **A uniform time grid.** Frames are placed by their presentation timestamps (PTS) onto a grid
  at the stream's average frame rate: frame ``i`` shows the clip at ``i / fps`` seconds after its
  first frame (the latest frame whose PTS rounds to slot ``i`` or before it; as FFmpeg's ``fps``
  filter). A variable-frame-rate phone clip therefore keeps its true times, and everything
  downstream (filters at a fixed sampling rate, rep times, keyframes, the annotated video) shares
  one index-to-time mapping. Frames repeated or dropped to fit the grid are counted in
  :class:`DecodeReport`.
- **Flat memory.** :func:`iter_frames` decodes in a background thread into a small bounded queue.

FFmpeg's own log is silenced: decoder messages never reach the terminal; what went wrong is
reported in :class:`DecodeReport` and, for unreadable files, in one :class:`InputFileError`.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.logging
import cv2
import numpy as np

from glutefire.errors import InputFileError

av.logging.set_level(None)  # no FFmpeg messages on the terminal (before or after an `error:`)

#: Frames buffered between the decoder thread and the consumer (bounded: memory stays flat).
QUEUE_FRAMES = 8
#: A clip whose decoded part falls short of its declared length by more than this share (or
#: :data:`SHORTFALL_MIN_S`, whichever is larger) is reported as stopped early. Design value.
SHORTFALL_FRACTION = 0.02
SHORTFALL_MIN_S = 0.25


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip, as displayed (after rotation).

    ``fps`` is the uniform grid rate (the stream's average frame rate); ``n_frames`` the number
    of grid frames the container's declared duration holds; ``rotation_deg`` the display
    rotation applied to every frame (counter-clockwise, one of 0, 90, 180, 270).
    """

    path: Path
    fps: float
    n_frames: int
    width_px: int
    height_px: int
    rotation_deg: int = 0
    codec: str = ""

    @property
    def duration_s(self) -> float:
        """Clip length in seconds."""
        return self.n_frames / self.fps


@dataclass
class DecodeReport:
    """What happened while :func:`iter_frames` decoded a clip (filled in as it goes)."""

    frames_decoded: int = 0  # frames the decoder produced
    frames_emitted: int = 0  # frames on the uniform grid handed to the consumer
    frames_repeated: int = 0  # grid slots filled by repeating the previous frame (VFR gaps)
    frames_dropped: int = 0  # decoded frames that fell on an already filled slot
    bad_packets: int = 0  # packets that failed to decode and were skipped
    bad_from_s: float | None = None  # presentation time of the first and last skipped packet
    bad_to_s: float | None = None
    stop_reason: str = ""  # why decoding ended before the end of the file ("" = it did not)

    def warnings(self, info: VideoInfo) -> list[str]:
        """Plain sentences for the user: decoding stopped early, damaged parts skipped."""
        out = []
        screened_s = self.frames_emitted / info.fps
        shortfall_s = info.duration_s - screened_s
        if self.stop_reason or shortfall_s > max(
            SHORTFALL_MIN_S, SHORTFALL_FRACTION * info.duration_s
        ):
            why = f" ({self.stop_reason})" if self.stop_reason else ""
            out.append(
                f"{info.path.name}: decoding stopped early{why}: screened 0.0-{screened_s:.1f} s "
                f"of the {info.duration_s:.1f} s the file declares; the file may be cut or damaged"
            )
        if self.bad_packets:
            where = (
                ""
                if self.bad_from_s is None or self.bad_to_s is None
                else f" between {self.bad_from_s:.1f} and {self.bad_to_s:.1f} s"
            )
            out.append(
                f"{info.path.name}: {self.bad_packets} damaged video packets{where} were "
                "skipped; the frames there repeat the last good one"
            )
        return out

    def skipped(self, packet: av.Packet) -> None:
        """Count a packet that failed to decode, and where it was."""
        self.bad_packets += 1
        if packet.pts is not None and packet.time_base is not None:
            t = float(packet.pts * packet.time_base)
            self.bad_from_s = t if self.bad_from_s is None else min(self.bad_from_s, t)
            self.bad_to_s = t if self.bad_to_s is None else max(self.bad_to_s, t)


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: expected a video file, but got a directory")
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(f"{path}: not a readable video ({_reason(exc)})") from None
    if not container.streams.video:
        container.close()
        raise InputFileError(f"{path}: not a readable video (no video stream)")
    return container


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc).strip() or type(exc).__name__


def _grid_rate(stream: av.video.stream.VideoStream) -> Fraction | None:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate is not None and rate > 0:
            return Fraction(rate)
    return None


def _declared_duration_s(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


#: Leading bytes of the video containers glutefire accepts (ISO BMFF/QuickTime box types at
#: offset 4, RIFF AVI, EBML for Matroska/WebM): a file that starts otherwise is not a video,
#: whatever its extension (a PNG renamed ``.mp4`` included).
_BMFF_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
#: FFmpeg demuxers of those containers (``av.open(...).format.name``).
VIDEO_DEMUXERS = ("mov,mp4,m4a,3gp,3g2,mj2", "avi", "matroska,webm")


def has_video_magic(head: bytes) -> bool:
    """Whether the first bytes of a file (16 or more) are those of an MP4/MOV, AVI or
    Matroska/WebM container."""
    return (
        head[4:8] in _BMFF_BOXES
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head[:4] == _EBML_MAGIC
    )


@dataclass(frozen=True)
class StreamHeader:
    """What the container's header says, read without decoding a frame (sizes as stored,
    before rotation). ``n_frames``: the declared frame count, else declared duration x average
    rate rounded, else 0 when the header says neither."""

    demuxer: str
    width_px: int
    height_px: int
    n_frames: int


def read_stream_header(path: str | Path) -> StreamHeader:
    """The container format and first video stream's size and length, from the header only
    (cheap and safe on hostile files: nothing is decoded). Raises :class:`InputFileError`."""
    path = Path(path)
    with _open(path) as container:
        stream = container.streams.video[0]
        rate = _grid_rate(stream)
        duration_s = _declared_duration_s(container, stream)
        estimate = round(duration_s * float(rate)) if duration_s and rate else 0
        return StreamHeader(
            demuxer=container.format.name,
            width_px=int(stream.codec_context.width or 0),
            height_px=int(stream.codec_context.height or 0),
            n_frames=max(int(stream.frames or 0), estimate),
        )


def probe_video(path: str | Path) -> VideoInfo:
    """Open ``path`` and read its metadata and first frame; raise :class:`InputFileError` if it
    is missing, unreadable or not a video."""
    path = Path(path)
    with _open(path) as container:
        stream = container.streams.video[0]
        first = _first_frame(container, stream, path)
        rate = _grid_rate(stream)
        fps = float(rate) if rate is not None else 0.0
        if not np.isfinite(fps) or fps <= 1.0 or fps > 1000.0:
            raise InputFileError(f"{path}: expected a video with a frame rate, but got {fps:g} fps")
        duration_s = _declared_duration_s(container, stream)
        n_frames = round(duration_s * fps) if duration_s else (stream.frames or 1)
        rotation = _rotation_deg(first)
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(
            path=path,
            fps=fps,
            n_frames=max(n_frames, 1),
            width_px=width,
            height_px=height,
            rotation_deg=rotation,
            codec=stream.codec_context.name,
        )


def _first_frame(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, path: Path
) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.FFmpegError as exc:
        raise InputFileError(
            f"{path}: not a readable video (could not decode a first frame: {_reason(exc)})"
        ) from None
    raise InputFileError(f"{path}: not a readable video (could not decode a first frame)")


def _rotation_deg(frame: av.VideoFrame) -> int:
    """Display rotation, counter-clockwise, snapped to a multiple of 90 in [0, 360)."""
    return (round((frame.rotation or 0) / 90) * 90) % 360


def _upright_bgr(frame: av.VideoFrame, rotation_deg: int) -> np.ndarray:
    image: np.ndarray
    if frame.format.name == "yuv420p" and frame.width % 2 == 0 and frame.height % 2 == 0:
        # OpenCV's SIMD conversion is about a third cheaper than FFmpeg's swscale here
        image = cv2.cvtColor(frame.to_ndarray(format="yuv420p"), cv2.COLOR_YUV2BGR_I420)
    else:
        image = frame.to_ndarray(format="bgr24")
    if rotation_deg:
        image = np.ascontiguousarray(np.rot90(image, k=rotation_deg // 90))
    return image


FrameTap = Callable[[np.ndarray], None]


def _decoded(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    report: DecodeReport,
) -> Iterator[av.VideoFrame]:
    """Decoded frames in presentation order; packets that fail to decode are skipped (and
    counted); a file that cannot be read further ends decoding with ``report.stop_reason``."""
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError as exc:
            report.stop_reason = f"the file could not be read further: {_reason(exc)}"
            return
        try:
            frames = packet.decode()
        except av.FFmpegError:
            report.skipped(packet)
            continue
        for frame in frames:
            report.frames_decoded += 1
            yield frame


def _frame_time_s(frame: av.VideoFrame) -> float | None:
    return (
        None if frame.pts is None or frame.time_base is None else float(frame.pts * frame.time_base)
    )


def _uniform(
    frames: Iterator[av.VideoFrame], fps: float, report: DecodeReport
) -> Iterator[tuple[int, av.VideoFrame]]:
    """Place decoded frames on the grid ``slot = round((t - t0) * fps)``; a slot with no frame of
    its own repeats the previous one, and of several frames in one slot the latest is kept."""
    t0: float | None = None
    pending: tuple[int, av.VideoFrame] | None = None
    next_slot = 0
    for frame in frames:
        t = _frame_time_s(frame)
        if t is None:  # no timestamp: assume constant rate
            t = (t0 or 0.0) + report.frames_decoded / fps
        if t0 is None:
            t0 = t
        slot = max(round((t - t0) * fps), 0)
        if pending is not None:
            if slot <= pending[0]:
                report.frames_dropped += 1
            for s in range(next_slot, slot):
                yield s, pending[1]
                report.frames_repeated += s > pending[0]
            next_slot = max(next_slot, slot)
        pending = (slot, frame)
    if pending is not None and pending[0] >= next_slot:
        yield next_slot, pending[1]


def _sequential(frames: Iterator[av.VideoFrame]) -> Iterator[tuple[int, av.VideoFrame]]:
    yield from enumerate(frames)


def iter_frames(
    path: str | Path,
    *,
    tap: FrameTap | None = None,
    report: DecodeReport | None = None,
    uniform: bool = True,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_index, bgr_image)``, upright, decoded in a background thread.

    With ``uniform`` (the default) frame ``i`` is the clip at ``i / fps`` s on the uniform grid
    (see the module docstring); without, frames come in decoding order (for files glutefire
    wrote itself at a constant rate, such as previews). ``tap``, if given, is called with every
    yielded frame in the decoding thread (work that overlaps the consumer's). ``report``, if
    given, is filled in as decoding goes. Stops early and cleanly when the consumer stops.
    """
    path = Path(path)
    report = report if report is not None else DecodeReport()
    info = probe_video(path)
    frames: queue.Queue[tuple[int, np.ndarray] | None] = queue.Queue(maxsize=QUEUE_FRAMES)
    stop = threading.Event()
    errors: list[BaseException] = []

    def decode() -> None:
        try:
            with av.open(str(path), mode="r") as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                decoded = _decoded(container, stream, report)
                placed = _uniform(decoded, info.fps, report) if uniform else _sequential(decoded)
                for index, frame in placed:
                    if stop.is_set():
                        break
                    image = _upright_bgr(frame, info.rotation_deg)
                    if tap is not None:
                        tap(image)
                    report.frames_emitted += 1
                    _put(frames, (index, image), stop)
        except BaseException as exc:  # re-raised in the consumer's thread below, never lost
            errors.append(exc)
        finally:
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
    if errors and isinstance(errors[0], av.FFmpegError | OSError):  # file changed or vanished
        raise InputFileError(f"{path}: the video could not be decoded ({_reason(errors[0])})")
    if errors:
        raise errors[0]


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


def read_frame(path: str | Path, frame_index: int) -> np.ndarray:
    """Decode one frame of the uniform grid (the same image :func:`iter_frames` yields for
    ``frame_index``), upright. Seeks to the key frame before it, then decodes forward."""
    path = Path(path)
    info = probe_video(path)
    with av.open(str(path), mode="r") as container:
        stream = container.streams.video[0]
        t0 = _start_time_s(container, stream)
        target_s = t0 + frame_index / info.fps
        if stream.time_base is not None and frame_index > 0:
            container.seek(
                max(int((target_s - 1.0 / info.fps) / stream.time_base), 0),
                stream=stream,
                backward=True,
                any_frame=False,
            )
        best: av.VideoFrame | None = None
        report = DecodeReport()
        for frame in _decoded(container, stream, report):
            t = _frame_time_s(frame)
            if t is not None and round((t - t0) * info.fps) > frame_index:
                break
            best = frame
    if best is None:
        raise InputFileError(f"{path}: could not decode frame {frame_index}")
    return _upright_bgr(best, info.rotation_deg)


def _start_time_s(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> float:
    """PTS of the first decoded frame (the grid's origin), in seconds."""
    for frame in _decoded(container, stream, DecodeReport()):
        t = _frame_time_s(frame)
        container.seek(0, stream=stream, backward=True, any_frame=False)
        return 0.0 if t is None else t
    return 0.0


def count_decodable_frames(path: str | Path, *, stop_after: int | None = None) -> int:
    """Grid frames that actually decode (for upload checks against ``VideoInfo.n_frames``);
    with ``stop_after``, counting stops at ``stop_after + 1`` (enough to refuse a clip longer
    than its header says without decoding all of it)."""
    report = DecodeReport()
    path = Path(path)
    info = probe_video(path)
    count = 0
    with av.open(str(path), mode="r") as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in _uniform(_decoded(container, stream, report), info.fps, report):
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return count


class VideoWriter:
    """Encode BGR frames at a constant rate: H.264 (``libx264``, yuv420p) in MP4 with the index
    at the front, playable in browsers. ``crf`` trades size for quality (x264 scale: 0 lossless,
    23 default, 51 worst); ``preset`` trades encoding speed for size."""

    def __init__(
        self,
        path: Path,
        *,
        fps: float,
        size_px: tuple[int, int],
        crf: int = 26,
        preset: str = "veryfast",
        container_format: str = "mp4",
    ) -> None:
        self.path = path
        self.size_px = size_px
        options = {"movflags": "+faststart"} if container_format == "mp4" else {}
        try:
            self._container = av.open(str(path), mode="w", format=container_format, options=options)
        except (av.FFmpegError, OSError) as exc:
            raise InputFileError(f"{path}: cannot write a video here ({_reason(exc)})") from None
        rate = Fraction(fps).limit_denominator(1001)
        self._stream = self._container.add_stream(
            "libx264", rate=rate, options={"crf": str(crf), "preset": preset}
        )
        self._stream.width, self._stream.height = size_px
        self._stream.pix_fmt = "yuv420p"
        self._index = 0

    def write(self, image_bgr: np.ndarray) -> None:
        """Append one frame (already ``size_px``, even width and height)."""
        # OpenCV's SIMD conversion to the encoder's yuv420p is cheaper than FFmpeg's swscale
        yuv = np.asarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2YUV_I420), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = self._index
        self._index += 1
        self._container.mux(self._stream.encode(frame))

    def close(self) -> None:
        """Flush the encoder and finish the file."""
        try:
            self._container.mux(self._stream.encode(None))
        finally:
            self._container.close()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: Long side of the preview and of the annotated video drawn from it, in pixels: enough to read
#: the overlay and see the joints on a laptop or phone screen (sizes in docs/benchmarks.md).
PREVIEW_MAX_SIDE_PX = 720
#: Preview quality: near-transparent for redrawing, and fast to encode in the decoding thread.
PREVIEW_CRF = 20
PREVIEW_PRESET = "veryfast"


class PreviewWriter:
    """A downscaled copy of a clip written while it is decoded (H.264, veryfast, in Matroska),
    so the annotated video need not decode the full-resolution original again. Frames are the
    uniform-grid frames, upright; read it back with ``iter_frames(path, uniform=False)``.

    The preview is an optional output used as a frame tap in the decoding thread, so it never
    raises: the first failure is kept in :attr:`failure` and later frames are skipped.
    """

    def __init__(self, path: Path, info: VideoInfo, *, max_side_px: int) -> None:
        self.path = path
        self.info = info
        self.scale = min(1.0, max_side_px / max(info.width_px, info.height_px))
        self.size = (
            int(info.width_px * self.scale) // 2 * 2,
            int(info.height_px * self.scale) // 2 * 2,
        )
        self.failure = ""  # why the preview could not be written ("" = it was)
        self._writer: VideoWriter | None = None

    def __call__(self, frame: np.ndarray) -> None:
        if self.failure:
            return
        try:
            if self._writer is None:
                self._writer = VideoWriter(
                    self.path,
                    fps=self.info.fps,
                    size_px=self.size,
                    crf=PREVIEW_CRF,
                    preset=PREVIEW_PRESET,
                    container_format="matroska",
                )
            self._writer.write(shrink(frame, self.size))
        except Exception as exc:  # optional output: never stops the decoding it rides on
            self._fail(exc)

    def close(self) -> None:
        """Finish the file (never raises; see :attr:`failure`)."""
        try:
            if self._writer is not None:
                self._writer.close()
        except Exception as exc:  # optional output
            self._fail(exc)

    @property
    def usable(self) -> bool:
        """True when the preview holds every frame it was given."""
        return not self.failure and self._writer is not None

    def _fail(self, exc: Exception) -> None:
        if not self.failure:
            self.failure = f"{type(exc).__name__}: {exc}"
        self.path.unlink(missing_ok=True)


def shrink(image: np.ndarray, size_px: tuple[int, int]) -> np.ndarray:
    """``image`` resized to ``size_px`` (width, height), smaller than it: halved by pixel-area
    averaging (OpenCV's fast path for a factor of exactly 2) while at least twice the target
    both ways, then linear interpolation. About a quarter of the cost of one area resampling
    by a non-integer factor (13.6 vs 3.4 ms a frame from 1080 x 2048 to 380 x 720, measured),
    and within 48 dB PSNR of it."""
    width, height = size_px
    while image.shape[1] >= 2 * width and image.shape[0] >= 2 * height:
        half = (image.shape[1] // 2, image.shape[0] // 2)
        image = cv2.resize(image, half, interpolation=cv2.INTER_AREA)
    if image.shape[1::-1] == (width, height):
        return image
    return cv2.resize(image, size_px, interpolation=cv2.INTER_LINEAR)


def letterbox(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to fit ``width x height`` keeping the aspect ratio; pad with black."""
    scale = min(width / frame.shape[1], height / frame.shape[0])
    w, h = int(frame.shape[1] * scale) // 2 * 2, int(frame.shape[0] * scale) // 2 * 2
    canvas = np.zeros((height, width, 3), np.uint8)
    x, y = (width - w) // 2, (height - h) // 2
    canvas[y : y + h, x : x + w] = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
    return canvas


def sha256_of(path: str | Path, *, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
