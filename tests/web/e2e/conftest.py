"""End-to-end fixtures: the real app (real pose pipeline) served by uvicorn on a free local port
in a background thread, and Debian's headless Chromium driven by Playwright.

Without ``/usr/bin/chromium`` the tests are skipped locally but FAIL when ``CI`` is set.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from webtools import make_settings

CHROMIUM = os.environ.get("GLUTEFIRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free local port in a background thread; yield its URL."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    from glutefire.web.app import create_app

    with serve(create_app(make_settings(tmp_path))) as url:
        yield url


def launch_browser(playwright, extra_args: list[str] | None = None):
    _require_chromium()
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + (extra_args or [])
    )


def camera_browser(playwright, clip: Path, folder: Path, *, seconds: float):
    """Chromium whose fake camera plays the first ``seconds`` of ``clip`` (written as Y4M into
    ``folder``), with camera permission granted."""
    from tests.web.e2e.y4m import write_y4m

    y4m = write_y4m(clip, folder / f"{clip.stem}.y4m", seconds=seconds)
    return launch_browser(
        playwright,
        [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
        ],
    )


def sign_up_and_add_client(page, server: str) -> None:
    """Sign up and log in as a trainer, add a client and open their page."""
    sign_up_and_log_in(page, server)
    add_client(page, server, "Ana Client")


@pytest.fixture
def playwright() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def sign_up_and_log_in(
    page, server: str, *, name: str = "Coach Kim", email: str = "kim@example.org"
) -> None:
    """Sign up a trainer, then log in (sign-up answers alike for new and taken emails: it shows
    the login form with the email filled in)."""
    from webtools import PASSWORD

    page.goto(f"{server}/signup")
    page.fill("input[name=display_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.input_value("input[name=email]") == email
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/clients")


def add_client(page, server: str, name: str) -> str:
    """Add a client from the client list (signed in as a trainer); return their home page URL."""
    page.goto(f"{server}/clients")
    page.fill("#add-client input[name=display_name]", name)
    page.click("text=Add client")
    page.wait_for_url(re.compile(r".*/clients/\d+$"))
    return page.url
