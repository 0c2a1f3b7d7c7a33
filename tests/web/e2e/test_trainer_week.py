"""A trainer's week in headless Chromium with the real pose pipeline, on a desktop and on a
390 px phone: two clients, uploads and a re-screen compared side by side, the annotated video
playing, a plan edited, sessions logged with loads, a Strong log imported with its glute:quad
balance, and the PDF handout. Every page is screenshotted and checked for horizontal overflow
(the screenshot of the whole page must be no wider than the window)."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest

from conftest import SQUAT_FRONT
from tests.web.e2e.conftest import add_client, launch_browser, sign_up_and_log_in
from tests.web.flows import quad_heavy_week
from webtools import RED_FLAGS

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _png_width_px(path: Path) -> int:
    """Width from the PNG header (IHDR: bytes 16-19, big-endian)."""
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


class Shots:
    """Screenshots of whole pages into ``folder``; each must fit the window's width."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def check(self, page, name: str) -> None:
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        scroll_px, window_px = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_px <= window_px, f"{name}: page is {scroll_px} px wide in {window_px} px"
        assert _png_width_px(path) <= window_px, f"{name}: screenshot wider than the window"


def _upload(page, client_url: str) -> str:
    """Upload the sample clip, wait for the screening; return the results page's URL."""
    page.goto(client_url)
    page.set_input_files("input[name=clip]", str(SQUAT_FRONT))
    page.click("text=Upload and screen")
    page.wait_for_selector("#job-result:not([hidden])", timeout=240_000)
    page.click("#job-result")
    page.wait_for_selector("ul.findings li")
    return page.url


def _video_plays(page) -> None:
    """The annotated H.264 video loads and plays: readyState >= 2, a duration, time moves."""
    page.wait_for_function(
        "() => { const v = document.querySelector('video.annotated');"
        " return v && v.readyState >= 1 && v.duration > 0; }",
        timeout=30_000,
    )
    page.locator("video.annotated").first.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => { const v = document.querySelector('video.annotated');"
        " return v.readyState >= 2 && v.currentTime > 0 && !v.error; }",
        timeout=30_000,
    )


def _build_plan(page, client_url: str) -> None:
    page.goto(client_url + "/questionnaire")
    for flag in RED_FLAGS:  # warning signs have no default: each must be answered
        page.check(f"input[name=flag_{flag}][value=no]")
    page.fill("input[name=minutes_per_session]", "30")
    page.click("text=Build plan")
    page.wait_for_url(client_url + "/plan")


def _edit_plan(page, client_url: str) -> str:
    """Swap the first exercise that has a choice and shorten the sessions; return the name
    swapped in."""
    page.goto(client_url + "/plan/edit")
    selects = page.locator("select[name^=swap_]")
    for i in range(selects.count()):
        options = selects.nth(i).locator("option")
        if options.count() > 1:
            chosen = options.nth(1)
            name = chosen.inner_text().strip()
            selects.nth(i).select_option(chosen.get_attribute("value"))
            break
    else:
        raise AssertionError("no exercise could be swapped")
    page.fill("input[name=minutes_per_session]", "20")
    page.fill("input[name=sessions_per_week]", "2")
    page.click("text=Save edited plan")
    page.wait_for_url(client_url + "/plan")
    assert "up to 20 minutes each" in page.locator("#plan-summary").inner_text()
    return name


def _log_session(page, client_url: str, day: dt.date, load_kg: str) -> None:
    page.goto(client_url + "/sessions/new")
    page.fill("input[name=date]", day.isoformat())
    rows = page.locator("fieldset.done-row")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("input[name^=sets_]").fill("3")
    amount = first.locator("input[name^=reps_], input[name^=hold_]")
    amount.fill("10")
    first.locator("input[name^=load_]").fill(load_kg)
    first.locator("select[name^=unit_]").select_option("kg")
    second.locator("select[name^=unit_]").select_option("bodyweight")
    page.fill("input[name=pain]", "2")
    page.click("text=Save session")
    page.wait_for_url(client_url + "/progress")


