"""One-click report for a client: HTML (printable) and PDF, from the same content."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Engine

from glutefire.reports.client_pdf import (
    PreviousScreening,
    ReportContent,
    render_html_fragment,
    render_pdf,
)
from glutefire.reports.explained import StoredScreening, explained_findings
from glutefire.store.models import Client
from glutefire.store.repository import unit_of_work
from glutefire.web.deps import ClientRef, CurrentPrincipal, EngineDep, OwnedClient, SettingsDep
from glutefire.web.render import page
from glutefire.web.routes.plans import load_current_plan
from glutefire.web.routes.progress import build_progress
from glutefire.web.settings import WebSettings

router = APIRouter()


def report_content(engine: Engine, settings: WebSettings, client: ClientRef) -> ReportContent:
    with unit_of_work(engine) as uow:
        screenings = uow.get_one(Client, client.id).person.screenings
        latest = screenings[-1] if screenings else None
        screening = (
            StoredScreening(latest.id, latest.recorded_at, latest.parsed_result())
            if latest
            else None
        )
        earlier = screenings[-2] if len(screenings) > 1 else None
        previous = (
            PreviousScreening(
                earlier.recorded_at, _keyframes(settings.keyframe_dir / str(earlier.id))
            )
            if earlier
            else None
        )
    keyframes = {}
    if screening is not None:
        keyframes = _keyframes(settings.keyframe_dir / str(screening.id))
    progress = build_progress(engine, client.id)
    return ReportContent(
        client_name=client.display_name,
        generated_on=dt.date.today().isoformat(),
        screening=screening,
        findings=explained_findings(screening.result) if screening else [],
        keyframes=keyframes,
        plan=load_current_plan(engine, client.id),
        plots=progress.plots_png,
        alerts=[a.message for a in progress.report.alerts],
        previous=previous,
    )


def _keyframes(folder: Path) -> dict[str, bytes]:
    """Finding code -> keyframe PNG of one screening (empty when none were kept)."""
    return {p.stem: p.read_bytes() for p in sorted(folder.glob("*.png"))}


def _b64(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@router.get("/clients/{client_id}/report.html")
def report_html(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
) -> Response:
    content = report_content(engine, settings, client)
    return page(
        request,
        "report.html",
        principal,
        client=client,
        content=content,
        b64=_b64,
        handout=Markup(render_html_fragment(content)),
    )  # autoescaped by the template


@router.get("/clients/{client_id}/report.pdf")
def report_pdf(engine: EngineDep, settings: SettingsDep, client: OwnedClient) -> Response:
    pdf = render_pdf(report_content(engine, settings, client))
    safe = "".join(c if c.isalnum() else "_" for c in client.display_name)[:40] or "client"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="glutefire-{safe}.pdf"'},
    )
