"""Client management as a trainer sees it: duplicate names refused with a message next to the
field, rename, archive (hidden by default, shown by the filter), search and sort, deletion only
after the typed confirmation (with the export offered first; the clips and keyframes go too),
and the home page that opens on today's session or on the red-flag stop."""

from __future__ import annotations

import json
import re

import pytest

from tests_upload_helpers import upload_sample
from webtools import RED_FLAGS, add_client, signup


@pytest.fixture
def csrf(client):
    return signup(client)


def _names(html: str) -> list[str]:
    if 'id="client-list"' not in html:
        return []
    table = html.split('id="client-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/clients/\d+">([^<]+)</a>', table)


def _questionnaire(client, csrf, cid, **extra):
    data = {
        "csrf_token": csrf,
        "sitting_hours_per_day": "9",
        "quad_dominant_percent": "70",
        "abdominal_training": "crunches_situps",
        "jump_landing": "unsure",
        "minutes_per_session": "30",
        "weeks": "6",
        **{f"flag_{flag}": "no" for flag in RED_FLAGS},
        **extra,
    }
    return client.post(f"/clients/{cid}/questionnaire", data=data, follow_redirects=False)


@pytest.mark.parametrize("again", ["ana silva", "  Ana   Silva ", "ANA SILVA"])
def test_a_duplicate_name_is_refused_with_the_typed_name_kept(client, csrf, again):
    add_client(client, csrf, "Ana Silva")
    response = client.post("/clients", data={"csrf_token": csrf, "display_name": again})
    assert response.status_code == 400
    assert "you have a client called &#39;Ana Silva&#39; already" in response.text
    assert 'id="add-client-error"' in response.text and 'aria-invalid="true"' in response.text
    assert response.text.count("already; choose another name") == 1  # next to the field only
    assert f'value="{again}"' in response.text
    assert _names(client.get("/clients").text) == ["Ana Silva"]


def test_two_trainers_may_each_have_a_client_of_the_same_name(client, csrf):
    add_client(client, csrf, "Ana Silva")
    client.post("/logout", data={"csrf_token": csrf})
    other = signup(client, "other@example.org", "Other")
    add_client(client, other, "Ana Silva")


def test_rename_keeps_the_history_and_refuses_a_taken_name(client, csrf):
    ana = add_client(client, csrf, "Ana Silva")
    add_client(client, csrf, "Ben Okafor")
    upload_sample(client, csrf, ana)
    taken = client.post(
        f"/clients/{ana}/rename", data={"csrf_token": csrf, "display_name": "ben  okafor"}
    )
    assert taken.status_code == 400 and 'id="rename-error"' in taken.text
    assert "already" in taken.text and 'value="ben  okafor"' in taken.text
    client.post(f"/clients/{ana}/rename", data={"csrf_token": csrf, "display_name": "Ana Lima"})
    page = client.get(f"/clients/{ana}").text
    assert "<h1>Ana Lima" in page and page.count("/screenings/") >= 1


