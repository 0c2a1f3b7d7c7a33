"""Every client route refuses another trainer's client ids (404, like an unknown id)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from glutefire.web.app import create_app
from webtools import add_client, csrf_of, fake_screen, make_settings, signup

GET_ROUTES = [
    "/clients/{id}",
    "/clients/{id}/plan",
    "/clients/{id}/progress",
    "/clients/{id}/sessions/new",
    "/clients/{id}/questionnaire",
    "/clients/{id}/report.html",
    "/clients/{id}/report.pdf",
    "/clients/{id}/live",
    "/clients/{id}/jobs/{job}",
    "/clients/{id}/jobs/{job}.json",
    "/clients/{id}/screenings/{screening}",
    "/clients/{id}/screenings/{screening}/keyframes/knees_cave_in.png",
    "/clients/{id}/export.json",
    "/clients/{id}/delete",
]
POST_ROUTES = [
    "/clients/{id}/sessions",
    "/clients/{id}/questionnaire",
    "/clients/{id}/invite",
    "/clients/{id}/uploads",
    "/clients/{id}/rename",
    "/clients/{id}/archive",
    "/clients/{id}/delete",
]


def _two_trainers(client: TestClient) -> tuple[int, dict, str]:
    """Trainer A with a client that has an upload and a screening; then log in as trainer B."""
    from tests_upload_helpers import upload_sample

    csrf_a = signup(client, "a@example.org", "A")
    owned = add_client(client, csrf_a, "Ana")
    job = upload_sample(client, csrf_a, owned)
    client.cookies.clear()
    csrf_b = signup(client, "b@example.org", "B")
    add_client(client, csrf_b, "Ben")
    return owned, job, csrf_b


@pytest.fixture
def setup(client):
    return _two_trainers(client)


@pytest.mark.parametrize("route", GET_ROUTES)
def test_other_trainers_client_is_not_found(client, setup, route):
    owned, job, _ = setup
    url = route.format(id=owned, job=job["id"], screening=job["screening_id"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("route", POST_ROUTES)
def test_other_trainers_client_cannot_be_changed(client, setup, route):
    owned, _, csrf_b = setup
    response = client.post(
        route.format(id=owned),
        data={"csrf_token": csrf_b},
        files={"clip": ("x.mp4", b"0" * 10, "video/mp4")} if route.endswith("uploads") else None,
    )
    assert response.status_code == 404


def test_other_trainers_client_live_socket_is_refused(client, setup):
    owned, _, _ = setup
    with (
        pytest.raises(WebSocketDisconnect) as info,
        client.websocket_connect(f"/clients/{owned}/live/ws"),
    ):
        pass
    assert info.value.code == 1008


def test_unknown_ids_and_own_clients(client, setup):
    _, _, _ = setup
    assert client.get("/clients/999999").status_code == 404
    page = client.get("/clients")
    assert "Ben" in page.text and "Ana" not in page.text


def test_ownership_on_both_backends(db_url, tmp_path):
    """The key ownership checks on SQLite and PostgreSQL."""
    settings = make_settings(tmp_path, db_url)
    with TestClient(create_app(settings, screen=fake_screen)) as client:
        csrf_a = signup(client, "a@example.org", "A")
        owned = add_client(client, csrf_a, "Ana")
        client.cookies.clear()
        csrf_b = signup(client, "b@example.org", "B")
        assert client.get(f"/clients/{owned}").status_code == 404
        assert (
            client.post(f"/clients/{owned}/sessions", data={"csrf_token": csrf_b}).status_code
            == 404
        )
        assert "Ana" not in client.get("/clients").text
        assert csrf_of(client.get("/clients").text) == csrf_b
