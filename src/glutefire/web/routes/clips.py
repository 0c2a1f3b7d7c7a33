"""A client's raw clips: the export download offered first, then deletion (trainers only).

Deleting clips keeps every screening result, its per-rep metrics and keyframes; only the video
files under ``<data dir>/uploads`` go (see :mod:`glutefire.web.retention`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from glutefire.store.models import utcnow
from glutefire.web.deps import (
    Csrf,
    CurrentTrainer,
    EngineDep,
    SettingsDep,
    TrainerClient,
)
from glutefire.web.render import page
from glutefire.web.retention import delete_client_clips, kept_clips

router = APIRouter()


@router.get("/clients/{client_id}/clips/delete")
def delete_clips_form(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentTrainer,
    client: TrainerClient,
) -> Response:
    kept = kept_clips(engine, settings.upload_dir, client.id)
    return page(
        request,
        "clips_delete.html",
        principal,
        client=client,
        kept=kept,
        retention_days=settings.clip_retention_days,
        done=None,
    )


@router.post("/clients/{client_id}/clips/delete", dependencies=[Csrf])
def delete_clips(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentTrainer,
    client: TrainerClient,
) -> Response:
    done = delete_client_clips(engine, settings.upload_dir, client.id, now=utcnow())
    return page(
        request,
        "clips_delete.html",
        principal,
        client=client,
        kept=kept_clips(engine, settings.upload_dir, client.id),
        retention_days=settings.clip_retention_days,
        done=done,
    )
