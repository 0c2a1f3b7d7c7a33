"""Live mirror mode benchmark: 640x480 JPEG frames of a sample clip through

1. the raw pose model (``MediaPipePose`` tracking on decoded frames): the ceiling;
2. the live analyser directly (``LiveSession.process_jpeg``: decode + pose + rep count + cue);
3. the real server over a WebSocket (uvicorn on 127.0.0.1, logged-in session), lock-step (one
   frame in flight: pure latency) and pipelined (two in flight, as the browser page sends).

Reports latency percentiles (frame sent -> reply received), sustained frames per second, and
the ratio to raw pose throughput. Targets (issue #5): cues within 150 ms at 640x480, >= 15 fps.

    PYTHONPATH=src python benchmarks/bench_live.py [--seconds 10] [--json out.json]

A measurement, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from glutefire.io.video import letterbox

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "samples" / "squat_front_pexels_5034577.mp4"
W, H = 640, 480


def load_frames(seconds: float) -> tuple[list[np.ndarray], list[bytes], float]:
    cap = cv2.VideoCapture(str(CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    images, jpegs = [], []
    while len(images) < int(seconds * fps):
        ok, frame = cap.read()
        if not ok:
            break
        image = letterbox(frame, W, H)
        images.append(image)
        jpegs.append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes())
    cap.release()
    return images, jpegs, fps


def stats(latencies_s: list[float], wall_s: float) -> dict[str, float]:
    ms = np.asarray(latencies_s) * 1000
    return {
        "frames": len(ms),
        "fps": round(len(ms) / wall_s, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p90_ms": round(float(np.percentile(ms, 90)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "max_ms": round(float(ms.max()), 1),
    }


def bench_raw(images: list[np.ndarray]) -> dict[str, float]:
    from glutefire.pose.mediapipe_backend import MediaPipePose

    with MediaPipePose() as pose:
        pose.estimate(images[0])  # warm-up
        pose.reset()
        lat = []
        start = time.perf_counter()
        for image in images:
            t = time.perf_counter()
            pose.estimate(image)
            lat.append(time.perf_counter() - t)
        return stats(lat, time.perf_counter() - start)


def bench_direct(jpegs: list[bytes], fps: float) -> tuple[dict[str, float], int]:
    from glutefire.pose.mediapipe_backend import MediaPipePose
    from glutefire.web.live import LiveSession

    with MediaPipePose() as pose:
        session = LiveSession(pose)
        session.process_jpeg(jpegs[0], 0.0)
        session.reset()
        lat = []
        start = time.perf_counter()
        for i, jpeg in enumerate(jpegs):
            t = time.perf_counter()
            reply = session.process_jpeg(jpeg, i * 1000 / fps)
            lat.append(time.perf_counter() - t)
        return stats(lat, time.perf_counter() - start), reply["reps"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path) -> tuple[str, object]:
    import uvicorn

    from glutefire.web.app import create_app
    from glutefire.web.settings import load_settings

    settings = load_settings(
        database_url=f"sqlite:///{folder / 'bench.sqlite3'}", data_dir=folder, environ={}
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"127.0.0.1:{port}", server


def login(host: str) -> tuple[str, int]:
    import httpx

    with httpx.Client(base_url=f"http://{host}", follow_redirects=True) as http:
        token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/signup").text)[1]
        page = http.post(
            "/signup",
            data={
                "csrf_token": token,
                "email": "bench@example.org",
                "password": "benchmark password",
                "display_name": "Bench",
            },
        )
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        page = http.post("/clients", data={"csrf_token": csrf, "display_name": "Bench client"})
        client_id = int(page.url.path.rsplit("/", 1)[1])
        return http.cookies["gf_session"], client_id


def bench_socket(
    host: str, cookie: str, client_id: int, jpegs: list[bytes], fps: float, in_flight: int
) -> tuple[dict[str, float], int]:
    from websockets.sync.client import connect

    url = f"ws://{host}/clients/{client_id}/live/ws"
    with connect(url, additional_headers={"Cookie": f"gf_session={cookie}"}, max_size=None) as ws:
        ws.send(struct.pack("<d", 0.0) + jpegs[0])  # warm-up (model start-up)
        json.loads(ws.recv())
        ws.send(json.dumps({"type": "reset"}))
        json.loads(ws.recv())
        sent: dict[int, float] = {}
        lat: list[float] = []
        reps = 0
        nxt = 0
        start = time.perf_counter()
        while len(lat) < len(jpegs):
            while nxt < len(jpegs) and len(sent) < in_flight:
                sent[nxt] = time.perf_counter()
                ws.send(struct.pack("<d", nxt * 1000 / fps) + jpegs[nxt])
                nxt += 1
            reply = json.loads(ws.recv())
            done = min(sent)
            lat.append(time.perf_counter() - sent.pop(done))
            reps = reply.get("reps", reps)
        return stats(lat, time.perf_counter() - start), reps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    images, jpegs, fps = load_frames(args.seconds)
    report: dict[str, object] = {"clip": CLIP.name, "size": f"{W}x{H}", "cpu_count": os.cpu_count()}
    report["raw_pose"] = bench_raw(images)
    report["live_direct"], report["reps_direct"] = bench_direct(jpegs, fps)
    with tempfile.TemporaryDirectory() as tmp:
        host, server = start_server(Path(tmp))
        cookie, client_id = login(host)
        report["websocket_lockstep"], _ = bench_socket(host, cookie, client_id, jpegs, fps, 1)
        report["websocket_pipelined"], report["reps_websocket"] = bench_socket(
            host, cookie, client_id, jpegs, fps, 2
        )
        server.should_exit = True
    raw = report["raw_pose"]["fps"]
    for key in ("live_direct", "websocket_lockstep", "websocket_pipelined"):
        report[key]["ratio_to_raw_fps"] = round(report[key]["fps"] / raw, 2)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
