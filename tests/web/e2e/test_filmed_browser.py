"""A filmed set in headless Chromium, on a desktop and on a 390 px phone: the trainer picks the
bridge sample in the session form's "film it" field, saves the session, and sees the measured
reps next to the plan's target on the progress page and the form checks on the filmed set's
page (real pose pipeline; no page wider than the window)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.e2e.conftest import add_client, launch_browser, sign_up_and_log_in
from tests.web.e2e.test_trainer_week import DESKTOP, PHONE, Shots, _build_plan

pytestmark = pytest.mark.slow
BRIDGE = Path(__file__).resolve().parents[3] / "samples" / "glute_bridge_side_pexels_6525487.mp4"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_a_filmed_bridge_shows_measured_reps_next_to_the_target(
    server, playwright, tmp_path, viewport
):
    browser = launch_browser(playwright)
    page = browser.new_page(viewport=viewport)
    shots = Shots(tmp_path / f"shots-{viewport['width']}")
    try:
        sign_up_and_log_in(page, server)
        client_url = add_client(page, server, "Ana")
        _build_plan(page, client_url)
        page.goto(client_url + "/sessions/new")
        row = page.locator("fieldset.done-row[data-exercise=glute_bridge]")
        target = re.search(r"planned \d+ x (\d+)", row.locator("legend").inner_text())
        assert target is not None
        shots.check(page, "session-form")
        page.set_input_files("input[name=clip_glute_bridge]", str(BRIDGE))
        page.fill("textarea[name=notes]", "bridges filmed")
        with page.expect_navigation(url=client_url + "/progress", timeout=240_000):
            # the clip is checked while the request waits: no 30 s click timeout
            page.click("text=Save session", no_wait_after=True)
        filmed = page.locator("#filmed-sets tbody tr").first
        assert filmed.locator("td[data-label=Measured]").inner_text() == "2 reps"
        assert filmed.locator("td[data-label=Target]").inner_text() == f"{target[1]} reps"
        shots.check(page, "progress")
        filmed.locator("a").click()
        page.wait_for_selector("#filmed-checks")
        assert "2 reps" in page.locator("#filmed-measured").inner_text()
        statuses = page.locator("#filmed-checks td[data-label=Status]").all_inner_texts()
        assert "absent" in statuses and "not assessable" in statuses
        shots.check(page, "filmed-set")
    finally:
        browser.close()
