"""Live mirror mode with the pose model in the browser (headless Chromium, fake camera playing the
front sample): the browser path counts reps and saves with no request leaving 127.0.0.1, and the
page falls back to the server path when the in-browser runtime cannot load."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from conftest import SQUAT_FRONT
from tests.web.e2e.conftest import camera_browser, sign_up_and_add_client

pytestmark = pytest.mark.slow


def _off_machine(urls: list[str]) -> list[str]:
    """The URLs that went anywhere but this machine (blob: and data: stay in the page)."""
    return [
        u
        for u in urls
        if urlparse(u).scheme not in ("blob", "data") and urlparse(u).hostname != "127.0.0.1"
    ]


def test_browser_path_counts_reps_and_saves_offline(server, playwright, tmp_path):
    browser = camera_browser(playwright, SQUAT_FRONT, tmp_path, seconds=10.0)
    try:
        page = browser.new_page()
        urls: list[str] = []
        page.on("request", lambda request: urls.append(request.url))
        page.on("websocket", lambda ws: urls.append(ws.url))
        frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(str(f))))
        sign_up_and_add_client(page, server)
        page.goto(page.url + "/live?pose=browser")
        page.click("#live-start")
        expect(page.locator("#live-path")).to_have_attribute("data-path", "browser", timeout=60_000)
        expect(page.locator("#live-path")).to_contain_text("only landmarks leave this device")
        expect(page.locator("#live-reps")).to_have_text(
            re.compile(r"^([2-9]|\d{2,})$"), timeout=120_000
        )
        assert float(page.locator("#live-fps").text_content()) > 0
        page.click("#live-save")
        page.wait_for_selector("#live-result:not([hidden])", timeout=30_000)
        page.click("#live-result")
        page.wait_for_selector("ul.findings li")
    finally:
        browser.close()
    assert any(u.endswith("/tasks-vision/wasm/vision_wasm_internal.wasm") for u in urls)
    assert any(u.endswith("/live/pose_landmarker_full.task") for u in urls)
    assert _off_machine(urls) == []
    sent = [f for f in frames if '"type":"landmarks"' in f.replace(" ", "")]
    assert sent, "the page sent no landmarks"
    assert not any(f.startswith("b'") for f in frames), "the browser path sent camera frames"


def test_page_falls_back_to_the_server_when_the_runtime_is_missing(server, playwright, tmp_path):
    browser = camera_browser(playwright, SQUAT_FRONT, tmp_path, seconds=4.0)
    try:
        page = browser.new_page()
        sign_up_and_add_client(page, server)
        page.route("**/static/vendor/tasks-vision/**", lambda route: route.fulfill(status=404))
        page.goto(page.url + "/live?pose=auto")  # browser first, server when it cannot
        page.click("#live-start")
        path = page.locator("#live-path")
        expect(path).to_have_attribute("data-path", "server", timeout=60_000)
        expect(path).to_contain_text("in-browser pose unavailable")
        expect(page.locator("#live-frames")).not_to_have_text("0", timeout=60_000)
        assert page.locator("#live-latency-label").text_content() == "round trip"
    finally:
        browser.close()
