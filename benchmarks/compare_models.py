"""Pose models side by side on real clips: speed, landmark agreement, reps and findings.

For each clip, runs ``glutefire screen`` (a fresh process, so start-up counts) with each model
(lite, full, heavy) and, if given, with a second installation (e.g. the previous pose engine:
``--baseline-python /path/to/python --baseline-src /path/to/src``), then reports per model:
wall time, frames per second, complete reps (against ``labels.json`` when the folder has one),
bottom times, finding statuses and landmark agreement with the baseline or full model (median
|difference| of the 33 landmark positions where both saw them, in % of image height).

The clips folder may hold clips that must never enter the repository (the dev clips): this script
writes only to ``--work`` (default: a temporary folder) and prints a summary.

Usage: python benchmarks/compare_models.py CLIP_OR_FOLDER... [--models lite full heavy]
       [--baseline-python PY --baseline-src SRC] [--work DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from glutefire.io.keypoint_files import read_keypoints

BASELINE = "baseline"


def clips_in(paths: list[Path]) -> list[tuple[Path, dict]]:
    """(clip, label) pairs; labels come from labels.json in the clip's folder, else are empty."""
    out = []
    for path in paths:
        folder = path if path.is_dir() else path.parent
        labels = {}
        if (folder / "labels.json").exists():
            labels = {
                c["file"]: c for c in json.loads((folder / "labels.json").read_text())["clips"]
            }
        clips = sorted(path.glob("*.mp4")) if path.is_dir() else [path]
        out += [(clip, labels.get(clip.name, {})) for clip in clips]
    return out


def screen(clip: Path, model: str, out: Path, args: argparse.Namespace) -> dict:
    """One ``glutefire screen`` process; returns its result plus wall time (or the error)."""
    out.mkdir(parents=True, exist_ok=True)
    if model == BASELINE:
        cmd = [args.baseline_python, "-c", "from glutefire.cli import main; main()"]
        env = {**os.environ, "PYTHONPATH": args.baseline_src}
        model_args: list[str] = []
    else:
        cmd = [sys.executable, "-c", "from glutefire.cli import main; main()"]
        env = dict(os.environ)
        model_args = ["--model", model]
    cmd += ["screen", str(clip), "--out", str(out), "--no-video", "-q", *model_args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall_s = time.perf_counter() - start
    if proc.returncode != 0:
        return {"error": (proc.stdout + proc.stderr).strip().splitlines()[-1:], "wall_s": wall_s}
    result = json.loads((out / "result.json").read_text())
    result["wall_s"] = wall_s
    return result


def agreement_pct(a_csv: Path, b_csv: Path) -> float | None:
    """Median |position difference| (% of image height) where both saw a landmark."""
    a, b = read_keypoints(a_csv), read_keypoints(b_csv)
    n = min(a.sizes["time"], b.sizes["time"])
    pa, pb = a["position"].values[:n], b["position"].values[:n]
    seen = (a["visibility"].values[:n] >= 0.5) & (b["visibility"].values[:n] >= 0.5)
    seen &= np.isfinite(pa).all(-1) & np.isfinite(pb).all(-1)
    dist = np.linalg.norm(pa - pb, axis=-1)[seen]
    if dist.size == 0:
        return None
    return float(np.median(dist) / a.attrs["image_height_px"] * 100.0)


def summarise(result: dict, label: dict) -> dict:
    if "error" in result:
        return {"error": result["error"], "wall_s": round(result["wall_s"], 1)}
    frames = sum(c["n_frames"] for c in result["input"])
    complete = [r for r in result["reps"] if r["complete"]]
    row = {
        "wall_s": round(result["wall_s"], 1),
        "fps_end_to_end": round(frames / result["wall_s"], 1),
        "complete_reps": len(complete),
        "bottoms_s": [round(r["bottom_s"], 2) for r in complete],
        "findings": {f["code"]: f["status"] for f in result["findings"]},
        "people_seen": result["input"][0].get("subject", {}).get("people_seen"),
    }
    if label:
        row["reps_ok"] = len(complete) in label.get("complete_reps", [])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+", type=Path)
    parser.add_argument("--models", nargs="+", default=["lite", "full", "heavy"])
    parser.add_argument("--baseline-python")
    parser.add_argument("--baseline-src")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--json", type=Path, help="write the table as JSON here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="glutefire-compare-"))
    models = args.models + ([BASELINE] if args.baseline_python else [])
    reference = BASELINE if args.baseline_python else "full"
    table = {}
    for clip, label in clips_in(args.clips):
        rows = {}
        for model in models:
            rows[model] = summarise(screen(clip, model, work / clip.stem / model, args), label)
        ref_csv = work / clip.stem / reference / "clip0_keypoints.csv"
        for model in models:
            csv = work / clip.stem / model / "clip0_keypoints.csv"
            if model != reference and csv.exists() and ref_csv.exists():
                rows[model][f"median_diff_vs_{reference}_pct_height"] = round(
                    agreement_pct(csv, ref_csv) or float("nan"), 2
                )
        table[clip.name] = {"label_reps": label.get("complete_reps"), **rows}
        print(json.dumps({clip.name: table[clip.name]}), flush=True)
    if args.json:
        args.json.write_text(json.dumps(table, indent=1))


if __name__ == "__main__":
    main()
