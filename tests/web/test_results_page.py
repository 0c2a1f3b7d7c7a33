"""The results page reads as a trainer expects: a negative value with one minus sign and its
threshold, per-rep columns in words with units, references to the evidence notes cited by
section title, and the deepest-rep keyframe captioned when nothing is present."""

from __future__ import annotations

import re

from conftest import screening_result
from glutefire.reports.citations import cite_in_words
from glutefire.result import FindingCode, Status
from glutefire.screening.session import ScreenedSession, save_session
from results import make_finding, make_screening
from tests_upload_helpers import upload_sample
from webtools import add_client, signup


def _screen_with(result):
    def screen(clips, on_frame, keyframes, store):  # matches ScreenFn
        on_frame(0)
        return save_session(ScreenedSession(result, []), store=store)

    return screen


def _visible(html: str) -> str:
    main = html.split("<main>", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_a_negative_value_has_one_minus_sign_and_its_threshold(client):
    client.app.state.jobs._screen = _screen_with(screening_result(-24.65))
    csrf = signup(client)
    job = upload_sample(client, csrf, add_client(client, csrf))
    text = _visible(client.get(job["result_url"]).text)
    assert "- -" not in text and "--" not in text
    shown = r"Knees cave in : absent ?, measured -24\.[67] deg \(threshold 10\.0 deg\)"
    assert re.search(shown, text)


def test_per_rep_columns_are_words_with_units(client):
    csrf = signup(client)
    job = upload_sample(client, csrf, add_client(client, csrf))
    html = client.get(job["result_url"]).text
    headers = re.findall(r'<th scope="col" title="([a-z_]+)">([^<]+)</th>', html)
    shown = dict(headers)
    assert shown["start_s"] == "Start (s)" and shown["complete"] == "Complete"
    assert shown["knee_fppa_left_deg"] == "Knee inward angle (FPPA), left (deg)"
    assert shown["kasr"] == "Knee gap / ankle gap (ratio)"
    assert shown["trunk_lean_deg"] == "Trunk lean from vertical (deg)"
    row = html.split("<tbody>", 1)[1]
    assert 'data-label="Knee inward angle (FPPA), left (deg)">13.5<' in row  # 14.0 - 0.5


def test_evidence_notes_are_cited_by_section_title(client):
    lumbar = make_finding(
        FindingCode.LOW_BACK_ARCHES,
        Status.NOT_ASSESSABLE,
        reason="no landmarks on the lumbar spine; judge it by eye (evidence.md §2.5).",
    )
    client.app.state.jobs._screen = _screen_with(make_screening(findings=[lumbar]))
    csrf = signup(client)
    job = upload_sample(client, csrf, add_client(client, csrf))
    text = _visible(client.get(job["result_url"]).text)
    assert "evidence.md §" not in text
    assert "(docs/evidence.md) §2.5 Anterior pelvic tilt" in text


def test_citations_in_words_keep_every_section():
    assert cite_in_words("see evidence.md §1.1, §2.5; more") == (
        "see glutefire evidence notes (docs/evidence.md) §1.1 Overhead squat assessment (NASM); "
        "§2.5 Anterior pelvic tilt; more"
    )
    assert cite_in_words("no reference here") == "no reference here"


def test_the_deepest_rep_keyframe_is_shown_with_a_caption(client, settings):
    csrf = signup(client)
    cid = add_client(client, csrf)
    job = upload_sample(client, csrf, cid)
    folder = settings.keyframe_dir / str(job["screening_id"])
    folder.mkdir(parents=True)
    (folder / "deepest.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    html = client.get(job["result_url"]).text
    assert "Deepest point of the squat (no pattern present)" in html
    url = f"/clients/{cid}/screenings/{job['screening_id']}/keyframes/deepest.png"
    assert f'src="{url}"' in html and client.get(url).status_code == 200
