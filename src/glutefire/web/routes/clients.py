"""Clients: list, create, profile with history, invite links; ``/me`` for a client's login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from glutefire.errors import RecordError
from glutefire.store import accounts
from glutefire.store.models import Account, Client
from glutefire.store.repository import current_plan, unit_of_work
from glutefire.web.deps import (
    Csrf,
    CurrentPrincipal,
    CurrentTrainer,
    EngineDep,
    OwnedClient,
    SettingsDep,
    TrainerClient,
)
from glutefire.web.render import page, redirect
from glutefire.web.security import new_token, token_digest

router = APIRouter()


@router.get("/clients")
def clients_list(request: Request, engine: EngineDep, principal: CurrentTrainer) -> Response:
    with unit_of_work(engine) as uow:
        trainer = uow.get_one(Account, principal.account_id)
        rows = [
            (c.id, c.display_name, len(c.person.screenings), len(c.person.sessions))
            for c in accounts.trainer_clients(uow, trainer)
        ]
    return page(request, "clients.html", principal, clients=rows)


@router.post("/clients", dependencies=[Csrf])
def clients_create(
    request: Request,
    engine: EngineDep,
    principal: CurrentTrainer,
    display_name: Annotated[str, Form()],
    time_zone: Annotated[str, Form()] = "UTC",
) -> Response:
    try:
        with unit_of_work(engine) as uow:
            client = accounts.create_client(
                uow,
                uow.get_one(Account, principal.account_id),
                display_name,
                time_zone=time_zone or "UTC",
            )
            client_id = client.id
    except RecordError as exc:
        with unit_of_work(engine) as uow:
            trainer = uow.get_one(Account, principal.account_id)
            rows = [
                (c.id, c.display_name, len(c.person.screenings), len(c.person.sessions))
                for c in accounts.trainer_clients(uow, trainer)
            ]
        return page(request, "clients.html", principal, status=400, clients=rows, error=str(exc))
    return redirect(f"/clients/{client_id}")


@router.get("/me")
def my_record(request: Request, engine: EngineDep, principal: CurrentPrincipal) -> Response:
    if principal.is_trainer:
        return redirect("/clients")
    with unit_of_work(engine) as uow:
        client = accounts.own_client(uow, uow.get_one(Account, principal.account_id))
        if client is None:
            raise HTTPException(status_code=404, detail="no client record is linked to you")
        return redirect(f"/clients/{client.id}")


@router.get("/clients/{client_id}")
def client_profile(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: OwnedClient
) -> Response:
    with unit_of_work(engine) as uow:
        row = uow.get_one(Client, client.id)
        person = row.person
        screenings = [
            (s.id, s.recorded_at, s.view, [c.value for c in s.parsed_result().summary.present])
            for s in reversed(person.screenings)
        ]
        sessions = [
            (
                s.performed_at,
                s.session_label,
                s.pain_0_10,
                s.effort_rpe_1_10,
                sum(not e.skipped for e in s.exercises),
                len(s.exercises),
            )
            for s in reversed(person.sessions)
        ]
        plan = current_plan(uow, person)
        plan_info = (plan.id, plan.status, plan.created_at) if plan is not None else None
        jobs = [
            (j.id, j.status, j.original_name, j.created_at, j.screening_id)
            for j in accounts.client_jobs(uow, row)
        ][:10]
    return page(
        request,
        "client.html",
        principal,
        client=client,
        screenings=screenings,
        sessions=sessions,
        plan=plan_info,
        jobs=jobs,
    )


@router.post("/clients/{client_id}/invite", dependencies=[Csrf])
def client_invite(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentTrainer,
    client: TrainerClient,
) -> Response:
    token = new_token()
    with unit_of_work(engine) as uow:
        accounts.create_invite(
            uow,
            uow.get_one(Client, client.id),
            token_sha256=token_digest(token),
            ttl_s=settings.invite_ttl_s,
        )
    link = str(request.url_for("invite_form", token=token))
    return page(
        request,
        "invite_link.html",
        principal,
        client=client,
        link=link,
        days=settings.invite_ttl_s // 86400,
    )
