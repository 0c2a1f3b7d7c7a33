"""A trainer's week with two clients in headless Chromium, at a phone's width (390 px) and at a
desktop's: adding clients (a duplicate name refused), a screening's results, the questionnaire
(plain labels, Kujala, warning signs that must be answered, pre-filled the next time), today's
session and its log, a red-flag client's stop, search, sort, archive, rename, and deletion
after the export download. Every page is checked for horizontal overflow at both widths and
saved as a screenshot (``GLUTEFIRE_SCREENSHOTS`` keeps them in a folder of your choice).

The screener reads a synthetic keypoint file instead of running the pose model (real reps,
per-rep measures and keyframes in a second); the uploaded clip is the bundled sample."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SQUAT_FRONT
from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.outputs import keyframe_outputs
from glutefire.result import ModelInfo
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import screen_session
from synthetic import SquatSpec, front_squat
from tests.web.e2e.conftest import add_client, launch_browser, serve, sign_up_and_log_in
from webtools import RED_FLAGS, make_settings

WIDTHS_PX = {"phone": 390, "desktop": 1280}


@pytest.fixture
def keypoint_server(tmp_path: Path) -> Iterator[str]:
    """The app on uvicorn, screening a synthetic clean squat whatever clip is uploaded."""
    from glutefire.web.app import create_app

    csv = tmp_path / "squat.csv"
    write_landmark_csv(front_squat(SquatSpec(fppa_deg=0.0, thigh_deg=95.0))[0], csv)

    def screen(clips, on_frame, keyframes, store):  # matches ScreenFn
        on_frame(0)
        return screen_session(
            [ClipInput(csv)],
            model=ModelInfo(name="synthetic"),
            store=store,
            outputs=[keyframe_outputs(keyframes)],
        )

    with serve(create_app(make_settings(tmp_path), screen=screen)) as url:
        yield url


#: Resolves once the page has drawn two more frames.
NEXT_FRAME_JS = (
    "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


class Widths:
    """Checks the current page at every width: no horizontal overflow of the document, and a
    full-page screenshot per width."""

    def __init__(self, page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.shots: list[Path] = []

    def check(self, name: str) -> None:
        for label, width in WIDTHS_PX.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            scroll_px, client_px = self.page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll_px <= client_px, f"{name} overflows at {width} px: {scroll_px} px wide"
            shot = self.folder / f"{len(self.shots):02d}-{name}-{label}.png"
            # a frame at the new size must be drawn first: headless Chromium may refuse to
            # capture ("Unable to capture screenshot") right after a resize
            self.page.evaluate(NEXT_FRAME_JS)
            self.page.screenshot(path=str(shot), full_page=True)
            self.shots.append(shot)
        self.page.set_viewport_size({"width": WIDTHS_PX["phone"], "height": 900})


def _answer_questionnaire(page, *, flag: str | None = None) -> None:
    for name in RED_FLAGS:
        page.check(f"input[name=flag_{name}][value={'yes' if name == flag else 'no'}]")


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GLUTEFIRE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_trainers_week_with_two_clients_on_a_phone_and_a_desktop(
    keypoint_server, playwright, screenshots, tmp_path
):
    server = keypoint_server
    browser = launch_browser(playwright)
    try:
        page = browser.new_page(
            accept_downloads=True, viewport={"width": WIDTHS_PX["phone"], "height": 900}
        )
        widths = Widths(page, screenshots)
        page.goto(f"{server}/signup")
        widths.check("signup")
        sign_up_and_log_in(page, server)

        # two clients; the second try of the first name is refused, the typed name kept
        add_client(page, server, "Ana Silva")
        ben_url = add_client(page, server, "Ben Okafor")
        page.goto(f"{server}/clients")
        page.fill("#add-client input[name=display_name]", "  ana   SILVA ")
        page.click("text=Add client")
        error = page.locator("#add-client-error")
        assert "you have a client called 'Ana Silva' already" in error.text_content()
        value = page.input_value("#add-client input[name=display_name]")
        assert value.strip() == "ana   SILVA"
        widths.check("clients-duplicate")
        page.click("#client-list a:text-is('Ana Silva')")
        page.wait_for_url(re.compile(r".*/clients/\d+$"))
        ana_url = page.url

        # a screening: results with one minus sign, plain column names, a keyframe
        assert "Fill in the questionnaire" in page.locator("#today").text_content()
        widths.check("client-new")
        page.set_input_files("input[name=clip]", str(SQUAT_FRONT))
        page.click("text=Upload and screen")
        page.wait_for_selector("#job-result:not([hidden])", timeout=60_000)
        widths.check("job")
        page.click("#job-result")
        page.wait_for_selector("ul.findings li")
        text = page.locator("main").text_content()
        assert "- -" not in text and "evidence.md §" not in text
        headers = page.locator("#reps thead th").all_text_contents()
        assert "Start (s)" in headers and "Knee inward angle (FPPA), left (deg)" in headers
        assert not [h for h in headers if re.fullmatch(r"[a-z_]+", h)]  # no raw column ids
        figure = page.locator("figure.keyframe")
        assert "Deepest point" in figure.first.text_content()
        assert page.evaluate("document.querySelector('figure.keyframe img').naturalWidth") > 100
        widths.check("results")

        # questionnaire: plain labels, Kujala answered, warning signs answered, plan built
        page.goto(ana_url + "/questionnaire")
        form_text = page.locator("#questionnaire").text_content()
        assert "Crunches or sit-ups" in form_text and "crunches_situps" not in form_text
        widths.check("questionnaire")
        page.fill("input[name=sitting_hours_per_day]", "9.5")
        page.select_option("select[name=abdominal_training]", "crunches_situps")
        page.fill("input[name=pain_knee]", "3")
        page.click("#kujala summary")
        for i in range(1, 14):
            page.select_option(f"select[name=kujala_{i}]", "b")
        page.click("text=Build plan")
        assert page.url.endswith("/questionnaire"), "the browser let warning signs go unanswered"
        _answer_questionnaire(page)
        page.click("text=Build plan")
        page.wait_for_url(ana_url + "/plan")
        widths.check("plan")

        # the home page opens on today's session; log it
        page.goto(ana_url)
        today = page.locator("#today")
        assert "Today" in today.text_content() and today.locator("li").count() >= 2
        widths.check("client-today")
        page.click("#log-today")
        page.wait_for_url(ana_url + "/sessions/new")
        widths.check("session-form")
        page.fill("input[name=pain]", "2")
        page.fill("input[name=effort]", "6")
        page.click("text=Save session")
        page.wait_for_url(ana_url + "/progress")
        widths.check("progress")
        page.goto(ana_url)
        assert "Already logged today" in page.locator("#today").text_content()

        # the questionnaire again starts from the last answers, warning signs blank
        page.goto(ana_url + "/questionnaire")
        assert page.locator("#prefilled").count() == 1
        assert page.input_value("input[name=sitting_hours_per_day]") == "9.5"
        assert page.input_value("input[name=pain_knee]") == "3"
        assert page.input_value("select[name=abdominal_training]") == "crunches_situps"
        assert page.input_value("select[name=kujala_13]") == "b"
        assert page.locator("input[name^=flag_]:checked").count() == 0
        page.goto(ana_url + "/report.html")
        assert "evidence.md §" not in page.locator("main").text_content()
        widths.check("report")
        page.goto(ana_url + "/live")
        widths.check("live")
        page.goto(ana_url)
        page.click("text=Invite client to log in")
        page.wait_for_selector("#invite-link")
        widths.check("invite")

        # Ben answers a warning sign: his pages explain the stop
        page.goto(ben_url + "/questionnaire")
        _answer_questionnaire(page, flag="numbness_or_tingling")
        page.click("text=Build plan")
        page.wait_for_url(ben_url + "/plan")
        page.goto(ben_url)
        stop = page.locator("#plan-stopped").text_content()
        assert "see a clinician first" in stop and "numbness, tingling" in stop
        widths.check("client-stopped")
        page.goto(ben_url + "/sessions/new")
        stop = page.locator("#plan-stopped").text_content()
        assert "numbness, tingling" in stop and "build a plan first" not in page.content()
        widths.check("session-stopped")

        # the list: search, sort by last session, archive, rename
        page.goto(f"{server}/clients?q=BEN")
        assert page.locator("#client-list tbody tr").all_text_contents()[0].startswith("Ben")
        assert page.locator("#client-list tbody tr").count() == 1
        page.goto(f"{server}/clients?sort=last_session")
        cells = page.locator("#client-list tbody td:first-child a").all_text_contents()
        names = [t.strip() for t in cells]
        assert names == ["Ana Silva", "Ben Okafor"]  # Ana logged a session, Ben never did
        widths.check("clients")
        page.goto(ben_url)
        page.click("#archive-client button")
        page.wait_for_url(f"{server}/clients")
        assert "Ben Okafor" not in page.locator("main").text_content().split("Add a client")[0]
        page.select_option("select[name=show]", "archived")
        page.click("text=Apply")
        assert "Ben Okafor" in page.locator("#client-list").text_content()
        page.goto(ben_url)
        page.fill("#rename-client input[name=display_name]", "ana silva")
        page.click("#rename-client button")
        assert "already" in page.locator("#rename-error").text_content()
        page.fill("#rename-client input[name=display_name]", "Benjamin Okafor")
        page.click("#rename-client button")
        page.wait_for_url(ben_url)
        assert page.locator("h1").text_content().startswith("Benjamin Okafor")

        # deletion: the export first, then the typed confirmation
        page.click("#delete-link")
        widths.check("delete")
        with page.expect_download() as download_info:
            page.click("#export-link")
        export = tmp_path / "export.json"
        download_info.value.save_as(export)
        document = json.loads(export.read_text())
        assert document["plans"] and document["intakes"]
        page.fill("input[name=confirm_name]", "Ben")
        page.click("#delete-client button")
        assert "type the client's name" in page.locator("#delete-error").text_content()
        page.fill("input[name=confirm_name]", "benjamin okafor")
        page.click("#delete-client button")
        page.wait_for_url(re.compile(r".*/clients\?deleted=.*"))
        assert "Deleted Benjamin Okafor" in page.locator(".notice").text_content()
        assert page.goto(ben_url).status == 404
        widths.check("not-found")
        page.goto(f"{server}/clients")
        page.click("text=Log out")
        page.goto(f"{server}/login")
        widths.check("login")
    finally:
        browser.close()
    assert len(widths.shots) == 2 * 19  # 19 pages at both widths
