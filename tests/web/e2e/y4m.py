"""Write a clip as Y4M (YUV4MPEG2, 4:2:0) for Chromium's fake camera, with OpenCV only."""

from __future__ import annotations

from pathlib import Path

import cv2

from glutefire.io.video import letterbox


def write_y4m(
    src: Path, dst: Path, *, seconds: float, width: int = 640, height: int = 480, fps: int = 25
) -> Path:
    """The first ``seconds`` of ``src`` as ``width x height`` Y4M at ``fps`` (frames as read)."""
    cap = cv2.VideoCapture(str(src))
    with dst.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(int(seconds * fps)):
            ok, frame = cap.read()
            if not ok:
                break
            out.write(b"FRAME\n")
            out.write(
                cv2.cvtColor(letterbox(frame, width, height), cv2.COLOR_BGR2YUV_I420).tobytes()
            )
    cap.release()
    return dst
