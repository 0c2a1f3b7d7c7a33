"""Live mirror mode page, the browser path's pose model, and the WebSocket.

Two ways to send a frame. Browser path (text): ``{"type": "landmarks", "t": ms, "w": px, "h": px,
"points": [[x, y, visibility] x 33] | null}``, the landmarks the page found itself with
``static/live_pose.mjs`` and the model at ``/live/pose_landmarker_full.task``; a socket that only
sends landmarks never loads a pose model. Server path (binary): 8 bytes little-endian float64
capture time in ms, then a JPEG. Either way the reply (JSON) is ``{"type": "frame", "frame",
"landmarks": [[x, y, visibility], ...] | null, "reps", "cue", "server_ms"}``.
The frame reply also names the set's ``exercise``, what it ``counts`` (reps or hold), the
running ``hold_s`` and ``longest_hold_s`` (seconds, null for reps), ``advice`` (why the view does
not fit the exercise, "" when it does) and ``samples`` (frames analysed for it).
Text ``{"type": "exercise", "exercise": "glute_bridge"}`` switches the set to an exercise of
``glutefire check`` (``squat``, the default, switches back) and starts a new set ->
``{"type": "exercise", "exercise", "title"}``. Text ``{"type": "save"}`` -> ``{"type": "saved",
"url"}`` or ``{"type": "error", "message"}`` (squat sets only); ``{"type": "reset"}`` starts a
new set.
"""

from __future__ import annotations

import asyncio
import functools
import json
import struct
import uuid
from typing import Any, Literal
from urllib.parse import urlparse

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import Response
from starlette.types import Message

from glutefire.errors import GlutefireError, InputFileError
from glutefire.exercises.spec import load_exercise_checks
from glutefire.models import DEFAULT_POSE_MODEL, bundle_file_name, load_bundle
from glutefire.reports.outputs import keyframe_outputs
from glutefire.result import ModelInfo, ScreeningResult
from glutefire.screening.pipeline import make_pose_backend, pose_model_info
from glutefire.store.accounts import live_web_session
from glutefire.store.repository import record_screening, unit_of_work
from glutefire.web.deps import (
    ClientRef,
    CurrentPrincipal,
    OwnedClient,
    Principal,
    load_client,
    principal_from_cookie,
)
from glutefire.web.live import SQUAT, LiveSession, parse_landmarks, timed
from glutefire.web.live_sockets import LiveSockets
from glutefire.web.render import page
from glutefire.web.security import SESSION_COOKIE

router = APIRouter()
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
#: BlazePose model of live mode (the default, full: fast enough for a webcam stream), in the
#: browser and on the server alike.
LIVE_MODEL = DEFAULT_POSE_MODEL
#: Where the live page finds the model for the browser path.
BROWSER_MODEL_URL = f"/live/{bundle_file_name(LIVE_MODEL)}"
#: ``?pose=`` of the live page: ``browser`` or ``server`` forces a path; ``auto`` tries the
#: browser path and falls back to the server path when the browser cannot run the model.
PosePath = Literal["auto", "browser", "server"]
POSE_PATHS: tuple[PosePath, ...] = ("auto", "browser", "server")
#: The live page's path when the address names none: ``auto`` (the browser path, the server's
#: as fallback). Measured on a quiet 2-core machine shared by headless Chromium and the server
#: (docs/benchmarks.md): 20.0 against 22.8 frames/s, p50 latency 43 against 129 ms, 0.24 of the
#: server CPU per frame; on a user's own device the model does not share the server's cores.
DEFAULT_POSE_PATH: PosePath = "auto"
#: The browser path also needs WebAssembly compiled from a same-site file.
LIVE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "connect-src 'self'; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "frame-ancestors 'none'"
)
#: The in-browser runtime vendored by ``scripts/build_web_pose.py`` (its pin is in
#: ``scripts/web_pose_manifest.json``; a test keeps the two equal).
TASKS_VISION = "@mediapipe/tasks-vision@1.1.0"


def live_exercises() -> list[tuple[str, str]]:
    """(id, title) of the exercises the live page offers: the squat, then those of
    ``glutefire check``."""
    return [(SQUAT, "Squat")] + [(e.id, e.title) for e in load_exercise_checks()]


@router.get("/clients/{client_id}/live")
def live_page(request: Request, principal: CurrentPrincipal, client: OwnedClient) -> Response:
    pose = request.query_params.get("pose", DEFAULT_POSE_PATH)
    if pose not in POSE_PATHS:
        raise HTTPException(400, f"expected pose={', '.join(POSE_PATHS)}, but got {pose[:20]!r}")
    exercises = live_exercises()
    exercise = request.query_params.get("exercise", SQUAT)
    if exercise not in dict(exercises):
        known = ", ".join(e for e, _ in exercises)
        raise HTTPException(400, f"expected exercise={known}, but got {exercise[:40]!r}")
    response = page(
        request,
        "live.html",
        principal,
        client=client,
        pose_path=pose,
        model_url=BROWSER_MODEL_URL,
        exercises=exercises,
        exercise=exercise,
    )
    response.headers["Content-Security-Policy"] = LIVE_CSP
    return response


@functools.lru_cache(maxsize=1)
def _browser_model_bytes() -> bytes:
    return load_bundle(LIVE_MODEL).data


