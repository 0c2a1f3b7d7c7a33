"""Progress: adherence, pain, screening measures over time (server-rendered plots), relapse
alerts. The same tracking functions as ``glutefire progress``."""

from __future__ import annotations

import base64
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from glutefire.store.history import LoggedSession, logged_sessions, progress_inputs
from glutefire.store.models import Client
from glutefire.store.repository import unit_of_work
from glutefire.tracking import plots
from glutefire.tracking.adherence import WeekAdherence, weekly_adherence
from glutefire.tracking.relapse import RelapseReport, detect_relapse, load_rules, metric_history
from glutefire.web.deps import CurrentPrincipal, EngineDep, OwnedClient
from glutefire.web.render import page
from glutefire.web.routes.filmed import filmed_sets
from glutefire.web.routes.uploads import number

router = APIRouter()
WEEKS_SHOWN = 12
SESSIONS_SHOWN = 10


@dataclass(frozen=True)
class Progress:
    as_of: dt.date
    weeks: list[WeekAdherence]
    report: RelapseReport
    pain_points: list[tuple[dt.date, int]]
    plots_png: dict[str, bytes]  # stem -> PNG
    sessions: list[LoggedSession]  # newest first, what was done per exercise

    def data_uri(self, stem: str) -> str:
        return "data:image/png;base64," + base64.b64encode(self.plots_png[stem]).decode()


def build_progress(engine, client_id: int, *, size: plots.PlotSize = plots.WIDE) -> Progress:
    """Adherence, relapse alerts and the plots (``size``: page-wide for the PDF handout,
    :data:`~glutefire.tracking.plots.COMPACT` for the web page, readable on a phone)."""
    with unit_of_work(engine) as uow:
        person = uow.get_one(Client, client_id).person
        inputs = progress_inputs(uow, person)
        sessions = logged_sessions(person, last=SESSIONS_SHOWN)
    as_of = dt.datetime.now(ZoneInfo(inputs.time_zone)).date()
    rules = load_rules()
    table = weekly_adherence(inputs.session_days, inputs.periods, today=as_of)
    report = detect_relapse(table, inputs.screenings, inputs.plan, today=as_of, rules=rules)
    shown = table[-WEEKS_SHOWN:]
    with tempfile.TemporaryDirectory(prefix="glutefire-plots-") as tmp:
        folder = Path(tmp)
        png = ("png",)
        written = plots.plot_adherence(shown, folder, formats=png, size=size)
        written += plots.plot_pain(inputs.pain_points, folder, formats=png, size=size)
        for series in metric_history(inputs.screenings, rules.noise):
            written += plots.plot_metric(series, folder, formats=png, size=size)
        pngs = {p.stem: p.read_bytes() for p in written}
    return Progress(as_of, shown, report, inputs.pain_points, pngs, sessions)


@router.get("/clients/{client_id}/progress")
def progress_page(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: OwnedClient
) -> Response:
    return page(
        request,
        "progress.html",
        principal,
        client=client,
        progress=build_progress(engine, client.id, size=plots.COMPACT),
        filmed=filmed_sets(engine, client.id),
        number=number,
    )
