"""Clip upload (type, size and content checked; stored under a random name), background
screening with progress, and the results page with keyframes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy import Engine, select

from glutefire.errors import InputFileError
from glutefire.reports.explained import StoredScreening, explained_findings
from glutefire.reports.labels import column_label
from glutefire.reports.outputs import DEEPEST_KEYFRAME, WEB_VIDEO_NAME
from glutefire.result import ScreeningResult
from glutefire.store import accounts
from glutefire.store.models import Client, Screening, UploadJob
from glutefire.store.repository import unit_of_work
from glutefire.web.clip_uploads import check_clip, store_upload
from glutefire.web.deps import (
    Csrf,
    CurrentPrincipal,
    EngineDep,
    OwnedClient,
    SettingsDep,
    TrainerClient,
)
from glutefire.web.render import page, redirect
from glutefire.web.settings import WebSettings

router = APIRouter()
VIEWS = ("auto", "front", "side", "back", "oblique")


def public_error(error: str | None, upload_dir: Path, clips: list[dict]) -> str | None:
    """A job's error as the browser may see it: the server's upload paths replaced by the
    clips' own names (a worker's message may name the stored file)."""
    if error is None:
        return None
    for clip in clips:
        stored = str(clip.get("stored_name", ""))
        if stored:
            error = error.replace(str(upload_dir / stored), str(clip.get("original_name", "clip")))
            error = error.replace(stored, str(clip.get("original_name", "clip")))
    return error.replace(str(upload_dir.resolve()), "upload").replace(str(upload_dir), "upload")


async def _checked_clip(
    upload: UploadFile,
    view: str,
    settings: WebSettings,
    budget_bytes: int,
    *,
    heels_elevated: bool = False,
) -> dict:
    """Store and check one clip; return its job entry (the file stays only if it passes)."""
    if view not in VIEWS:
        raise HTTPException(status_code=422, detail=f"expected view in {VIEWS}, but got {view!r}")
    part, size = await store_upload(upload, settings, budget_bytes)
    try:
        info = await asyncio.to_thread(check_clip, part, settings)
    except InputFileError as exc:
        part.unlink(missing_ok=True)
        raise HTTPException(status_code=422, detail=str(exc).replace(str(part), "upload")) from None
    stored = part.with_suffix("")  # drop ".part": the clip is complete and checked
    part.rename(stored)
    return {
        "stored_name": stored.name,
        "original_name": (upload.filename or "clip")[:120],
        "view": None if view == "auto" else view,
        "frames": info.n_frames,
        "bytes": size,
        "heels_elevated": heels_elevated,
    }


@router.post("/clients/{client_id}/uploads", dependencies=[Csrf])
async def upload_clip(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    client: TrainerClient,
    clip: UploadFile,
    clip2: UploadFile | None = None,
    view: Annotated[str, Form()] = "auto",
    view2: Annotated[str, Form()] = "auto",
    heels2: Annotated[str | None, Form()] = None,
) -> Response:
    """One or two clips of one session (e.g. front and side): one merged screening."""
    entries = [await _checked_clip(clip, view, settings, settings.max_upload_bytes)]
    if clip2 is not None and clip2.filename:
        try:
            entries.append(
                await _checked_clip(
                    clip2,
                    view2,
                    settings,
                    settings.max_upload_bytes - entries[0]["bytes"],
                    heels_elevated=heels2 == "on",
                )
            )
        except BaseException:
            (settings.upload_dir / entries[0]["stored_name"]).unlink(missing_ok=True)
            raise
    with unit_of_work(engine) as uow:
        job = accounts.create_job(
            uow,
            uow.get_one(Client, client.id),
            clips=entries,
            size_bytes=sum(e["bytes"] for e in entries),
        )
        job_id = job.id
    request.app.state.jobs.submit(job_id)
    return redirect(f"/clients/{client.id}/jobs/{job_id}")


def _job(engine, client_id: int, job_id: int, settings: WebSettings) -> dict:
    with unit_of_work(engine) as uow:
        job = uow.get(UploadJob, job_id)
        if job is None or job.client_id != client_id:
            raise HTTPException(status_code=404, detail="no such upload")
        return {
            "id": job.id,
            "status": job.status,
            "frames_done": job.frames_done,
            "frames_total": job.frames_total,
            "error": public_error(job.error, settings.upload_dir, job.clips),
            "original_name": job.original_name,
            "screening_id": job.screening_id,
            "attempts": job.attempts,
            "max_attempts": settings.job_max_attempts,
            "clips_deleted": job.clips_deleted_at is not None,
            "progress": round(job.frames_done / max(job.frames_total, 1), 3),
            "result_url": (
                f"/clients/{client_id}/screenings/{job.screening_id}" if job.screening_id else None
            ),
        }


@router.get("/clients/{client_id}/jobs/{job_id:int}")
def job_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    job_id: int,
) -> Response:
    job = _job(engine, client.id, job_id, settings)
    return page(request, "job.html", principal, client=client, job=job)


@router.get("/clients/{client_id}/jobs/{job_id:int}.json")
def job_status(
    engine: EngineDep, settings: SettingsDep, client: OwnedClient, job_id: int
) -> JSONResponse:
    return JSONResponse(_job(engine, client.id, job_id, settings))


def load_screening(engine: Engine, client_id: int, screening_id: int) -> StoredScreening:
    with unit_of_work(engine) as uow:
        row = uow.get(Screening, screening_id)
        client = uow.get(Client, client_id)
        if row is None or client is None or row.person_id != client.person_id:
            raise HTTPException(status_code=404, detail="no such screening")
        return StoredScreening(row.id, row.recorded_at, row.parsed_result())


#: Credit lines of the bundled sample clips (samples/README.md): shown when one is uploaded.
SAMPLE_CREDITS = {
    "squat_3q_pexels_6980032.mp4": "Squat clip: Gabby K, Pexels (video 6980032)",
    "squat_front_pexels_5034577.mp4": "Front squat clip: Ketut Subiyanto, Pexels (video 5034577), "
    "shortened and re-encoded",
}


def sample_credits(engine: Engine, screening_id: int) -> list[str]:
    with unit_of_work(engine) as uow:
        names = uow.scalars(
            select(UploadJob.original_name).where(UploadJob.screening_id == screening_id)
        ).all()
    return [SAMPLE_CREDITS[n] for n in names if n in SAMPLE_CREDITS]


def rep_columns(result: ScreeningResult) -> list[str]:
    """Every per-rep metric name, in first-seen order."""
    return list(dict.fromkeys(name for rep in result.reps for name in rep.metrics))


#: The per-rep table's fixed columns, before the metrics.
REP_HEADERS = ("clip", "index", "start_s", "bottom_s", "end_s", "complete")


def number(value: float) -> str:
    """A measured value as shown, with one minus sign (``-24.7``): one decimal, two below 2
    (ratios such as KASR 0.93); never ``-0.0``."""
    decimals = 2 if abs(value) < 2 else 1
    text = f"{value:.{decimals}f}"
    return text.removeprefix("-") if float(text) == 0 else text


def keyframe_captions(result: ScreeningResult, stems: list[str]) -> list[tuple[str, str]]:
    """``(stem, caption)`` for the keyframe files: a finding's title (and side), or the
    deepest-rep frame; findings first in the result's order."""
    titles = {
        f.code.value: f"{f.title} ({f.side})" if f.side != "none" else f.title
        for f in result.findings
    }
    titles[DEEPEST_KEYFRAME] = "Deepest point of the squat (no pattern present)"
    order = list(titles)
    known = sorted((s for s in stems if s in titles), key=order.index)
    other = [(s, s.replace("_", " ")) for s in stems if s not in titles]
    return [(s, titles[s]) for s in known] + other


