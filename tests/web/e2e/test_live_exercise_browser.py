"""Live mirror mode for an exercise in headless Chromium: the trainer opens the live page, picks
"Glute bridge", starts the fake camera playing the bridge sample (2 reps, looped) and sees the
rep count rise; the squat-only save button stays off, and a plank shows a hold timer instead."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import BRIDGE
from tests.web.e2e.conftest import camera_browser, sign_up_and_add_client

pytestmark = pytest.mark.slow


def test_trainer_picks_glute_bridge_and_sees_the_rep_count(server, playwright, tmp_path):
    browser = camera_browser(playwright, BRIDGE, tmp_path, seconds=7.0)
    try:
        page = browser.new_page()
        sign_up_and_add_client(page, server)
        page.goto(page.url + "/live?pose=server")
        expect(page.locator("#live-exercise")).to_have_value("squat")  # the default
        page.select_option("#live-exercise", label="Glute bridge")
        page.click("#live-start")
        expect(page.locator("#live-status")).to_have_text("Live: Glute bridge.", timeout=60_000)
        expect(page.locator("#live-count-label")).to_have_text("Reps", timeout=60_000)
        expect(page.locator("#live-reps")).to_have_text(
            re.compile(r"^([1-9]|\d{2,})$"), timeout=120_000
        )
        expect(page.locator("#live-save")).to_be_disabled()  # only a squat set is saved
        assert page.locator("#live-advice").text_content() == ""  # a side view fits a bridge
        page.select_option("#live-exercise", "forearm_plank")
        expect(page.locator("#live-status")).to_have_text("Live: Forearm plank.", timeout=30_000)
        expect(page.locator("#live-count-label")).to_have_text("Hold (s)", timeout=30_000)
    finally:
        browser.close()
