"""Batch throughput: N copies of a short clip screened with 1 and with 2 workers (local pool).

Prints clips per second for each, the speed-up (goal: >= 1.8 with 2 workers on a 2-core
machine) and the peak resident memory of a worker (VmHWM of the largest worker process, from
``getrusage(RUSAGE_CHILDREN)`` in a fresh process per configuration). Not a test: timings vary.

    python benchmarks/bench_batch.py [--clips 12] [--seconds 3] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "squat_front_pexels_5034577.mp4"


def make_clips(folder: Path, n: int, seconds: float) -> Path:
    """``n`` copies of the first ``seconds`` of the front sample (a folder batch)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from clips import derive_clip

    first = derive_clip(SAMPLE, folder / "clip00.mp4", stop_s=seconds)
    for i in range(1, n):
        (folder / f"clip{i:02d}.mp4").write_bytes(first.read_bytes())
    return folder


def run_one(clips: Path, workers: int) -> dict[str, float]:
    """Screen the folder with ``workers`` processes; time and peak worker memory."""
    from glutefire.batch.manifest import read_batch_input
    from glutefire.batch.run import BatchOptions, run_batch

    assessments = read_batch_input(clips)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        outcomes = run_batch(
            assessments, BatchOptions(out=Path(out), workers=workers, resume=False)
        )
        elapsed = time.perf_counter() - started
    failed = [o.error for o in outcomes if o.status != "screened"]
    if failed:
        raise SystemExit(f"benchmark clips failed: {failed[:2]}")
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "workers": workers,
        "clips": len(assessments),
        "elapsed_s": round(elapsed, 2),
        "clips_per_s": round(len(assessments) / elapsed, 3),
        "peak_rss_per_worker_mib": round(peak_mib, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--run-one", nargs=2, metavar=("FOLDER", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        print(json.dumps(run_one(Path(args.run_one[0]), int(args.run_one[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        clips = make_clips(Path(tmp), args.clips, args.seconds)
        rows = [_measure(clips, w) for w in args.workers]
    base = rows[0]["clips_per_s"]
    for row in rows:
        row["speedup"] = round(row["clips_per_s"] / base, 2)
        print(json.dumps(row))


def _measure(clips: Path, workers: int) -> dict[str, float]:
    """One configuration in a fresh interpreter, so its children's peak memory is its own."""
    done = subprocess.run(
        [sys.executable, __file__, "--run-one", str(clips), str(workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
