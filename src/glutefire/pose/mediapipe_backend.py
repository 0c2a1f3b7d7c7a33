"""MediaPipe BlazePose (legacy ``mp.solutions.pose``) as a :class:`PoseBackend`.

Only the model bundled in the ``mediapipe`` wheel works offline: complexity 1 ("full"). The
"lite" (0) and "heavy" (2) models are downloaded by MediaPipe on first use, so they are refused
unless their file is already installed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import cv2
import numpy as np

from glutefire.errors import ModelUnavailableError
from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.pose.backend import FramePose

#: MediaPipe's C++ graph logs internal chatter (TFLite delegate and feedback-tensor notices) to
#: file descriptor 2 whenever a subgraph starts; model calls run with descriptor 2 pointed at
#: /dev/null. Python's own errors are raised after it is restored, so none is lost.


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the duration (Python's sys.stderr included)."""
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


_MODEL_FILES = {0: "pose_landmark_lite.tflite", 1: "pose_landmark_full.tflite",
                2: "pose_landmark_heavy.tflite"}


def model_file(model_complexity: int) -> Path:
    """Where MediaPipe keeps the landmark model of ``model_complexity``."""
    import mediapipe

    if model_complexity not in _MODEL_FILES:
        raise ModelUnavailableError(
            f"expected model complexity 0, 1 or 2, but got {model_complexity!r}"
        )
    root = Path(mediapipe.__file__).parent / "modules" / "pose_landmark"
    return root / _MODEL_FILES[model_complexity]


def model_info(model_complexity: int) -> dict[str, object]:
    """The ``model`` entry of a screening result."""
    return {"name": MediaPipePose.name, "complexity": model_complexity,
            "version": metadata.version("mediapipe")}


def check_model_available(model_complexity: int) -> None:
    """Raise :class:`ModelUnavailableError` unless the model file is present (no downloads)."""
    path = model_file(model_complexity)
    if not path.exists():
        raise ModelUnavailableError(
            f"pose model complexity {model_complexity} needs {path.name}, which is not installed "
            "and would be downloaded; glutefire works offline, so use --model-complexity 1 "
            f"(bundled) or place the file at {path}"
        )


class MediaPipePose:
    """BlazePose landmarks for one person; tracks between frames unless ``static_image``."""

    name = "mediapipe-blazepose"
    keypoint_names = BLAZEPOSE_LANDMARKS

    def __init__(self, *, model_complexity: int = 1, static_image: bool = False,
                 min_detection_confidence: float = 0.5) -> None:
        check_model_available(model_complexity)
        import mediapipe as mp

        self.version = metadata.version("mediapipe")
        self.model_complexity = model_complexity
        with quiet_native_stderr():
            self._pose = mp.solutions.pose.Pose(
                static_image_mode=static_image,
                model_complexity=model_complexity,
                smooth_landmarks=True,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=0.5,
            )

    def estimate(self, image_bgr: np.ndarray) -> FramePose | None:
        """Run the model on one BGR image."""
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        with quiet_native_stderr():
            result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        height, width = image_bgr.shape[:2]
        raw = np.array([(lm.x, lm.y, lm.visibility) for lm in result.pose_landmarks.landmark])
        position = raw[:, :2] * np.array([width, height], dtype=float)
        return FramePose(position_px=position, visibility=np.clip(raw[:, 2], 0.0, 1.0))

    def reset(self) -> None:
        """Forget tracking state."""
        with quiet_native_stderr():
            self._pose.reset()

    def close(self) -> None:
        """Release the MediaPipe graph."""
        with quiet_native_stderr():
            self._pose.close()

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
