"""One-click report for a client: HTML (printable) and PDF, from the same content."""

from __future__ import annotations

import base64
import datetime as dt
import unicodedata
from pathlib import Path
from urllib.parse import quote

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
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": attachment(f"glutefire-{client.display_name}.pdf")},
    )


def _ascii_char(char: str) -> str:
    """``é`` -> ``e``; anything without an ASCII letter, digit, ``-`` or ``_`` -> ``_``."""
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain if plain and all(c.isalnum() or c in "-_" for c in plain) else "_"


def attachment(filename: str, *, max_chars: int = 80) -> str:
    """A ``Content-Disposition`` for any file name (RFC 6266): an ASCII ``filename`` (accents
    dropped, other characters as ``_``) for old clients, and the full name as UTF-8
    ``filename*`` (RFC 5987 percent-encoding). HTTP headers are Latin-1: a raw non-Latin-1 name
    would fail the response."""
    stem, dot, ext = filename.rpartition(".")
    stem = stem[:max_chars]
    fallback = "".join(_ascii_char(c) for c in stem) or "download"
    full = quote(f"{stem}{dot}{ext}", safe="")
    return f"attachment; filename=\"{fallback}{dot}{ext}\"; filename*=UTF-8''{full}"
