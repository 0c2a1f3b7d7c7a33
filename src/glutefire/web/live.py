"""Live mirror mode: frames in, landmarks + rep count + cue out, then "save" as a screening.

A frame arrives either as a JPEG (the server path: :meth:`LiveSession.process_jpeg` runs the pose
backend made by the screening pipeline's factory) or as landmarks the browser found itself with
the same ``.task`` model (the browser path: :meth:`LiveSession.process_landmarks`; no video
leaves the device and the server runs no pose model, :class:`LandmarksMessage` validates it).
:class:`LiveSession` holds one WebSocket's state and only transports: the kinematics come from
:func:`glutefire.kinematics.live.live_frame` (the offline per-frame functions on the frames so
far: the same legs, knee-flexion rep driver in a side view and measures as an uploaded clip), reps
are counted by the clip pipeline's :func:`~glutefire.reps.segment.segment_reps` on the offline
rep driver, and cues are the screening rules' own cues judged with their thresholds
(:func:`glutefire.screening.cues.frame_cue`). On save the collected landmarks become a keypoint
dataset screened by :func:`~glutefire.screening.session.screen_session`, like an uploaded clip.

The squat is the default; :meth:`LiveSession.set_exercise` switches a set to one of the
exercises of ``glutefire check`` (:mod:`glutefire.exercises.live` runs the offline exercise
analysis on the newest landmarks). Either way each frame's analysis reads only the newest
:data:`SQUAT_WINDOW_S` (squat) or :data:`glutefire.exercises.live.WINDOW_S` seconds, and the
tallies of :mod:`glutefire.reps.live` keep the reps and holds that left the window, so the work
per frame does not grow with the set's length (``samples`` of a frame reply says how many
frames it analysed).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import cv2
import numpy as np
import xarray as xr
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from glutefire.errors import InputFileError
from glutefire.exercises.live import LiveExerciseAnalyser, LiveExerciseState
from glutefire.exercises.spec import get_exercise
from glutefire.keypoints import make_keypoints
from glutefire.kinematics.live import LiveFrame, live_frame
from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.pose.backend import FramePose, PoseBackend
from glutefire.reps.live import RepTally
from glutefire.reps.segment import segment_reps
from glutefire.result import ModelInfo
from glutefire.screening.cues import frame_cue
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import OutputWriter, ScreenedSession, StoreFn, screen_session

LIVE_CLIP_NAME = "live-mirror"
#: The exercise of a live set unless the page picks another (the squat screen).
SQUAT = "squat"
#: Seconds of the newest frames the squat's live kinematics and rep count read per frame: many
#: reps (a squat takes 2-4 s), so the rep segmentation's levels are the clip's, and bounded, so
#: a minute-long set costs what a short one does. Design value (unverified).
SQUAT_WINDOW_S = 20.0


#: Normalised landmark coordinates the browser may send, as fractions of the image width and
#: height: MediaPipe places a limb that leaves the picture outside [0, 1], so one image beyond each
#: edge is allowed; farther is not a landmark of this image. A design value (unverified).
LANDMARK_RANGE = (-1.0, 2.0)
#: Longest landmarks message accepted, in characters (33 points take about 1.5 kB).
MAX_LANDMARKS_MESSAGE_CHARS = 8192

Point = tuple[
    Annotated[float, Field(ge=LANDMARK_RANGE[0], le=LANDMARK_RANGE[1])],
    Annotated[float, Field(ge=LANDMARK_RANGE[0], le=LANDMARK_RANGE[1])],
    Annotated[float, Field(ge=0.0, le=1.0)],
]


class LandmarksMessage(BaseModel):
    """One frame of the browser path: ``t`` capture time in ms (strictly increasing within a
    set), ``w`` x ``h`` the camera image in px, ``points`` the 33 BlazePose landmarks as
    ``[x, y, visibility]`` (x right, y down, as fractions of the image) or null when no person was
    found."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)

    type: Literal["landmarks"]
    t: float = Field(ge=0.0)
    w: int = Field(gt=0)
    h: int = Field(gt=0)
    points: list[Point] | None = Field(
        min_length=len(BLAZEPOSE_LANDMARKS), max_length=len(BLAZEPOSE_LANDMARKS)
    )


def parse_landmarks(text: str) -> LandmarksMessage:
    """The landmarks message in ``text``; :class:`InputFileError` saying what was wrong."""
    if len(text) > MAX_LANDMARKS_MESSAGE_CHARS:
        raise InputFileError(
            f"expected a landmarks message of at most {MAX_LANDMARKS_MESSAGE_CHARS} characters, "
            f"but got {len(text)}"
        )
    try:
        return LandmarksMessage.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "message"
        raise InputFileError(f"expected a landmarks message, but {where}: {error['msg']}") from None