@router.get(BROWSER_MODEL_URL)
def browser_model() -> Response:
    """The same ``.task`` bundle the server runs (public, Apache-2.0; checked against the
    manifest), for the browser path: served from the package, never from a CDN."""
    return Response(
        _browser_model_bytes(),
        media_type="application/octet-stream",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def browser_model_info(server_model: ModelInfo) -> ModelInfo:
    """The server model's entry with the browser runtime as its version."""
    fields = server_model.model_dump() | {"version": TASKS_VISION, "runtime": "browser"}
    return ModelInfo.model_validate(fields)


def _make_session(app: Any) -> LiveSession:
    """A live session whose server path loads the app's test backend or the pipeline's pose
    model (tracking) on its first JPEG frame."""
    limits = {
        "max_frames": app.state.settings.live_max_frames,
        "max_frame_pixels": app.state.settings.live_max_frame_pixels,
    }
    factory = app.state.live_backend_factory
    if factory is not None:
        browser = ModelInfo(name="browser", version=TASKS_VISION)
        return LiveSession(factory, landmarks_model=browser, **limits)
    model = pose_model_info(LIVE_MODEL)
    return LiveSession(
        functools.partial(make_pose_backend, LIVE_MODEL),
        model=model,
        landmarks_model=browser_model_info(model),
        **limits,
    )


def _authorise(websocket: WebSocket, client_id: int) -> tuple[Principal, ClientRef] | None:
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
        return principal, load_client(app.state.engine, principal, client_id)
    except HTTPException:
        return None


def _logged_in(websocket: WebSocket, session_digest: str) -> bool:
    """Whether the socket's login session still exists (it may have ended in another process)."""
    with unit_of_work(websocket.app.state.engine) as uow:
        return live_web_session(uow, session_digest) is not None


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


def _exercise_command(session: LiveSession, text: str) -> dict[str, Any]:
    """Switch the set to the exercise named in ``{"type": "exercise", "exercise": id}``."""
    try:
        exercise = json.loads(text).get("exercise")
    except (ValueError, AttributeError):
        exercise = None
    if not isinstance(exercise, str):
        raise InputFileError('expected {"type": "exercise", "exercise": ID}')
    title = session.set_exercise(exercise[:80])
    return {"type": "exercise", "exercise": session.exercise, "title": title}


def _command_of(message: Message) -> str | None:
    """The ``type`` of a text command, None for frames and unreadable text."""
    try:
        command = json.loads(message.get("text") or "null").get("type")
    except (ValueError, AttributeError):
        return None
    return command if isinstance(command, str) else None


async def _command(
    websocket: WebSocket, session: LiveSession, client: ClientRef, text: str
) -> dict[str, Any]:
    command = _command_of({"text": text})
    if command == "reset":
        session.reset()
        return {"type": "reset"}
    if command == "exercise":
        return _exercise_command(session, text)
    if command == "save":
        return await asyncio.to_thread(_save, websocket, session, client)
    return {
        "type": "error",
        "message": (
            f"expected landmarks or a command exercise, save or reset, but got {text[:40]!r}"
        ),
    }


async def _reply(
    websocket: WebSocket, session: LiveSession, client: ClientRef, message: Message
) -> dict[str, Any]:
    try:
        if message.get("bytes") is not None:
            data = message["bytes"]
            if len(data) < 9:
                raise GlutefireError("expected 8 bytes of time then a JPEG frame")
            (time_ms,) = struct.unpack("<d", data[:8])
            return await asyncio.to_thread(timed, session, data[8:], time_ms)
        text = message.get("text") or ""
        if _command_of(message) == "landmarks":
            landmarks = parse_landmarks(text)
            return await asyncio.to_thread(timed, session, landmarks, landmarks.t)
        return await _command(websocket, session, client, text)
    except GlutefireError as exc:
        return {"type": "error", "message": str(exc)}


async def _next_message(websocket: WebSocket, ended: asyncio.Task) -> Message | None:
    """The next message, or None once the login session has ended (logout)."""
    receive = asyncio.ensure_future(websocket.receive())
    done, _ = await asyncio.wait({receive, ended}, return_when=asyncio.FIRST_COMPLETED)
    if receive in done:
        return receive.result()
    receive.cancel()
    return None


@router.websocket("/clients/{client_id}/live/ws")
async def live_socket(websocket: WebSocket, client_id: int) -> None:
    allowed = _authorise(websocket, client_id)
    if allowed is None:
        await websocket.close(code=POLICY_VIOLATION)
        return
    principal, client = allowed
    sockets: LiveSockets = websocket.app.state.live_sockets
    ticket = sockets.open(principal.account_id, principal.session_digest)
    await websocket.accept()
    if ticket is None:
        limit = sockets.per_account
        await websocket.send_json(
            {"type": "error", "message": f"at most {limit} live mirrors at once; close another"}
        )
        await websocket.close(code=TRY_AGAIN_LATER)
        return
    ended = asyncio.ensure_future(ticket.ended.wait())
    session = await asyncio.to_thread(_make_session, websocket.app)
    try:
        await _serve(websocket, session, client, principal, ended)
    finally:
        ended.cancel()
        sockets.close(ticket)
        session.close()


async def _serve(
    websocket: WebSocket,
    session: LiveSession,
    client: ClientRef,
    principal: Principal,
    ended: asyncio.Task,
) -> None:
    """Frames and commands until the browser disconnects or the login ends (then the socket is
    closed, and nothing more is saved: a save re-checks the login in the database)."""
    try:
        while True:
            message = await _next_message(websocket, ended)
            if message is None or (
                _command_of(message) == "save"
                and not await asyncio.to_thread(_logged_in, websocket, principal.session_digest)
            ):
                await websocket.close(code=POLICY_VIOLATION, reason="logged out")
                return
            if message["type"] == "websocket.disconnect":
                return
            await websocket.send_json(await _reply(websocket, session, client, message))
    except WebSocketDisconnect:
        pass
