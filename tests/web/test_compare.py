"""Two screenings side by side: dates, key numbers with units, the verdict per finding against
the smallest detectable difference (the same comparison as ``glutefire progress``), keyframes of
both, either order, and only the trainer's own client's screenings."""

from __future__ import annotations

import re

from conftest import screening_result
from glutefire.screening.session import ScreenedSession, save_session
from tests_upload_helpers import upload_sample
from webtools import add_client, signup


def _screen_with(fppa_left_deg: float):
    def screen(clips, on_frame, keyframes, store):  # matches ScreenFn
        session = save_session(ScreenedSession(screening_result(fppa_left_deg), []), store=store)
        keyframes.mkdir(parents=True, exist_ok=True)
        if fppa_left_deg > 10:
            (keyframes / "knees_cave_in.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
        return session

    return screen


def _two_screenings(client, csrf, cid, first: float, second: float) -> tuple[int, int]:
    ids = []
    for value in (first, second):
        client.app.state.jobs._screen = _screen_with(value)
        job = upload_sample(client, csrf, cid)
        assert job["status"] == "done", job
        ids.append(job["screening_id"])
    return ids[0], ids[1]


def _row(html: str, key: str) -> str:
    match = re.search(rf'<tr class="[^"]*" data-key="{key}">(.*?)</tr>', html, re.S)
    assert match, f"no row {key}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_a_re_screen_is_compared_finding_by_finding(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    earlier, later = _two_screenings(client, csrf, cid, 16.0, 6.0)
    page = client.get(f"/clients/{cid}/compare")  # default: the two latest
    assert page.status_code == 200
    row = " ".join(_row(page.text, "knees_cave_in_left").split())
    assert "16.0 deg" in row and "6.0 deg" in row and "-10.0 deg" in row and "better" in row
    assert 'class="verdict-better"' in page.text
    assert "knees cave in" in page.text  # present before, listed in the dates table
    pair = re.search(r'<div class="pair" data-code="knees_cave_in">(.*?)</div>', page.text, re.S)
    assert pair and f"/screenings/{earlier}/keyframes/knees_cave_in.png" in pair.group(1)
    assert "not present now: no keyframe" in pair.group(1)
    swapped = client.get(f"/clients/{cid}/compare?a={later}&b={earlier}")
    assert _row(swapped.text, "knees_cave_in_left") == _row(page.text, "knees_cave_in_left")


def test_a_change_inside_the_noise_is_no_real_change(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    _two_screenings(client, csrf, cid, 12.0, 13.0)
    row = _row(client.get(f"/clients/{cid}/compare").text, "knees_cave_in_left")
    assert "no real change" in row and "+1.0 deg" in row


def test_compare_needs_two_of_the_clients_own_screenings(client):
    csrf = signup(client)
    cid = add_client(client, csrf)
    assert "upload a re-screen" in client.get(f"/clients/{cid}/compare").text
    earlier, later = _two_screenings(client, csrf, cid, 16.0, 6.0)
    assert client.get(f"/clients/{cid}/compare?a={earlier}&b={earlier}").status_code == 422
    other = add_client(client, csrf, name="Bo")
    client.app.state.jobs._screen = _screen_with(9.0)
    upload_sample(client, csrf, other)
    assert client.get(f"/clients/{other}/compare?a={earlier}&b={later}").status_code == 404
    assert client.get(f"/clients/{cid}/compare?a={earlier}&b=999").status_code == 404
