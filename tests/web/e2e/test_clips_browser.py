"""In headless Chromium, at desktop and phone (390 px) widths: a trainer deletes a client's
clips from the client page, downloading the offered export first; the page does not overflow.
The screener is faked (the real pipeline runs in test_browser.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from conftest import SQUAT_FRONT
from tests.web.e2e.conftest import add_client, launch_browser, serve, sign_up_and_log_in
from webtools import fake_screen, make_settings

pytestmark = pytest.mark.slow
NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def fake_server(tmp_path) -> Iterator[tuple[str, object]]:
    from glutefire.web.app import create_app

    settings = make_settings(tmp_path)
    with serve(create_app(settings, screen=fake_screen)) as url:
        yield url, settings


@pytest.mark.parametrize("width", [1280, 390])
def test_trainer_deletes_clips_after_downloading_the_export(
    fake_server, playwright, tmp_path, width
):
    server, settings = fake_server
    browser = launch_browser(playwright)
    try:
        page = browser.new_page(accept_downloads=True, viewport={"width": width, "height": 800})
        sign_up_and_log_in(page, server)
        client_url = add_client(page, server, "Ana Client")
        page.set_input_files("input[name=clip]", str(SQUAT_FRONT))
        page.click("text=Upload and screen")
        page.wait_for_selector("#job-result:not([hidden])", timeout=60_000)
        assert len(list(settings.upload_dir.iterdir())) == 1

        page.goto(client_url)
        page.click("#clips-delete-link")
        page.wait_for_url(client_url + "/clips/delete")
        assert "Kept now: 1 clip file(s)" in page.inner_text("#clips-kept")
        assert page.evaluate(NO_OVERFLOW), f"the page overflows at {width} px"
        page.screenshot(path=tmp_path / f"clips-delete-{width}.png", full_page=True)
        with page.expect_download() as download:
            page.click("#export-link")
        export = tmp_path / "export.json"
        download.value.save_as(export)
        assert json.loads(export.read_text())["person"]["name"].startswith("Ana Client [web-")
        page.click("#delete-clips")
        page.wait_for_selector("#clips-deleted")
        assert "deleted 1 clip file(s)" in page.inner_text("#clips-deleted")
        assert list(settings.upload_dir.iterdir()) == []
        assert page.evaluate(NO_OVERFLOW), f"the page overflows at {width} px"
    finally:
        browser.close()
