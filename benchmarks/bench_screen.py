"""Screening speed and memory, measured (never a timed test).

1. Raw pose-model throughput: decode every frame and run MediaPipe BlazePose (the chosen model,
   video mode, as glutefire configures it) on the full frame, nothing else, in this process after
   the model is loaded. This is the baseline.
2. What a user waits for: ``glutefire screen`` as a fresh process, timed from process start to
   exit (imports, model load, pose, analysis, outputs written), in two modes: ``--json`` only,
   and ``--out`` (JSON, per-rep CSV, keypoint CSV, annotated video, keyframes).
3. Start-up alone: the imports ``glutefire screen`` needs (``glutefire.cli`` imports a command's
   module only when it runs) plus loading the model, in a fresh process.

Each timed run also reports CPU seconds (all threads; for ``screen`` the child process), and a
ratio of frames per CPU second against the baseline's: on a machine shared with other jobs the
wall-clock ratio swings with their load, the CPU ratio much less.
4. Peak memory (max RSS) of screening a long clip (the sample looped to N minutes, written at
   half resolution) against a 1-minute loop, each in a fresh process: flat means streaming works.

The clip is the 3/4 sample looped ``--loops`` times (default 3: 936 frames) at full resolution.

Usage: python benchmarks/bench_screen.py [--clip PATH] [--loops 3] [--model full]
       [--long-minutes 5] [--skip-memory]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "samples" / "squat_3q_pexels_6980032.mp4"
CLI = "from glutefire.cli import main; main()"


def children_cpu_s() -> float:
    """CPU seconds (user + system, all threads) used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raw_pose_fps(clip: Path, model: str) -> tuple[float, float, int]:
    """(frames per wall second, frames per CPU second, frames): decode + BlazePose on every full
    frame, sequentially (model already loaded). CPU time counts all of this process's threads."""
    import cv2

    from glutefire.pose.mediapipe_backend import MediaPipePose

    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    n = 0
    with MediaPipePose(model=model) as pose:
        start, cpu_start = time.perf_counter(), time.process_time()
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            pose.estimate_all(frame, timestamp_ms=round(1000.0 * n / fps))
            n += 1
        elapsed, cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    cap.release()
    return n / elapsed, n / cpu_s, n


def screen_wall_s(clip: Path, model: str, *, outputs: bool) -> tuple[float, float]:
    """(wall, CPU) seconds from starting ``glutefire screen`` to its exit, start-up included;
    ``outputs``: with ``--out``. CPU seconds do not grow when other jobs share the machine."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        args = ["--out", str(out / "out")] if outputs else ["--json", str(out / "r.json")]
        start, cpu_start = time.perf_counter(), children_cpu_s()
        subprocess.run(
            [sys.executable, "-c", CLI, "screen", str(clip), "--model", model, "-q", *args],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start, children_cpu_s() - cpu_start


STARTUP_SNIPPET = """
import time, sys
t0 = time.perf_counter()
import glutefire.cli.screen
t1 = time.perf_counter()
from glutefire.screening.pipeline import make_pose_models
models = make_pose_models(sys.argv[1])
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def startup_s(model: str) -> tuple[float, float, float]:
    """(process total, imports, model load) seconds of a fresh process that loads the model."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", STARTUP_SNIPPET, model], check=True, capture_output=True, text=True
    ).stdout.split()
    return time.perf_counter() - start, float(out[-2]), float(out[-1])


def looped_clip(
    src: Path, dst: Path, *, minutes: float | None = None, loops: int = 1, scale: float = 0.5
) -> Path:
    """The clip looped (forwards) ``loops`` times or to ``minutes`` long, resized by ``scale``."""
    import cv2

    from glutefire.io.video import iter_frames, probe_video

    info = probe_video(src)
    size = (round(info.width_px * scale), round(info.height_px * scale))
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), info.fps, size)
    frames = [cv2.resize(f, size) if scale != 1 else f for _, f in iter_frames(src)]
    total = int(minutes * 60 * info.fps) if minutes is not None else loops * len(frames)
    for i in range(total):
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
    out = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_SNIPPET, str(clip)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[-2]), int(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--loops", type=int, default=3)
    parser.add_argument("--model", default="full", choices=["lite", "full", "heavy"])
    parser.add_argument("--long-minutes", type=float, default=5.0)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = looped_clip(args.clip, Path(tmp) / "looped.mp4", loops=args.loops, scale=1.0)
        raw, raw_cpu, n = raw_pose_fps(clip, args.model)
        json_s = screen_wall_s(clip, args.model, outputs=False)
        out_s = screen_wall_s(clip, args.model, outputs=True)
    total_s, import_s, load_s = startup_s(args.model)
    print(f"clip: {args.clip.name} looped {args.loops}x, {n} frames; model {args.model}")
    print(
        f"raw pose model (decode + BlazePose, full frame): {raw:6.1f} frames/s, "
        f"{raw_cpu:6.1f} frames per CPU second"
    )
    print(
        f"start-up (fresh process): {total_s:.2f} s ({import_s:.2f} s imports, "
        f"{load_s:.2f} s model load)"
    )
    for label, (wall, cpu) in (("--json only", json_s), ("--out (all outputs)", out_s)):
        fps = n / wall
        print(
            f"glutefire screen {label:<20} {wall:6.1f} s end to end, {fps:6.1f} frames/s, "
            f"ratio {fps / raw:.2f}; CPU {cpu:6.1f} s, ratio {n / cpu / raw_cpu:.2f}"
        )
    if args.skip_memory:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in (1.0, args.long_minutes):
            clip = looped_clip(args.clip, Path(tmp) / f"loop_{minutes:g}min.mp4", minutes=minutes)
            frames, rss = peak_rss_mb(clip)
            print(f"peak memory, {minutes:g}-minute clip ({frames} frames): {rss} MiB")


if __name__ == "__main__":
    main()
