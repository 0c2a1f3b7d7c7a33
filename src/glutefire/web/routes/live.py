"""Live mirror mode page and its WebSocket.

Protocol (binary frame): 8 bytes little-endian float64 capture time in ms, then a JPEG.
Reply (JSON): ``{"type": "frame", "frame", "landmarks": [[x, y, visibility], ...] | null,
"reps", "cue", "server_ms"}``. Text ``{"type": "save"}`` -> ``{"type": "saved", "url"}`` or
``{"type": "error", "message"}``; ``{"type": "reset"}`` starts a new set.
"""

from __future__ import annotations

import asyncio
import json
import struct
import uuid
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import Response

from glutefire.errors import GlutefireError
from glutefire.models import DEFAULT_POSE_MODEL
from glutefire.reports.outputs import keyframe_outputs
from glutefire.result import ScreeningResult
from glutefire.screening.pipeline import make_pose_backend, pose_model_info
from glutefire.store.repository import record_screening, unit_of_work
from glutefire.web.deps import (
    ClientRef,
    CurrentPrincipal,
    OwnedClient,
    load_client,
    principal_from_cookie,
)
from glutefire.web.live import LiveSession, timed
from glutefire.web.render import page
from glutefire.web.security import SESSION_COOKIE

router = APIRouter()
POLICY_VIOLATION = 1008
#: BlazePose model of live mode (the default, full: fast enough for a webcam stream).
LIVE_MODEL = DEFAULT_POSE_MODEL


@router.get("/clients/{client_id}/live")
def live_page(request: Request, principal: CurrentPrincipal, client: OwnedClient) -> Response:
    return page(request, "live.html", principal, client=client)


def _make_session(app: Any) -> LiveSession:
    """A live session on the app's test backend, or on the pipeline's pose model (tracking)."""
    max_frames = app.state.settings.live_max_frames
    factory = app.state.live_backend_factory
    if factory is not None:
        return LiveSession(factory(), max_frames=max_frames)
    return LiveSession(
        make_pose_backend(LIVE_MODEL), max_frames=max_frames, model=pose_model_info(LIVE_MODEL)
    )


def _authorise(websocket: WebSocket, client_id: int) -> ClientRef | None:
    origin = websocket.headers.get("origin")
    if origin and urlparse(origin).netloc != websocket.headers.get("host"):
        return None  # cross-site WebSocket: the cookie alone must not be enough
    app = websocket.app
    principal = principal_from_cookie(
        app.state.engine, app.state.signer, websocket.cookies.get(SESSION_COOKIE)
    )
    if principal is None:
        return None
    try:
        return load_client(app.state.engine, principal, client_id)
    except HTTPException:
        return None


def _save(websocket: WebSocket, session: LiveSession, client: ClientRef) -> dict[str, Any]:
    keyframe_dir = websocket.app.state.settings.keyframe_dir
    staging = keyframe_dir / f"live-{uuid.uuid4().hex}"
    stored: list[int] = []

    def store(result: ScreeningResult) -> None:
        with unit_of_work(websocket.app.state.engine) as uow:
            stored.append(record_screening(uow, client.person_name, result).id)

    screened = session.screen(store=store, outputs=[keyframe_outputs(staging)])
    (screening_id,) = stored
    if staging.is_dir():
        staging.replace(keyframe_dir / str(screening_id))
    return {
        "type": "saved",
        "screening_id": screening_id,
        "url": f"/clients/{client.id}/screenings/{screening_id}",
        "complete_reps": screened.result.summary.complete_reps,
        "warnings": screened.result.warnings,
    }


async def _command(
    websocket: WebSocket, session: LiveSession, client: ClientRef, text: str
) -> dict[str, Any]:
    try:
        command = json.loads(text).get("type")
    except (ValueError, AttributeError):
        command = None
    if command == "reset":
        session.reset()
        return {"type": "reset"}
    if command == "save":
        return await asyncio.to_thread(_save, websocket, session, client)
    return {"type": "error", "message": f"expected a command save or reset, but got {text[:40]!r}"}


@router.websocket("/clients/{client_id}/live/ws")
async def live_socket(websocket: WebSocket, client_id: int) -> None:
    client = _authorise(websocket, client_id)
    if client is None:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    session = await asyncio.to_thread(_make_session, websocket.app)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            try:
                if message.get("bytes") is not None:
                    data = message["bytes"]
                    if len(data) < 9:
                        raise GlutefireError("expected 8 bytes of time then a JPEG frame")
                    (time_ms,) = struct.unpack("<d", data[:8])
                    reply = await asyncio.to_thread(timed, session, data[8:], time_ms)
                else:
                    reply = await _command(websocket, session, client, message.get("text") or "")
            except GlutefireError as exc:
                reply = {"type": "error", "message": str(exc)}
            await websocket.send_json(reply)
    except WebSocketDisconnect:
        pass
    finally:
        session.backend.close()
