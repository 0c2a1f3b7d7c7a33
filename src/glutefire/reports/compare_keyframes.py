"""Two keyframes of one finding side by side (an earlier screening and the re-screen), each
captioned with its date and value, as one JPEG a trainer can open or print."""

from __future__ import annotations

import cv2
import numpy as np

PANEL_HEIGHT_PX = 640
CAPTION_HEIGHT_PX = 56
GREY, WHITE = (60, 60, 60), (255, 255, 255)


def _decode(jpeg: bytes | None) -> np.ndarray | None:
    if not jpeg:
        return None
    img = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    return img if img is not None and img.size else None


def _panel(jpeg: bytes | None, caption: str) -> np.ndarray:
    """One keyframe scaled to the panel height, with its caption underneath (a grey panel that
    says so when no keyframe was kept)."""
    img = _decode(jpeg)
    if img is None:
        img = np.full((PANEL_HEIGHT_PX, PANEL_HEIGHT_PX * 9 // 16, 3), GREY, np.uint8)
        _put(img, "no keyframe kept", (16, PANEL_HEIGHT_PX // 2))
    else:
        scale = PANEL_HEIGHT_PX / img.shape[0]
        img = cv2.resize(img, (max(1, round(img.shape[1] * scale)), PANEL_HEIGHT_PX))
    strip = np.zeros((CAPTION_HEIGHT_PX, img.shape[1], 3), np.uint8)
    _put(strip, caption, (10, 36))
    return np.vstack([img, strip])


def _put(img: np.ndarray, text: str, org: tuple[int, int]) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, 0.6, WHITE, 1, cv2.LINE_AA)


def side_by_side_jpeg(
    before: bytes | None, after: bytes | None, captions: tuple[str, str], title: str
) -> bytes:
    """``before`` | ``after`` keyframes (JPEG bytes or None) with ``captions`` under each and
    ``title`` on top, as JPEG bytes."""
    gap = np.zeros((PANEL_HEIGHT_PX + CAPTION_HEIGHT_PX, 12, 3), np.uint8)
    body = np.hstack([_panel(before, captions[0]), gap, _panel(after, captions[1])])
    header = np.zeros((CAPTION_HEIGHT_PX, body.shape[1], 3), np.uint8)
    _put(header, title, (10, 36))
    ok, data = cv2.imencode(".jpg", np.vstack([header, body]), [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise ValueError("the side-by-side keyframes could not be encoded")
    return data.tobytes()
