"""Issue 13, security list: live frames are sized from their header before decoding, an account
holds a bounded number of live sockets, and logging out closes them (no save after logout)."""

from __future__ import annotations

import json
import struct
import zlib

import cv2
import numpy as np
import pytest
from sqlalchemy import delete
from starlette.websockets import WebSocketDisconnect

from glutefire.errors import InputFileError
from glutefire.store.models import Screening, WebSession
from glutefire.store.repository import unit_of_work
from glutefire.web.live import LiveSession, check_frame_header
from synthetic import H, SquatSpec, W, front_squat
from webtools import ReplayBackend, add_client, signup


def _png_header_only(width: int, height: int) -> bytes:
    """A small PNG that declares ``width`` x ``height`` (as the audit's 730 KiB 16000x16000
    frame): only a few compressed rows follow, the header is what counts."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width * 3 + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _jpeg(width: int = W, height: int = H) -> bytes:
    ok, buf = cv2.imencode(".jpg", np.zeros((height, width, 3), np.uint8))
    assert ok
    return buf.tobytes()


@pytest.mark.parametrize(
    ("frame", "shown"),
    [
        (_png_header_only(16000, 16000), "megapixels"),
        (_png_header_only(4000, 3000), "4000x3000"),
        (_jpeg(2000, 1200), "2000x1200"),
    ],
)
def test_oversized_frames_are_refused_before_decoding(monkeypatch, frame, shown):
    def no_decoding(*args, **kwargs):
        raise AssertionError("the frame was decoded")

    monkeypatch.setattr("glutefire.web.live.cv2.imdecode", no_decoding)
    ds, _ = front_squat()
    session = LiveSession(ReplayBackend(ds), max_frame_pixels=1920 * 1080)
    with pytest.raises(InputFileError, match=shown):
        session.process_jpeg(frame, 0.0)
    assert session.n_frames == 0


def test_frame_header_reads_jpeg_and_png_sizes_and_refuses_other_data():
    assert check_frame_header(_jpeg(640, 480), max_pixels=10**6) == (640, 480)
    assert check_frame_header(_png_header_only(64, 48), max_pixels=10**6) == (64, 48)
    ok, gif_like = cv2.imencode(".bmp", np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(InputFileError, match="expected a JPEG frame"):
        check_frame_header(gif_like.tobytes(), max_pixels=10**6)
    with pytest.raises(InputFileError, match="could not read"):
        check_frame_header(b"\xff\xd8 not really", max_pixels=10**6)


@pytest.fixture
def live(client):
    ds, _ = front_squat(SquatSpec(n_reps=2))
    client.app.state.live_backend_factory = lambda: ReplayBackend(ds)
    csrf = signup(client)
    return client, csrf, add_client(client, csrf)


def test_the_socket_rejects_a_huge_png_frame(live):
    client, _, cid = live
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        ws.send_bytes(struct.pack("<d", 0.0) + _png_header_only(16000, 16000))
        reply = ws.receive_json()
    assert reply["type"] == "error" and "megapixels" in reply["message"]


def test_an_account_holds_at_most_its_live_sockets(live):
    client, _, cid = live
    limit = client.app.state.settings.live_sockets_per_account
    url = f"/clients/{cid}/live/ws"
    with client.websocket_connect(url) as first, client.websocket_connect(url) as second:
        assert limit == 2
        with client.websocket_connect(url) as third:
            refused = third.receive_json()
            with pytest.raises(WebSocketDisconnect) as closed:
                third.receive_json()
        assert "at most 2 live mirrors" in refused["message"] and closed.value.code == 1013
        for ws in (first, second):  # the first two still work
            ws.send_bytes(struct.pack("<d", 0.0) + _jpeg())
            assert ws.receive_json()["type"] == "frame"
    with client.websocket_connect(url) as again:  # closed sockets free their places
        again.send_bytes(struct.pack("<d", 0.0) + _jpeg())
        assert again.receive_json()["type"] == "frame"


def _screenings(client) -> int:
    with unit_of_work(client.app.state.engine) as uow:
        return uow.query(Screening).count()


def test_logout_closes_the_live_socket_and_nothing_is_saved(live):
    client, csrf, cid = live
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        for i in range(40):
            ws.send_bytes(struct.pack("<d", i * 1000 / 30) + _jpeg())
            assert ws.receive_json()["type"] == "frame"
        assert client.post("/logout", data={"csrf_token": csrf}).status_code == 200
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1008
    assert _screenings(client) == 0


def test_a_socket_whose_login_ended_elsewhere_cannot_save(live):
    """Logged out in another server process: this process's registry knows nothing, the
    database does; the save is refused and the socket closed."""
    client, _, cid = live
    with client.websocket_connect(f"/clients/{cid}/live/ws") as ws:
        for i in range(40):
            ws.send_bytes(struct.pack("<d", i * 1000 / 30) + _jpeg())
            ws.receive_json()
        with unit_of_work(client.app.state.engine) as uow:
            uow.execute(delete(WebSession))
        ws.send_text(json.dumps({"type": "save"}))
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1008
    assert _screenings(client) == 0
