"""Session logging: the plan's next session, with skipped exercises, pain and effort."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from glutefire.errors import GlutefireError
from glutefire.store.models import Client
from glutefire.store.repository import current_plan, last_session_label, log_session, unit_of_work
from glutefire.tracking.session_entry import (
    build_session_entry,
    current_phase,
    local_noon,
    next_session,
)
from glutefire.web.deps import Csrf, CurrentPrincipal, EngineDep, OwnedClient
from glutefire.web.render import page, redirect
from glutefire.web.routes.plans import _int

router = APIRouter()


def _next(engine, client_id: int):
    with unit_of_work(engine) as uow:
        person = uow.get_one(Client, client_id).person
        plan = current_plan(uow, person)
        plan = plan if plan is not None and plan.status == "active" else None
        if plan is None:
            return None, person.time_zone
        today = dt.datetime.now(ZoneInfo(person.time_zone)).date()
        phase = current_phase(plan.plan, today)
        if phase is None:
            return None, person.time_zone
        return next_session(phase, last_session_label(uow, person, plan)), person.time_zone


@router.get("/clients/{client_id}/sessions/new")
def session_form(
    request: Request,
    engine: EngineDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    error: str | None = None,
) -> Response:
    upcoming, _ = _next(engine, client.id)
    return page(
        request,
        "session_form.html",
        principal,
        client=client,
        upcoming=upcoming,
        today=dt.date.today().isoformat(),
        error=error,
    )


@router.post("/clients/{client_id}/sessions", dependencies=[Csrf])
async def session_log(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: OwnedClient
) -> Response:
    form = await request.form()
    try:
        with unit_of_work(engine) as uow:
            person = uow.get_one(Client, client.id).person
            plan = current_plan(uow, person)
            plan = plan if plan is not None and plan.status == "active" else None
            day = dt.date.fromisoformat(str(form.get("date") or dt.date.today()))
            entry = build_session_entry(
                plan.plan if plan else None,
                performed_at=local_noon(day, person.time_zone),
                time_zone=person.time_zone,
                last_label=last_session_label(uow, person, plan),
                pain_0_10=_int(form, "pain"),
                effort_rpe_1_10=_int(form, "effort"),
                notes=str(form.get("notes") or "")[:2000] or None,
                skip=[str(v) for v in form.getlist("skip")],
            )
            log_session(uow, person.name, entry, plan=plan)
    except (GlutefireError, ValueError) as exc:
        upcoming, _ = _next(engine, client.id)
        return page(
            request,
            "session_form.html",
            principal,
            status=400,
            client=client,
            upcoming=upcoming,
            today=dt.date.today().isoformat(),
            error=str(exc),
        )
    return redirect(f"/clients/{client.id}/progress")
