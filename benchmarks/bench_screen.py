"""Screening speed and memory, measured (never a timed test).

1. Raw pose-model throughput on the sample clip: decode every frame and run MediaPipe BlazePose
   (complexity 1, video mode) on the full frame, nothing else. This is the baseline.
2. End-to-end ``glutefire screen`` throughput on the same clip in the same run: subject
   selection, pose, cleaning, kinematics, reps, findings, JSON; then again with every output
   (per-rep CSV, keypoint CSV, annotated video, keyframes).
3. Peak memory (max RSS) of screening a long clip (the sample looped to N minutes, written at
   half resolution) against a 1-minute loop, each in a fresh process: flat means streaming works.

Usage: python benchmarks/bench_screen.py [--clip PATH] [--long-minutes 5] [--skip-memory]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "samples" / "squat_3q_pexels_6980032.mp4"


def raw_pose_fps(clip: Path) -> tuple[float, int]:
    """Decode + BlazePose on every full frame, sequentially."""
    import cv2

    from glutefire.pose.mediapipe_backend import MediaPipePose

    cap = cv2.VideoCapture(str(clip))
    n = 0
    with MediaPipePose() as pose:
        start = time.perf_counter()
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            pose.estimate(frame)
            n += 1
        elapsed = time.perf_counter() - start
    cap.release()
    return n / elapsed, n


def screen_fps(clip: Path, *, outputs: bool) -> float:
    """End-to-end screening of ``clip`` through ``screen_session`` (as ``glutefire screen``);
    with ``outputs`` also writes every file of ``--out``."""
    from glutefire.reports.outputs import folder_outputs, reps_table
    from glutefire.screening.pipeline import ClipInput
    from glutefire.screening.session import SessionOptions, screen_session

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        session = screen_session(
            [ClipInput(clip)], options=SessionOptions(previews=outputs),
            json_paths=[out / "result.json"],
            result_files=[reps_table(out)] if outputs else [],
            outputs=[folder_outputs(out, video=True)] if outputs else [])
        return len(session.screens[0].analysis.frames) / (time.perf_counter() - start)


def looped_clip(src: Path, minutes: float, dst: Path) -> Path:
    """The clip looped (forwards) to ``minutes`` long, at half resolution."""
    import cv2

    from glutefire.io.video import iter_frames, probe_video

    info = probe_video(src)
    size = (info.width_px // 2, info.height_px // 2)
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), info.fps, size)
    frames = [cv2.resize(f, size) for _, f in iter_frames(src)]
    for i in range(int(minutes * 60 * info.fps)):
        writer.write(frames[i % len(frames)])
    writer.release()
    return dst


PEAK_RSS_SNIPPET = """
import resource, sys
from pathlib import Path
from glutefire.screening.pipeline import ClipInput, screen_clip
s = screen_clip(ClipInput(Path(sys.argv[1])))
print(len(s.analysis.frames), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_rss_mb(clip: Path) -> tuple[int, int]:
    """(frames, peak RSS in MiB) of screening ``clip`` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", PEAK_RSS_SNIPPET, str(clip)], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[-2]), int(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--long-minutes", type=float, default=5.0)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    raw, n = raw_pose_fps(args.clip)
    analysis = screen_fps(args.clip, outputs=False)
    full = screen_fps(args.clip, outputs=True)
    print(f"clip: {args.clip.name}, {n} frames")
    print(f"raw pose model (decode + BlazePose, full frame): {raw:6.1f} frames/s")
    print(f"glutefire screen, analysis + JSON:              {analysis:6.1f} frames/s "
          f"ratio {analysis / raw:.2f}")
    print(f"glutefire screen, all outputs (video, CSV, PNG): {full:6.1f} frames/s "
          f"ratio {full / raw:.2f}")
    if args.skip_memory:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in (1.0, args.long_minutes):
            clip = looped_clip(args.clip, minutes, Path(tmp) / f"loop_{minutes:g}min.mp4")
            frames, rss = peak_rss_mb(clip)
            print(f"peak memory, {minutes:g}-minute clip ({frames} frames): {rss} MiB")


if __name__ == "__main__":
    main()
