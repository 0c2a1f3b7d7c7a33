"""Annotated video and keyframe images: skeleton, key angles, rep counter and cue text."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

import cv2
import numpy as np

from glutefire.io.video import (
    PREVIEW_MAX_SIDE_PX,
    VideoWriter,
    iter_frames,
    read_frame,
    shrink,
)
from glutefire.kinematics.metrics import KASR, TRUNK_LEAN, col
from glutefire.landmarks import SKELETON_EDGES
from glutefire.result import Finding, FindingCode, Status
from glutefire.screening.pipeline import ClipScreen

GREEN, RED, AMBER = (80, 200, 80), (60, 60, 230), (0, 190, 255)  # BGR
WHITE, BLACK = (255, 255, 255), (0, 0, 0)
FOOTER = "glutefire screening aid - describes movement, not a diagnosis"
#: The key printed on every frame: what the colours and the signs of the angles mean.
KEY_FRONTAL = "key: thick = parts measured (red: finding present); FPPA + = knee inward"
KEY_SAGITTAL = "key: thick = parts measured (red: finding present); trunk lean from vertical"

Edge = tuple[str, str]
#: The skeleton segments each finding measures (``{s}``: the finding's side, or both sides).
MEASURED_SEGMENTS: dict[FindingCode, tuple[tuple[str, str], ...]] = {
    FindingCode.KNEES_CAVE_IN: (("{s}_hip", "{s}_knee"), ("{s}_knee", "{s}_ankle")),
    FindingCode.KNEES_FORWARD: (("{s}_knee", "{s}_ankle"), ("{s}_ankle", "{s}_foot_index")),
    FindingCode.EXCESSIVE_FORWARD_LEAN: (("{s}_shoulder", "{s}_hip"), ("{s}_knee", "{s}_ankle")),
    FindingCode.LOW_BACK_ARCHES: (("{s}_shoulder", "{s}_hip"), ("{s}_hip", "{s}_knee")),
    FindingCode.HEEL_RISE: (("{s}_ankle", "{s}_heel"), ("{s}_heel", "{s}_foot_index")),
    FindingCode.FEET_TURN_OUT: (("{s}_heel", "{s}_foot_index"),),
    FindingCode.ASYMMETRIC_WEIGHT_SHIFT: (("left_hip", "right_hip"), ("{s}_hip", "{s}_ankle")),
    FindingCode.ARMS_FALL_FORWARD: (("{s}_shoulder", "{s}_elbow"), ("{s}_elbow", "{s}_wrist")),
    FindingCode.INSUFFICIENT_DEPTH: (("{s}_hip", "{s}_knee"),),
}


def measured_edges(finding: Finding) -> frozenset[Edge]:
    """The skeleton segments ``finding`` was measured on, as landmark-name pairs; a finding on
    both sides (or with no side) marks both. A ``{s}_hip``-``{s}_ankle`` pair that is no
    skeleton segment (the weight shift's leg line) is drawn as the thigh and shank."""
    sides = ("left", "right") if finding.side not in ("left", "right") else (finding.side,)
    edges = {
        (a.format(s=side), b.format(s=side))
        for a, b in MEASURED_SEGMENTS.get(finding.code, ())
        for side in sides
    }
    for a, b in list(edges):
        if a.endswith("_hip") and b.endswith("_ankle"):
            edges -= {(a, b)}
            knee = a.removesuffix("_hip") + "_knee"
            edges |= {(a, knee), (knee, b)}
    return frozenset(edges)


def _scale_for(width: int, height: int, max_side_px: int) -> float:
    return min(1.0, max_side_px / max(width, height))


def _text(
    img: np.ndarray,
    text: str,
    org: tuple[int, int],
    scale: float,
    color: tuple[int, int, int] = WHITE,
    *,
    outline: bool = True,
) -> None:
    thickness = max(1, int(round(2 * scale)))
    if outline:
        cv2.putText(
            img, text, org, cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, BLACK, thickness + 2, cv2.LINE_AA
        )
    cv2.putText(
        img, text, org, cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, color, thickness, cv2.LINE_AA
    )


def _panel(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    """Darken a rectangle so plain text on it stays readable (cheaper than outlined text)."""
    region = img[max(y0, 0) : y1, max(x0, 0) : x1]
    region //= 3


def draw_skeleton(
    img: np.ndarray,
    points: dict[str, np.ndarray],
    scale: float,
    highlight: frozenset[Edge] = frozenset(),
    highlight_color: tuple[int, int, int] = RED,
) -> None:
    """Draw limbs between finite landmark positions (already in the image's pixels): green,
    and thicker in ``highlight_color`` for the ``highlight`` segments (those measured)."""
    for a, b in SKELETON_EDGES:
        pa, pb = points.get(a), points.get(b)
        if pa is None or pb is None or not (np.isfinite(pa).all() and np.isfinite(pb).all()):
            continue
        marked = (a, b) in highlight or (b, a) in highlight
        cv2.line(
            img,
            tuple(int(v) for v in pa),
            tuple(int(v) for v in pb),
            highlight_color if marked else GREEN,
            max(2, int((5 if marked else 3) * scale)),
            cv2.LINE_AA,
        )
    for p in points.values():
        if np.isfinite(p).all():
            cv2.circle(img, tuple(int(v) for v in p), max(2, int(4 * scale)), WHITE, -1)


@dataclass(frozen=True)
class Overlay:
    """What is drawn on each frame, prepared once per clip (drawing then touches no tables)."""

    names: list[str]
    position_px: np.ndarray  # (frames, keypoints, 2), cleaned, in original pixels
    text: list[list[str]]  # per frame: rep label and key angles
    key: str  # what colours and angle signs mean (KEY_FRONTAL or KEY_SAGITTAL)

    @classmethod
    def of(cls, screen: ClipScreen) -> Overlay:
        """Prepare the overlay of a screened clip."""
        cleaned = screen.analysis.cleaned
        text = [
            [_rep_label(screen, i), *_angle_lines(row, screen.analysis.view.view.frontal)]
            for i, row in enumerate(screen.analysis.frames.to_dict("records"))
        ]
        frontal = screen.analysis.view.view.frontal
        return cls(
            [str(k) for k in cleaned.coords["keypoint"].values],
            cleaned["position"].values,
            text,
            KEY_FRONTAL if frontal else KEY_SAGITTAL,
        )


def _angle_lines(row: dict[str, float], frontal: bool) -> list[str]:
    lines = []
    if frontal:
        for side in ("left", "right"):
            lines.append(f"{side} knee FPPA {row[col('knee_fppa', side)]:+.0f} deg")
        lines.append(f"KASR {row[KASR]:.2f}")
    else:
        lines.append(f"trunk lean {row[TRUNK_LEAN]:.0f} deg")
        for side in ("left", "right"):
            lines.append(f"{side} knee flexion {row[col('knee_flexion', side)]:.0f} deg")
    lines.append(f"thigh {row['thigh_above_horizontal_deg']:.0f} deg above horizontal")
    return [ln for ln in lines if "nan" not in ln]


@dataclass(frozen=True)
class FrameCue:
    """What a frame shows of the findings measured on it: the cue and the measured parts,
    red when a finding is present there (amber on a keyframe of an absent finding)."""

    text: str = ""
    highlight: frozenset[Edge] = frozenset()
    present: bool = True


def _cues_by_frame(screen: ClipScreen, clip_findings: list[Finding]) -> dict[int, FrameCue]:
    """Cue text and measured segments for frames inside reps that showed a present finding."""
    texts: dict[int, list[str]] = {}
    edges: dict[int, set[Edge]] = {}
    for f in clip_findings:
        if f.status is not Status.PRESENT or not f.cue:
            continue
        for rep in f.reps:
            r = screen.analysis.reps[rep - 1]
            for frame in range(r.start_frame, r.end_frame + 1):
                texts.setdefault(frame, []).append(f.cue)
                edges.setdefault(frame, set()).update(measured_edges(f))
    return {k: FrameCue("  ".join(dict.fromkeys(v)), frozenset(edges[k])) for k, v in texts.items()}


def _rep_label(screen: ClipScreen, frame: int) -> str:
    for r in screen.analysis.reps:
        if r.start_frame <= frame <= r.end_frame:
            state = "complete" if r.complete else "partial"
            return f"rep {r.index}/{len(screen.analysis.reps)} ({state})"
    return ""


def annotate_frame(
    img: np.ndarray,
    overlay: Overlay,
    frame: int,
    scale: float,
    cue: FrameCue = FrameCue(),
    title: str = "",
) -> np.ndarray:
    """Draw the overlay for one frame; ``img`` is already scaled by ``scale``."""
    pos = overlay.position_px[frame] * scale
    size = float(np.clip(min(img.shape[:2]) / 500, 0.6, 1.5))  # text scale for this image
    points = dict(zip(overlay.names, pos, strict=True))
    draw_skeleton(img, points, size, cue.highlight, RED if cue.present else AMBER)
    line_h = int(26 * size)
    lines = list(filter(None, ([title] if title else []) + overlay.text[frame]))
    if lines:  # a frame outside every rep with no readable angle has no overlay text
        width = int(10 + 11 * size * max(len(t) for t in lines))
        _panel(img, 0, 0, width, int(line_h * (len(lines) + 0.4)))
    for i, text in enumerate(lines, start=1):
        _text(img, text, (10, i * line_h), size, outline=False)
    if cue.text:
        _text(img, cue.text, (10, img.shape[0] - 3 * line_h), 1.6 * size, AMBER)
    _panel(img, 0, img.shape[0] - int(1.6 * line_h), img.shape[1], img.shape[0])
    _text(img, overlay.key, (10, img.shape[0] - 8 - int(0.8 * line_h)), 0.7 * size, outline=False)
    _text(img, FOOTER, (10, img.shape[0] - 8), 0.7 * size, outline=False)
    return img


#: Long side of the annotated video, in pixels (the preview it is drawn from has the same size).
VIDEO_MAX_SIDE_PX = PREVIEW_MAX_SIDE_PX
#: x264 constant-rate factor of the annotated video (23 is x264's default; higher is smaller).
#: Measured in docs/benchmarks.md ("Output sizes").
VIDEO_CRF = 26


def render_video(
    screen: ClipScreen,
    clip_findings: list[Finding],
    out_path: Path,
    *,
    max_side_px: int = VIDEO_MAX_SIDE_PX,
    on_frame: Callable[[int], None] | None = None,
) -> Path:
    """Write the annotated clip as H.264 MP4 (browser-playable), at most ``max_side_px`` on its
    long side, at the clip's uniform frame rate (frame ``i`` is the keypoints' frame ``i``)."""
    video = screen.video
    assert video is not None, "annotated video needs a video input"
    scale = _scale_for(video.width_px, video.height_px, max_side_px)
    size = (int(video.width_px * scale) // 2 * 2, int(video.height_px * scale) // 2 * 2)
    cues = _cues_by_frame(screen, clip_findings)
    tmp = out_path.with_name(out_path.stem + ".tmp" + out_path.suffix)
    writer = VideoWriter(tmp, fps=video.fps, size_px=size, crf=VIDEO_CRF)
    n = len(screen.analysis.frames)
    overlay = Overlay.of(screen)

    def draw(index: int, frame: np.ndarray) -> np.ndarray:
        img = frame if frame.shape[1::-1] == size else shrink(frame, size)
        return annotate_frame(img, overlay, index, scale, cues.get(index, FrameCue()))

    source, preview = video.path, False
    if _usable(screen.preview_path):  # a downscaled copy made during the pose pass
        source, preview = screen.preview_path, True
    try:
        _draw_all(iter_frames(source, uniform=not preview), n, draw, writer, on_frame)
        writer.close()
    except BaseException:  # no half-written file is left behind
        with contextlib.suppress(Exception):
            writer.close()
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out_path)
    return out_path


def _draw_all(
    frames: Iterator[tuple[int, np.ndarray]],
    n: int,
    draw: Callable[[int, np.ndarray], np.ndarray],
    writer: VideoWriter,
    on_frame: Callable[[int], None] | None,
) -> None:
    """Frames are drawn by two threads (OpenCV releases the GIL) and written in order by this
    one; at most a few frames wait, so memory stays flat."""
    pending: deque[tuple[int, Future[np.ndarray]]] = deque()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="glutefire-draw") as pool:
        for index, frame in frames:
            if index >= n:
                break
            pending.append((index, pool.submit(draw, index, frame)))
            while len(pending) > 6:
                _write_next(writer, pending, on_frame)
        while pending:
            _write_next(writer, pending, on_frame)


def _write_next(
    writer: VideoWriter,
    pending: deque[tuple[int, Future[np.ndarray]]],
    on_frame: Callable[[int], None] | None,
) -> None:
    index, job = pending.popleft()
    writer.write(job.result())
    if on_frame is not None:
        on_frame(index)


def _usable(path: Path | None) -> TypeGuard[Path]:
    return path is not None and path.exists() and path.stat().st_size > 0


def render_frame(
    screen: ClipScreen,
    frame: int,
    *,
    title: str,
    cue: FrameCue = FrameCue(),
    max_side_px: int = 960,
) -> np.ndarray:
    """One frame of the clip (0-based index; BGR, at most ``max_side_px`` on its long side) with
    the skeleton, angles, ``title`` and ``cue``; a keypoint file is drawn on a blank canvas of
    the original size."""
    video = screen.video
    if video is not None:
        img = read_frame(video.path, frame)
        scale = _scale_for(video.width_px, video.height_px, max_side_px)
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    else:  # keypoint file: draw on a blank canvas of the original size
        attrs = screen.analysis.keypoints.attrs
        scale = _scale_for(attrs["image_width_px"], attrs["image_height_px"], max_side_px)
        img = np.full(
            (int(attrs["image_height_px"] * scale), int(attrs["image_width_px"] * scale), 3),
            40,
            np.uint8,
        )
    return annotate_frame(img, Overlay.of(screen), frame, scale, cue, title)


def render_keyframe(screen: ClipScreen, finding: Finding, *, max_side_px: int = 960) -> np.ndarray:
    """The evidence frame of one finding with its value and threshold, and the segments it
    measured marked (see :class:`FrameCue`)."""
    assert finding.evidence_frame is not None, "a finding with a value has an evidence frame"
    title = f"{finding.label}: {finding.value} {finding.unit} (threshold {finding.threshold})"
    present = finding.status is Status.PRESENT
    cue = FrameCue((finding.cue or "") if present else "", measured_edges(finding), present)
    return render_frame(
        screen, finding.evidence_frame, title=title, cue=cue, max_side_px=max_side_px
    )


def _write_png(img: np.ndarray, out_path: Path) -> Path:
    if not cv2.imwrite(str(out_path), img):
        raise OSError(f"{out_path}: could not write the image")
    return out_path


def write_keyframe(
    screen: ClipScreen, finding: Finding, out_path: Path, *, max_side_px: int = 960
) -> Path:
    """PNG of the evidence frame of one finding (:func:`render_keyframe`)."""
    return _write_png(render_keyframe(screen, finding, max_side_px=max_side_px), out_path)


def write_frame_image(
    screen: ClipScreen, frame: int, out_path: Path, *, title: str, max_side_px: int = 960
) -> Path:
    """PNG of one frame of the clip with the skeleton, angles and ``title`` (no cue)."""
    return _write_png(render_frame(screen, frame, title=title, max_side_px=max_side_px), out_path)


#: Keyframes kept in the database: small enough for every finding of every screening.
STORED_KEYFRAME_MAX_SIDE_PX = 640
STORED_KEYFRAME_JPEG_QUALITY = 85


def keyframe_jpeg(screen: ClipScreen, finding: Finding) -> bytes:
    """The keyframe of one finding as JPEG bytes, sized to be stored with the screening."""
    img = render_keyframe(screen, finding, max_side_px=STORED_KEYFRAME_MAX_SIDE_PX)
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, STORED_KEYFRAME_JPEG_QUALITY])
    if not ok:
        raise ValueError("the keyframe could not be encoded as JPEG")
    return data.tobytes()
