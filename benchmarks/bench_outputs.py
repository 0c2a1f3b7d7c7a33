"""Output sizes and time of ``glutefire screen --out`` on a long clip (never a timed test).

The sample looped to N minutes at its full resolution is screened as ``glutefire screen --out``
does it: the pose pass writes the downscaled preview copy, then the annotated video is drawn from
it. Prints the preview's and the annotated video's size (MB, and MB per minute of clip) and the
wall time of each stage. Uses only ``screen_clip``, ``build_result`` and ``render_video``.

Usage: python benchmarks/bench_outputs.py [--clip PATH] [--minutes 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "samples" / "squat_3q_pexels_6980032.mp4"


def looped_clip(src: Path, minutes: float, dst: Path) -> Path:
    """``src`` looped (forwards) to ``minutes`` long at full resolution (MPEG-4, high quality)."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, 95)
    for i in range(int(minutes * 60 * fps)):
        writer.write(frames[i % len(frames)])
    writer.release()
    return dst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--minutes", type=float, default=1.0)
    args = parser.parse_args()
    from glutefire.reports.annotate import render_video
    from glutefire.result import ModelInfo
    from glutefire.screening.assemble import build_result
    from glutefire.screening.pipeline import ClipInput, screen_clip

    with tempfile.TemporaryDirectory() as tmp:
        clip = looped_clip(args.clip, args.minutes, Path(tmp) / "long.mp4")
        preview = Path(tmp) / "preview.mkv"
        start = time.perf_counter()
        screen = screen_clip(ClipInput(clip), preview=preview)
        pose_s = time.perf_counter() - start
        result = build_result([screen], model=ModelInfo(name="bench"))
        start = time.perf_counter()
        video = render_video(screen, result.findings_by_clip[0], Path(tmp) / "annotated.mp4")
        render_s = time.perf_counter() - start
        frames = len(screen.analysis.frames)
        for name, path in (("preview (temporary)", preview), ("annotated video", video)):
            size_mb = path.stat().st_size / 1e6
            print(f"{name:20s} {size_mb:8.1f} MB  {size_mb / args.minutes:6.1f} MB/min")
        print(
            f"clip: {clip.stat().st_size / 1e6:.1f} MB, {frames} frames; pose pass with "
            f"preview {pose_s:.1f} s ({frames / pose_s:.1f} frames/s); annotated video "
            f"{render_s:.1f} s ({frames / render_s:.1f} frames/s)"
        )


if __name__ == "__main__":
    main()