class LiveSession:
    """State of one live set. Not thread-safe: one WebSocket, one session.

    ``backend`` is the pose model of the server path, or a factory called the first time a JPEG
    frame arrives (a socket that only sends landmarks never loads a model). ``model`` describes
    the server path's model and ``landmarks_model`` the browser's; a saved set names the one that
    found its landmarks."""

    def __init__(
        self,
        backend: PoseBackend | Callable[[], PoseBackend],
        *,
        max_frames: int = 1800,
        max_frame_pixels: int = 1920 * 1080,
        model: ModelInfo | None = None,
        landmarks_model: ModelInfo | None = None,
        keypoint_names: tuple[str, ...] = BLAZEPOSE_LANDMARKS,
    ) -> None:
        self._backend = None if callable(backend) else backend
        self._make_backend = backend if callable(backend) else None
        self.max_frames = max_frames
        self.max_frame_pixels = max_frame_pixels
        self.keypoint_names = (
            keypoint_names if self._backend is None else self._backend.keypoint_names
        )
        self.model = model
        self.landmarks_model = landmarks_model or ModelInfo(name="browser")
        self.exercise = SQUAT
        self.reset()

    @property
    def backend(self) -> PoseBackend:
        """The server path's pose model, loaded on first use."""
        if self._backend is None:
            assert self._make_backend is not None
            self._backend = self._make_backend()
        return self._backend

    @property
    def backend_loaded(self) -> bool:
        return self._backend is not None

    def close(self) -> None:
        """Release the pose model, if one was loaded."""
        if self._backend is not None:
            self._backend.close()

    def reset(self) -> None:
        n = len(self.keypoint_names)
        self._positions = np.full((self.max_frames, n, 2), np.nan)  # filled frame by frame
        self._visibility = np.zeros((self.max_frames, n))
        self._times_s: list[float] = []
        self._from_browser = 0
        self.image_size: tuple[int, int] | None = None
        self.reps = 0
        self.last: LiveFrame | None = None
        self.samples = 0  # frames the newest frame's analysis read
        self._tally = RepTally()
        exercise = self.exercise
        self._analyser = None if exercise == SQUAT else LiveExerciseAnalyser(get_exercise(exercise))
        if self._backend is not None:
            self._backend.reset()

    def set_exercise(self, exercise: str) -> str:
        """Switch to ``exercise`` (``squat`` or an id of ``glutefire check``) and start a new
        set; return its title. Raises :class:`InputFileError` listing the known ones."""
        title = "Squat" if exercise == SQUAT else get_exercise(exercise).title
        self.exercise = exercise
        self.reset()
        return title

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
        self._check_room()
        if not math.isfinite(time_s):
            raise InputFileError(f"expected a finite capture time, but got {time_s}")
        height, width = image_bgr.shape[:2]
        self._start_frame((width, height))
        if self._times_s and time_s <= self._times_s[-1]:
            time_s = self._times_s[-1] + 1e-3  # keep time strictly increasing
        pose = self.backend.estimate(image_bgr)
        return self._advance(pose, time_s)

    def process_landmarks(self, message: LandmarksMessage) -> dict[str, Any]:
        """Analyse one frame of landmarks the browser found (the browser path): the same
        kinematics, rep count and cue as :meth:`process`, without a pose model here. Raises
        :class:`InputFileError` for an image over the frame limit or a time not after the last."""
        self._check_room()
        if message.w * message.h > self.max_frame_pixels:
            raise InputFileError(_too_large(self.max_frame_pixels, f"{message.w}x{message.h}"))
        time_s = message.t / 1000.0
        if self.image_size == (message.w, message.h) and self._times_s:
            if time_s <= self._times_s[-1]:
                raise InputFileError(
                    f"expected a time after {self._times_s[-1] * 1000:.1f} ms, "
                    f"but got {message.t:.1f} ms"
                )
        self._start_frame((message.w, message.h))
        pose = None
        if message.points is not None:
            points = np.asarray(message.points, dtype=float)
            pose = FramePose(points[:, :2] * [message.w, message.h], points[:, 2])
        self._from_browser += 1
        return self._advance(pose, time_s)

    def _check_room(self) -> None:
        if self.n_frames >= self.max_frames:
            raise InputFileError(
                f"expected at most {self.max_frames} frames in one live set; save or reset it"
            )

    def _start_frame(self, size_px: tuple[int, int]) -> None:
        """A new image size starts a new set (the camera changed)."""
        if self.image_size not in (None, size_px):
            self.reset()
        self.image_size = size_px

    def _advance(self, pose: FramePose | None, time_s: float) -> dict[str, Any]:
        assert self.image_size is not None
        self._append(pose, time_s)
        landmarks = None
        if pose is not None:
            norm = pose.position_px / np.array(self.image_size, dtype=float)
            landmarks = np.column_stack([norm, pose.visibility]).round(4).tolist()
        reply: dict[str, Any] = {
            "type": "frame",
            "frame": self.n_frames - 1,
            "landmarks": landmarks,
            "exercise": self.exercise,
        }
        if self._analyser is not None:
            return reply | _exercise_reply(self._exercise_state())
        cue = ""
        self.samples = 0
        if self.n_frames >= 2:
            now_s = self._times_s[-1] - self._times_s[0]
            start_s = max(0.0, now_s - SQUAT_WINDOW_S)
            window = self.window_keypoints(start_s)
            assert window is not None
            self.samples = window.sizes["time"]
            self.last = live_frame(window)
            self.reps = self._count_reps(self.last, window, start_s)
            cue = frame_cue(self.last) if pose is not None else ""
        return reply | {
            "counts": "reps",
            "reps": self.reps,
            "hold_s": None,
            "longest_hold_s": None,
            "cue": cue,
            "advice": "",
            "samples": self.samples,
        }

    def _exercise_state(self) -> LiveExerciseState:
        assert self._analyser is not None
        now_s = self._times_s[-1] - self._times_s[0]
        state = self._analyser.update(now_s, self.window_keypoints)
        self.samples = state.samples
        self.reps = state.reps
        return state

    def _append(self, pose: FramePose | None, time_s: float) -> None:
        if pose is not None:
            self._positions[self.n_frames] = pose.position_px
            self._visibility[self.n_frames] = pose.visibility
        self._times_s.append(time_s)

    def _count_reps(self, frame: LiveFrame, window: xr.Dataset, start_s: float) -> int:
        """Complete reps so far: the clips' driver and segmentation on the window, plus the reps
        that left it (:class:`~glutefire.reps.live.RepTally`)."""
        if not np.isfinite(frame.depth).any():
            return self.reps
        reps, _ = segment_reps(
            frame.depth,
            window.coords["time"].values,
            standing_max=frame.standing_max,
            not_standing=frame.not_standing,
        )
        return self._tally.update(reps, window_start_s=start_s, at_start=start_s <= 0.0)

    @property
    def set_model(self) -> ModelInfo:
        """The model that found most of this set's landmarks (browser or server)."""
        if self._from_browser * 2 > self.n_frames:
            return self.landmarks_model
        if self.model is not None:
            return self.model
        return ModelInfo(name=self.backend.name, version=self.backend.version)

    def keypoints(self) -> xr.Dataset:
        """The collected set as the one keypoint container (time from the first frame)."""
        ds = self.window_keypoints(0.0)
        if ds is None:
            raise InputFileError("expected a recorded set, but no frames arrived yet")
        return ds

    def window_keypoints(self, start_s: float) -> xr.Dataset | None:
        """The frames captured from ``start_s`` seconds after the set's first frame on, as the
        keypoint container (time from the set's first frame); None with fewer than two."""
        if self.n_frames < 2 or self.image_size is None:
            return None
        model = self.set_model
        times = np.asarray(self._times_s) - self._times_s[0]
        first = int(np.searchsorted(times, start_s))
        if self.n_frames - first < 2:
            first = self.n_frames - 2
        times = times[first:]
        rate = (len(times) - 1) / (times[-1] - times[0])
        return make_keypoints(
            self._positions[first : self.n_frames],
            self._visibility[first : self.n_frames],
            keypoint_names=self.keypoint_names,
            sampling_rate_hz=float(rate),
            image_size_px=self.image_size,
            source_software=f"{model.name} {model.version or ''} (live)",
            source_path=LIVE_CLIP_NAME,
            time_s=times,
        )

    def screen(
        self, *, store: StoreFn | None = None, outputs: list[OutputWriter] | None = None
    ) -> ScreenedSession:
        """Screen the set as a session of one clip, stored with ``store`` before the optional
        ``outputs`` are written (raises a GlutefireError when unusable, and for a set of an
        exercise other than the squat: those are checked, not screened)."""
        if self.exercise != SQUAT:
            raise InputFileError(
                f"expected a squat set to save as a screening, but this set is a "
                f"{self.exercise}; film it and run glutefire check {self.exercise} on the clip"
            )
        clip = ClipInput(path=Path(LIVE_CLIP_NAME), keypoints=self.keypoints())
        return screen_session([clip], model=self.set_model, store=store, outputs=outputs or [])


def _exercise_reply(state: LiveExerciseState) -> dict[str, Any]:
    return {
        "counts": state.counts,
        "reps": state.reps,
        "hold_s": state.hold_s,
        "longest_hold_s": state.longest_hold_s,
        "cue": state.cue,
        "advice": state.advice,
        "samples": state.samples,
    }


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


def timed(session: LiveSession, frame: bytes | LandmarksMessage, time_ms: float) -> dict[str, Any]:
    """``process_jpeg`` (bytes) or ``process_landmarks`` plus the server-side time in ms."""
    start = time.perf_counter()
    if isinstance(frame, LandmarksMessage):
        reply = session.process_landmarks(frame)
    else:
        reply = session.process_jpeg(frame, time_ms)
    reply["server_ms"] = round((time.perf_counter() - start) * 1000, 1)
    return reply
