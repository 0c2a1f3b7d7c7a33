"""End-to-end in headless Chromium: the trainer's whole journey with the real pose pipeline,
and live mirror mode fed by Chromium's fake camera playing a sample clip."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import SQUAT_FRONT
from tests.web.e2e.conftest import camera_browser, launch_browser, sign_up_and_add_client
from webtools import RED_FLAGS

pytestmark = pytest.mark.slow


def test_trainer_journey(server, playwright, tmp_path):
    browser = launch_browser(playwright)
    try:
        page = browser.new_page(accept_downloads=True)
        sign_up_and_add_client(page, server)
        client_url = page.url
        page.set_input_files("input[name=clip]", str(SQUAT_FRONT))
        page.click("text=Upload and screen")
        page.wait_for_selector("#job-result:not([hidden])", timeout=120_000)
        page.click("#job-result")
        page.wait_for_selector("ul.findings li")
        assert page.locator("#reps tbody tr").count() >= 3
        assert "Pexels" in page.content()  # sample credit shown with the sample's results

        page.goto(client_url + "/questionnaire")
        for flag in RED_FLAGS:  # warning signs have no default: they must be answered
            page.check(f"input[name=flag_{flag}][value=no]")
        page.fill("input[name=minutes_per_session]", "25")
        page.click("text=Build plan")
        page.wait_for_url(client_url + "/plan")
        assert page.locator("table.plan").count() >= 1

        page.goto(client_url + "/sessions/new")
        page.fill("input[name=pain]", "2")
        page.fill("input[name=effort]", "6")
        page.click("text=Save session")
        page.wait_for_url(client_url + "/progress")
        assert page.locator("img.plot").count() >= 2

        page.goto(client_url)
        with page.expect_download() as download_info:
            page.click("#pdf-link")
        pdf = tmp_path / "report.pdf"
        download_info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
    finally:
        browser.close()


def test_live_mirror_counts_reps_from_the_fake_camera(server, playwright, tmp_path):
    browser = camera_browser(playwright, SQUAT_FRONT, tmp_path, seconds=10.0)
    try:
        page = browser.new_page()
        sign_up_and_add_client(page, server)
        page.goto(page.url + "/live?pose=server")
        page.click("#live-start")
        expect(page.locator("#live-path")).to_have_attribute("data-path", "server")
        # expect() runs outside the page's scripts, so the Content-Security-Policy stays on.
        expect(page.locator("#live-reps")).to_have_text(
            re.compile(r"^([2-9]|\d{2,})$"), timeout=90_000
        )
        fps = float(page.locator("#live-fps").text_content())
        assert fps > 0
        page.click("#live-save")
        page.wait_for_selector("#live-result:not([hidden])", timeout=30_000)
        page.click("#live-result")
        page.wait_for_selector("ul.findings li")
    finally:
        browser.close()
