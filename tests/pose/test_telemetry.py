"""MediaPipe's usage uploader is kept on the machine (google-ai-edge/mediapipe#6291)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest

from glutefire.pose.telemetry import BLACKHOLE_PROXY, block_mediapipe_telemetry

CREATE_MODEL = textwrap.dedent("""
    import sys, time
    import numpy as np
    from glutefire.pose import telemetry
    telemetry.BLACKHOLE_PROXY = sys.argv[1]
    from glutefire.pose.mediapipe_backend import MediaPipePose
    pose = MediaPipePose(static_image=True)
    pose.estimate(np.zeros((256, 256, 3), np.uint8))
    pose.close()  # the uploader flushes when a task closes
    time.sleep(60)
""")


def test_block_sets_proxy_and_drops_exemptions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "localhost,*,.googleapis.com,example.org")
    monkeypatch.setenv("NO_PROXY", "googleapis.com")
    monkeypatch.setenv("https_proxy", "http://corporate:3128")
    block_mediapipe_telemetry()
    assert os.environ["https_proxy"] == BLACKHOLE_PROXY
    assert os.environ["no_proxy"] == "localhost,example.org"
    assert os.environ["NO_PROXY"] == ""


@pytest.mark.slow
def test_uploader_goes_to_our_proxy_not_to_google() -> None:
    """A real model in a fresh process: the uploader's request (sent when the task closes)
    arrives at the proxy we set (a listening socket here, a closed port in use), asking for
    Google's host."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(45)
    port = listener.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "https_proxy")}
    child = subprocess.Popen(
        [sys.executable, "-c", CREATE_MODEL, f"http://127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        conn, _ = listener.accept()
        request = conn.recv(200)
        conn.close()
    finally:
        child.kill()
        child.wait()
        listener.close()
    assert request.startswith(b"CONNECT play.googleapis.com:443")