def _import_strong(page, client_url: str, csv_path: Path) -> None:
    page.goto(client_url + "/training-log")
    page.set_input_files("input[name=log]", str(csv_path))
    page.click("text=Import workout log")
    page.wait_for_selector("#import-report")
    assert "Imported 5 set(s) from a strong export" in page.locator("#import-report").inner_text()
    assert "Quad-dominant work outweighs" in page.locator("#balance-verdict").inner_text()
    assert page.locator("#balance-plot").is_visible()


def _download_pdf(page, client_url: str, out: Path) -> None:
    page.goto(client_url)
    with page.expect_download() as download_info:
        page.click("#pdf-link")
    download_info.value.save_as(out)
    assert out.read_bytes().startswith(b"%PDF")


def _ana_week(page, server: str, shots: Shots, tmp_path: Path) -> tuple[str, str]:
    """The desktop part: Ana screened twice and compared, plan edited, sessions with loads,
    Strong import, PDF. Returns her client page and results page URLs."""
    ana = add_client(page, server, "Ana Client")
    first = _upload(page, ana)
    _video_plays(page)
    shots.check(page, "desktop-results")
    _build_plan(page, ana)
    swapped_in = _edit_plan(page, ana)
    assert swapped_in in page.content()
    shots.check(page, "desktop-plan")
    today = dt.date.today()
    _log_session(page, ana, today - dt.timedelta(days=2), "20")
    _log_session(page, ana, today, "22.5")
    logged = page.locator("#logged-sessions").inner_text()
    assert "3x10 @ 20 kg" in logged or "3x10 s @ 20 kg" in logged
    assert "22.5 kg" in logged and "bodyweight" in logged
    shots.check(page, "desktop-progress")
    csv_path = tmp_path / "strong.csv"
    csv_path.write_text(quad_heavy_week(today))
    _import_strong(page, ana, csv_path)
    shots.check(page, "desktop-training-log")
    _upload(page, ana)  # the re-screen
    page.goto(ana + "/compare")
    assert page.locator("#compare-findings tbody tr").count() >= 1
    assert page.locator(".pair").count() + page.locator("text=No keyframes").count() >= 1
    shots.check(page, "desktop-compare")
    _download_pdf(page, ana, tmp_path / "ana.pdf")
    return ana, first


def test_a_trainers_week_on_desktop_and_phone(server, playwright, tmp_path):
    shots = Shots(tmp_path / "shots")
    browser = launch_browser(playwright)
    try:
        desktop = browser.new_context(viewport=DESKTOP, accept_downloads=True)
        page = desktop.new_page()
        sign_up_and_log_in(page, server)
        ana, ana_results = _ana_week(page, server, shots, tmp_path)

        phone = browser.new_context(
            viewport=PHONE, storage_state=desktop.storage_state(), accept_downloads=True
        )
        mobile = phone.new_page()
        bo = add_client(mobile, server, "Bo Client")
        _upload(mobile, bo)
        _video_plays(mobile)
        shots.check(mobile, "phone-results")
        _build_plan(mobile, bo)
        _edit_plan(mobile, bo)
        shots.check(mobile, "phone-plan-edited")
        _log_session(mobile, bo, dt.date.today(), "15")
        assert "15 kg" in mobile.locator("#logged-sessions").inner_text()
        assert "22.5 kg" not in mobile.content()  # Ana's sessions stay on Ana's record
        shots.check(mobile, "phone-progress")
        csv_path = tmp_path / "bo-strong.csv"
        csv_path.write_text(quad_heavy_week(dt.date.today()))
        _import_strong(mobile, bo, csv_path)
        shots.check(mobile, "phone-training-log")
        _download_pdf(mobile, bo, tmp_path / "bo.pdf")
        pages = {
            "phone-clients": f"{server}/clients",
            "phone-client": ana,
            "phone-ana-results": ana_results,
            "phone-compare": ana + "/compare",
            "phone-session-form": ana + "/sessions/new",
            "phone-plan-edit": ana + "/plan/edit",
            "phone-ana-progress": ana + "/progress",
            "phone-ana-training-log": ana + "/training-log",
        }
        for name, url in pages.items():
            mobile.goto(url)
            shots.check(mobile, name)
    finally:
        browser.close()