@router.get("/clients/{client_id}/screenings/{screening_id}")
def results_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    screening_id: int,
) -> Response:
    screening = load_screening(engine, client.id, screening_id)
    folder = settings.keyframe_dir / str(screening_id)
    keyframes = sorted(p.stem for p in folder.glob("*.png")) if folder.is_dir() else []
    videos = [i for i in range(len(screening.result.input)) if _video_path(folder, i).is_file()]
    return page(
        request,
        "results.html",
        principal,
        client=client,
        screening=screening,
        findings=explained_findings(screening.result),
        columns=[(c, column_label(c)) for c in rep_columns(screening.result)],
        rep_headers=[(c, column_label(c)) for c in REP_HEADERS],
        number=number,
        keyframes=keyframe_captions(screening.result, keyframes),
        videos=videos,
        credits=sample_credits(engine, screening_id),
    )


@router.get("/clients/{client_id}/screenings/{screening_id}/keyframes/{code}.png")
def keyframe(
    engine: EngineDep, settings: SettingsDep, client: OwnedClient, screening_id: int, code: str
) -> Response:
    load_screening(engine, client.id, screening_id)
    folder = settings.keyframe_dir / str(screening_id)
    names = {p.stem: p for p in folder.glob("*.png")} if folder.is_dir() else {}
    if code not in names:  # only names we wrote ourselves: no path built from the request
        raise HTTPException(status_code=404, detail="no such keyframe")
    return FileResponse(names[code], media_type="image/png")


def _video_path(folder: Path, index: int) -> Path:
    """The annotated video of clip ``index`` (a name we write, never one from the request)."""
    return folder / WEB_VIDEO_NAME.format(index=index)


@router.get("/clients/{client_id}/screenings/{screening_id}/video/{index}.mp4")
def annotated_video(
    engine: EngineDep, settings: SettingsDep, client: OwnedClient, screening_id: int, index: int
) -> Response:
    """The annotated H.264 MP4 of one clip; byte ranges are answered (206), so browsers can
    seek and start playing before the whole file has arrived."""
    load_screening(engine, client.id, screening_id)
    path = _video_path(settings.keyframe_dir / str(screening_id), index)
    if index < 0 or not path.is_file():
        raise HTTPException(status_code=404, detail="no annotated video for this clip")
    return FileResponse(path, media_type="video/mp4")
