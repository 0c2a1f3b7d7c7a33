"""MediaPipe BlazePose (Tasks API ``PoseLandmarker``, mediapipe >= 1.2) as a :class:`PoseBackend`.

The three landmark models (lite, full, heavy) ship with glutefire as ``.task`` bundles
(:mod:`glutefire.models`), so every model works offline. ``num_poses`` lets one call see several
people; choosing and following the subject is :mod:`glutefire.pose.subject`'s job.
"""

from __future__ import annotations

import contextlib
import os
import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import cv2
import numpy as np

from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.models import DEFAULT_POSE_MODEL, ModelBundle, PoseModel, load_bundle
from glutefire.pose.backend import FramePose, PoseBackend, tallest
from glutefire.pose.telemetry import block_mediapipe_telemetry

#: People each model call looks for (the subject plus bystanders to tell apart from them).
MAX_PEOPLE = 3
#: Bodies the screening tracker follows: the subject alone (bystanders are the detector's job).
#: With more, MediaPipe runs its person detector on every frame in which fewer are tracked.
TRACKED_POSES = 1
#: Nominal frame interval when the caller gives no timestamp (30 frames/s).
_DEFAULT_STEP_MS = 33


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the duration (Python's sys.stderr included).

    MediaPipe's C++ code logs internal chatter (TFLite delegate notices) to descriptor 2 when a
    graph starts; Python's own errors are raised after it is restored, so none is lost.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def model_info(model: PoseModel | str = DEFAULT_POSE_MODEL) -> dict[str, object]:
    """The ``model`` entry of a screening result: name, variant, mediapipe version, sha256.

    Raises :class:`ModelUnavailableError` if the bundle is not installed or altered.
    """
    bundle = load_bundle(model)
    return {
        "name": MediaPipePose.name,
        "variant": bundle.model.value,
        "file": bundle.file_name,
        "sha256": bundle.sha256,
        "version": metadata.version("mediapipe"),
    }


def check_model_available(model: PoseModel | str) -> None:
    """Raise :class:`ModelUnavailableError` unless ``model``'s bundle is installed and intact."""
    load_bundle(model)


class MediaPipePose:
    """BlazePose landmarks for up to :data:`MAX_PEOPLE` people per image.

    ``static_image``: every image is independent (IMAGE mode, for detection); otherwise frames
    form a video stream (VIDEO mode: landmarks are tracked and smoothed between frames).
    """

    name = "mediapipe-blazepose"
    keypoint_names = BLAZEPOSE_LANDMARKS

    def __init__(
        self,
        *,
        model: PoseModel | str = DEFAULT_POSE_MODEL,
        static_image: bool = False,
        num_poses: int = MAX_PEOPLE,
        min_detection_confidence: float = 0.5,
    ) -> None:
        self.bundle: ModelBundle = load_bundle(model)
        self.version = metadata.version("mediapipe")
        self.static_image = static_image
        self._num_poses = num_poses
        self._min_detection = min_detection_confidence
        self._last_ms = -_DEFAULT_STEP_MS
        self._landmarker = self._create()
        self._used = False  # a fresh landmarker needs no reset

    @property
    def model_sha256(self) -> str:
        """sha256 (hex) of the ``.task`` bundle this backend runs."""
        return self.bundle.sha256

    def _create(self) -> object:
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import (
            PoseLandmarker,
            PoseLandmarkerOptions,
            RunningMode,
        )

        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=self.bundle.data),
            running_mode=RunningMode.IMAGE if self.static_image else RunningMode.VIDEO,
            num_poses=self._num_poses,
            min_pose_detection_confidence=self._min_detection,
            min_pose_presence_confidence=0.5,
            min_tracking_confidence=0.5,
        )
        block_mediapipe_telemetry()
        with quiet_native_stderr():
            landmarker = PoseLandmarker.create_from_options(options)
        # closed exactly once: by close(), by garbage collection, or at interpreter exit (before
        # the native library is unloaded, which MediaPipe's own __del__ does not survive)
        self._finalizer = weakref.finalize(self, _close_landmarker, landmarker)
        return landmarker

    def estimate_all(
        self, image_bgr: np.ndarray, *, timestamp_ms: int | None = None
    ) -> list[FramePose]:
        """Landmarks of everyone found in one BGR image, in pixels of that image."""
        import mediapipe as mp

        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        landmarker = self._landmarker
        self._used = True
        with quiet_native_stderr():
            if self.static_image:
                result = landmarker.detect(image)  # type: ignore[attr-defined]
            else:
                stamp = self._next_timestamp(timestamp_ms)
                result = landmarker.detect_for_video(image, stamp)  # type: ignore[attr-defined]
        height, width = image_bgr.shape[:2]
        return [_frame_pose(landmarks, width, height) for landmarks in result.pose_landmarks]

    def _next_timestamp(self, timestamp_ms: int | None) -> int:
        """A strictly increasing timestamp (VIDEO mode refuses repeats)."""
        stamp = self._last_ms + _DEFAULT_STEP_MS if timestamp_ms is None else int(timestamp_ms)
        self._last_ms = max(stamp, self._last_ms + 1)
        return self._last_ms

    def estimate(self, image_bgr: np.ndarray) -> FramePose | None:
        """Landmarks of the tallest person in one BGR image, or None."""
        return tallest(self.estimate_all(image_bgr))

    def reset(self) -> None:
        """Forget tracking state: a fresh landmarker, timestamps restart."""
        if self.static_image or not self._used:
            return
        self.close()
        self._last_ms = -_DEFAULT_STEP_MS
        self._landmarker = self._create()
        self._used = False

    def close(self) -> None:
        """Release the MediaPipe graph (a second call does nothing)."""
        self._finalizer()

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_landmarker(landmarker: Any) -> None:
    with quiet_native_stderr():
        landmarker.close()


def _frame_pose(landmarks: list[Any], width_px: int, height_px: int) -> FramePose:
    """Normalised landmarks (x, y in 0-1 of the image) to pixels; a missing visibility is 0."""
    raw = np.array(
        [(lm.x, lm.y, 0.0 if lm.visibility is None else lm.visibility) for lm in landmarks],
        dtype=np.float64,
    )
    position = raw[:, :2] * np.array([width_px, height_px], dtype=float)
    return FramePose(position_px=position, visibility=np.clip(raw[:, 2], 0.0, 1.0))


@dataclass
class PoseModels:
    """The model instances screening a clip needs: a video-mode tracker that follows one body
    (with ``num_poses=1`` MediaPipe runs its person detector only when it has lost the body; with
    more it would run it on every frame in which fewer people are tracked, about 14 ms a frame)
    and an image-mode detector that sees everyone: used to find and choose the subject
    (:func:`glutefire.pose.search.find_candidates`) and in the frames where the tracker's body
    is not the subject (:class:`glutefire.pose.tracker.SubjectTracker`)."""

    tracker: PoseBackend
    detector: PoseBackend
    model: PoseModel
    tracked_poses: int = TRACKED_POSES

    def close(self) -> None:
        """Release the models."""
        self.tracker.close()
        self.detector.close()


def open_pose_models(
    model: PoseModel | str = DEFAULT_POSE_MODEL, *, tracked_poses: int = TRACKED_POSES
) -> PoseModels:
    """The one factory for screening models (CLI, batch workers, web jobs); ``tracked_poses``:
    bodies the video-mode tracker follows (more runs the person detector on every frame)."""
    return PoseModels(
        tracker=MediaPipePose(model=model, num_poses=tracked_poses),
        detector=MediaPipePose(model=model, static_image=True),
        model=PoseModel(model),
        tracked_poses=tracked_poses,
    )
