"""Live mirror mode benchmark: 640x480 JPEG frames of a sample clip through

1. the raw pose model (``MediaPipePose`` tracking on decoded frames): the ceiling;
2. the live analyser directly (``LiveSession.process_jpeg``: decode + pose + rep count + cue);
3. the real server over a WebSocket (uvicorn on 127.0.0.1, logged-in session), lock-step (one
   frame in flight: pure latency) and pipelined (two in flight, as the browser page sends);
4. the live page itself, both pose paths one after the other (``--paths``): headless Chromium
   with the fake camera playing the clip against a real ``glutefire serve`` on this machine. The
   browser path runs the model in the page and sends landmarks; the server path sends JPEGs.
   For each: frames/s shown, per-frame latency (browser: detection in the page; server: round
   trip), and the server process's CPU seconds per frame it answered; then browser/server ratios.

Reports latency percentiles (frame sent -> reply received), sustained frames per second, and
the ratio to raw pose throughput. Targets (issue #5): cues within 150 ms at 640x480, >= 15 fps.

    PYTHONPATH=src python benchmarks/bench_live.py [--seconds 10] [--json out.json]
    PYTHONPATH=src python benchmarks/bench_live.py --paths-only --seconds 20   # part 4 only

A measurement, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import struct
import subprocess
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
PASSWORD = "benchmark password"
CHROMIUM = os.environ.get("GLUTEFIRE_CHROMIUM", "/usr/bin/chromium")


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

    with httpx.Client(base_url=f"http://{host}", follow_redirects=True, timeout=120) as http:
        token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/signup").text)[1]
        page = http.post(
            "/signup",
            data={
                "csrf_token": token,
                "email": "bench@example.org",
                "password": PASSWORD,
                "display_name": "Bench",
            },
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]  # the login form
        page = http.post(
            "/login",
            data={"csrf_token": token, "email": "bench@example.org", "password": PASSWORD},
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


def _tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total = {pid}, 0.0
    for child, (parent, _) in sorted(stats.items()):
        if parent in tree:
            tree.add(child)
    for member in tree:
        total += stats.get(member, (0, 0.0))[1]
    return total


def start_serve(folder: Path) -> tuple[str, subprocess.Popen]:
    """``glutefire serve`` in its own process (so its CPU time can be read apart)."""
    port = _free_port()
    command = [
        *(sys.executable, "-c", "from glutefire.cli import main; main()"),
        *("serve", "--port", str(port), "--db", f"sqlite:///{folder / 'paths.sqlite3'}"),
        *("--data-dir", str(folder)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300  # start-up is slow on a loaded machine
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return f"127.0.0.1:{port}", process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("error: glutefire serve did not start within 300 s")


def _page_stats(page) -> dict[str, float]:
    return page.evaluate(
        "() => ({now: performance.now(), n: glutefireLive.latencies_ms.length,"
        " replies: glutefireLive.replies, lat: glutefireLive.latencies_ms.slice(),"
        " path: glutefireLive.path, reps: Number(document.getElementById('live-reps')"
        ".textContent)})"
    )


def bench_page_path(
    browser, host: str, cookie: str, client_id: int, path: str, serve_pid: int, seconds: float
) -> dict[str, float | str]:
    """One pose path of the live page: warm up 5 s, then measure ``seconds``."""
    context = browser.new_context()
    context.add_cookies([{"name": "gf_session", "value": cookie, "url": f"http://{host}"}])
    page = context.new_page()
    page.set_default_timeout(300_000)  # a loaded machine starts slowly
    page.goto(f"http://{host}/clients/{client_id}/live?pose={path}")
    page.click("#live-start")
    page.wait_for_function(f"() => window.glutefireLive && glutefireLive.path === '{path}'")
    page.wait_for_function("() => glutefireLive.latencies_ms.length > 0", timeout=120_000)
    time.sleep(5.0)  # warm-up: model start-up, first frames
    before, cpu_before = _page_stats(page), _tree_cpu_s(serve_pid)
    time.sleep(seconds)
    after, cpu_after = _page_stats(page), _tree_cpu_s(serve_pid)
    context.close()
    wall_s = (after["now"] - before["now"]) / 1000
    lat = np.asarray(after["lat"][before["n"] : after["n"]])
    replies = after["replies"] - before["replies"]
    return {
        "path": after["path"],
        "frames": int(lat.size),
        "fps": round(lat.size / wall_s, 1),
        "latency_p50_ms": round(float(np.percentile(lat, 50)), 1),
        "latency_p90_ms": round(float(np.percentile(lat, 90)), 1),
        "server_replies": int(replies),
        "server_cpu_s_per_frame": round((cpu_after - cpu_before) / max(replies, 1), 4),
        "reps_at_end": after["reps"],
    }


def bench_paths(seconds: float) -> dict[str, object]:
    """Both pose paths of the live page in headless Chromium, against one ``glutefire serve``."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.web.e2e.y4m import write_y4m

    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        y4m = write_y4m(CLIP, Path(tmp) / "clip.y4m", seconds=10.0)
        host, serve = start_serve(Path(tmp))
        try:
            cookie, client_id = login(host)
            camera = [
                *("--no-sandbox", "--disable-gpu", "--disable-background-networking"),
                *("--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"),
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={y4m}",
            ]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=camera)
                for path in ("browser", "server"):
                    report[f"page_{path}"] = bench_page_path(
                        browser, host, cookie, client_id, path, serve.pid, seconds
                    )
                browser.close()
        finally:
            serve.terminate()
            serve.wait(timeout=30)
    here, there = report["page_browser"], report["page_server"]
    assert isinstance(here, dict) and isinstance(there, dict)
    report["browser_over_server"] = {
        key: round(here[key] / there[key], 3) if there[key] else None
        for key in ("fps", "latency_p50_ms", "latency_p90_ms", "server_cpu_s_per_frame")
    }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--paths-only", action="store_true", help="only the live page's paths")
    args = parser.parse_args()
    report: dict[str, object] = {"clip": CLIP.name, "size": f"{W}x{H}", "cpu_count": os.cpu_count()}
    report["load_avg_1min"] = round(os.getloadavg()[0], 2)
    report.update(bench_paths(args.seconds))
    if args.paths_only:
        print(json.dumps(report, indent=2))
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n")
        return 0
    images, jpegs, fps = load_frames(args.seconds)
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