def test_archived_clients_are_hidden_until_the_filter_shows_them(client, csrf):
    ana = add_client(client, csrf, "Ana Silva")
    add_client(client, csrf, "Ben Okafor")
    response = client.post(
        f"/clients/{ana}/archive",
        data={"csrf_token": csrf, "archived": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _names(client.get("/clients").text) == ["Ben Okafor"]
    assert _names(client.get("/clients?show=archived").text) == ["Ana Silva"]
    assert _names(client.get("/clients?show=all").text) == ["Ana Silva", "Ben Okafor"]
    assert "archived" in client.get(f"/clients/{ana}").text  # still reachable
    client.post(f"/clients/{ana}/archive", data={"csrf_token": csrf, "archived": "no"})
    assert _names(client.get("/clients").text) == ["Ana Silva", "Ben Okafor"]


def test_search_and_sort(client, csrf):
    for name in ("Cara Diaz", "ana silva", "Ben Okafor"):
        add_client(client, csrf, name)
    ben = add_client(client, csrf, "Benedict Ames")
    assert _names(client.get("/clients").text) == [
        "ana silva",
        "Ben Okafor",
        "Benedict Ames",
        "Cara Diaz",
    ]
    assert _names(client.get("/clients?q=BEN").text) == ["Ben Okafor", "Benedict Ames"]
    assert "No client matches" in client.get("/clients?q=zed").text
    upload_sample(client, csrf, ben)
    assert _names(client.get("/clients?sort=last_screening").text)[0] == "Benedict Ames"
    assert (
        client.get("/clients?sort=shoe_size").status_code == 400
    )  # a readable page, not FastAPI's JSON


def test_delete_offers_the_export_then_needs_the_typed_name(client, csrf, settings):
    ana = add_client(client, csrf, "Ana Silva")
    keep = add_client(client, csrf, "Ben Okafor")
    job = upload_sample(client, csrf, ana)
    kept_job = upload_sample(client, csrf, keep)
    (settings.keyframe_dir / str(job["screening_id"])).mkdir(parents=True)
    (settings.keyframe_dir / str(job["screening_id"]) / "deepest.png").write_bytes(b"png")
    assert len(list(settings.upload_dir.iterdir())) == 2

    form = client.get(f"/clients/{ana}/delete").text
    assert f'href="/clients/{ana}/export.json"' in form
    assert form.index("export.json") < form.index('name="confirm_name"')
    export = client.get(f"/clients/{ana}/export.json")
    assert export.headers["content-disposition"].startswith("attachment")
    assert len(json.loads(export.text)["screenings"]) == 1

    wrong = client.post(f"/clients/{ana}/delete", data={"csrf_token": csrf, "confirm_name": "Ana"})
    assert wrong.status_code == 400 and "type the client&#39;s name" in wrong.text
    assert client.get(f"/clients/{ana}").status_code == 200

    done = client.post(
        f"/clients/{ana}/delete",
        data={"csrf_token": csrf, "confirm_name": " ana SILVA"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Deleted Ana Silva" in client.get(done.headers["location"]).text
    assert client.get(f"/clients/{ana}").status_code == 404
    assert client.get(job["result_url"]).status_code == 404
    assert not (settings.keyframe_dir / str(job["screening_id"])).exists()
    assert len(list(settings.upload_dir.iterdir())) == 1  # Ben's clip stays
    assert client.get(kept_job["result_url"]).status_code == 200
    assert _names(client.get("/clients").text) == ["Ben Okafor"]


def test_another_trainer_cannot_delete_rename_archive_or_export(client, csrf):
    ana = add_client(client, csrf, "Ana Silva")
    client.post("/logout", data={"csrf_token": csrf})
    other = signup(client, "other@example.org", "Other")
    for action, data in (
        ("delete", {"confirm_name": "Ana Silva"}),
        ("rename", {"display_name": "Mine"}),
        ("archive", {"archived": "yes"}),
    ):
        response = client.post(f"/clients/{ana}/{action}", data={"csrf_token": other, **data})
        assert response.status_code == 404, action
    assert client.get(f"/clients/{ana}/export.json").status_code == 404
    assert client.get(f"/clients/{ana}/delete").status_code == 404


def test_the_home_page_opens_on_todays_session(client, csrf):
    ana = add_client(client, csrf, "Ana Silva")
    assert "No plan yet" in client.get(f"/clients/{ana}").text
    assert _questionnaire(client, csrf, ana).status_code == 303
    page = client.get(f"/clients/{ana}").text
    today = page.split('id="today"', 1)[1].split("</section>", 1)[0]
    assert "session A" in today and "Log today's session" in today
    assert re.search(r"<li><strong>[^<]+</strong>: \d+ x \d+", today)  # an exercise and dose
    assert page.index('id="today"') < page.index("Upload a squat clip")


def test_a_red_flag_explains_the_stop_on_the_home_and_session_pages(client, csrf):
    ana = add_client(client, csrf, "Ana Silva")
    _questionnaire(client, csrf, ana, flag_pain_at_night="yes")
    for url in (f"/clients/{ana}", f"/clients/{ana}/sessions/new"):
        page = client.get(url).text
        assert 'id="plan-stopped"' in page, url
        assert "see a clinician first" in page
        assert "pain at night that does not ease with a change of position" in page
        assert "build a plan first" not in page


def test_a_plan_that_starts_later_shows_its_first_session_date(client, csrf):
    import datetime as dt

    ana = add_client(client, csrf, "Ana Silva")
    start = dt.date.today() + dt.timedelta(days=9)
    _questionnaire(client, csrf, ana, start_date=start.isoformat())
    today = client.get(f"/clients/{ana}").text.split('id="today"', 1)[1]
    assert f"First session, {start.strftime('%A %d %B')}: session A" in today


def test_a_rest_day_shows_as_rest_with_the_next_training_day_and_can_still_be_logged(client, csrf):
    """Two sessions a week (plan days 1 and 4), started 5 days ago: today (and the day either
    side, whatever the clock's time zone) is a rest day; the next training day is a week after
    the start."""
    import datetime as dt

    ana = add_client(client, csrf, "Ana Silva")
    start = dt.date.today() - dt.timedelta(days=5)
    _questionnaire(client, csrf, ana, start_date=start.isoformat(), sessions_per_week="2")
    page = client.get(f"/clients/{ana}").text
    today = page.split('id="today"', 1)[1].split("</section>", 1)[0]
    assert "rest day" in today and "Log today's session" not in today
    following = start + dt.timedelta(days=7)
    assert f"Next training day: {following.strftime('%A %d %B')}, session A:" in today
    assert re.search(r"<li><strong>[^<]+</strong>: \d+ x \d+", today)  # its exercises
    assert 'id="log-anyway"' in today

    form = client.get(f"/clients/{ana}/sessions/new").text
    assert 'id="rest-day"' in form and following.strftime("%A %d %B") in form
    assert "Session A." in form
    logged = client.post(
        f"/clients/{ana}/sessions",
        data={"csrf_token": csrf, "pain": "1", "effort": "6"},
        follow_redirects=False,
    )
    assert logged.status_code == 303, logged.text
    today = client.get(f"/clients/{ana}").text.split('id="today"', 1)[1].split("</section>", 1)[0]
    assert "rest day" in today and "Already logged today: session A" in today
    assert today.index("Already logged today: session A.") < today.index("Next training day")
    assert f"Next training day: {following.strftime('%A %d %B')}, session B:" in today
