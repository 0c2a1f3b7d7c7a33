"""Clients: list (search, sort, archived filter), create, rename, archive, export and delete;
the client's home page (today's session first, then history); invite links; ``/me`` for a
client's login."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from glutefire.errors import RecordError
from glutefire.programming.render import dose_text
from glutefire.store import accounts
from glutefire.store.export import export_person
from glutefire.store.models import Account, Client
from glutefire.store.repository import current_plan, unit_of_work
from glutefire.web.deps import (
    ClientRef,
    Csrf,
    CurrentPrincipal,
    CurrentTrainer,
    EngineDep,
    OwnedClient,
    Principal,
    SettingsDep,
    TrainerClient,
)
from glutefire.web.render import page, redirect
from glutefire.web.routes.sessions import todays_session
from glutefire.web.security import new_token, token_digest
from glutefire.web.settings import WebSettings

router = APIRouter()

Sort = Literal["name", "last_screening", "last_session"]
Show = Literal["active", "archived", "all"]
SORTS: dict[str, str] = {
    "name": "name",
    "last_screening": "last screening",
    "last_session": "last session",
}
SHOWS: dict[str, str] = {"active": "current", "archived": "archived", "all": "all"}


@dataclass(frozen=True)
class ClientRow:
    """One line of the trainer's client list (times in UTC)."""

    id: int
    display_name: str
    screenings: int
    sessions: int
    last_screening_at: dt.datetime | None
    last_session_at: dt.datetime | None
    archived: bool


def _row(c: Client) -> ClientRow:
    person = c.person
    return ClientRow(
        id=c.id,
        display_name=c.display_name,
        screenings=len(person.screenings),
        sessions=len(person.sessions),
        last_screening_at=person.screenings[-1].recorded_at if person.screenings else None,
        last_session_at=person.sessions[-1].performed_at if person.sessions else None,
        archived=c.archived_at is not None,
    )


def select_rows(rows: list[ClientRow], *, query: str, sort: Sort, show: Show) -> list[ClientRow]:
    """Filter by archived state and by ``query`` (a part of the name, any case), then sort:
    by name A-Z, or by the latest screening/session, newest first (never = last)."""
    wanted = accounts.client_name_key(query)
    kept = [
        r
        for r in rows
        if (show == "all" or r.archived == (show == "archived"))
        and wanted in accounts.client_name_key(r.display_name)
    ]
    by_name = sorted(kept, key=lambda r: accounts.client_name_key(r.display_name))
    if sort == "name":
        return by_name
    never = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    if sort == "last_screening":
        return sorted(by_name, key=lambda r: r.last_screening_at or never, reverse=True)
    return sorted(by_name, key=lambda r: r.last_session_at or never, reverse=True)


def _client_rows(engine: Engine, principal: Principal) -> list[ClientRow]:
    with unit_of_work(engine) as uow:
        trainer = uow.get_one(Account, principal.account_id)
        return [_row(c) for c in accounts.trainer_clients(uow, trainer)]


def _list_page(
    request: Request,
    engine: Engine,
    principal: Principal,
    *,
    q: str = "",
    sort: Sort = "name",
    show: Show = "active",
    status: int = 200,
    **context: object,
) -> Response:
    every = _client_rows(engine, principal)
    return page(
        request,
        "clients.html",
        principal,
        status=status,
        clients=select_rows(every, query=q, sort=sort, show=show),
        n_archived=sum(r.archived for r in every),
        n_all=len(every),
        q=q,
        sort=sort,
        show=show,
        sorts=SORTS,
        shows=SHOWS,
        **context,
    )


@router.get("/clients")
def clients_list(
    request: Request,
    engine: EngineDep,
    principal: CurrentTrainer,
    q: str = "",
    sort: Sort = "name",
    show: Show = "active",
    deleted: str | None = None,
) -> Response:
    notice = f"Deleted {deleted} and all of their data." if deleted else None
    return _list_page(request, engine, principal, q=q[:200], sort=sort, show=show, notice=notice)


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
        return _list_page(
            request,
            engine,
            principal,
            status=400,
            name_error=str(exc),
            form={"display_name": display_name, "time_zone": time_zone},
        )
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


def _history(engine: Engine, client_id: int) -> dict[str, object]:
    with unit_of_work(engine) as uow:
        row = uow.get_one(Client, client_id)
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
        jobs = [
            (j.id, j.status, j.original_name, j.created_at, j.screening_id)
            for j in accounts.client_jobs(uow, row)
        ][:10]
        return {
            "screenings": screenings,
            "sessions": sessions,
            "plan": (plan.id, plan.status, plan.created_at) if plan is not None else None,
            "jobs": jobs,
            "archived": row.archived_at is not None,
        }


@router.get("/clients/{client_id}")
def client_profile(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: OwnedClient
) -> Response:
    return _profile_page(request, engine, principal, client)


def _profile_page(
    request: Request,
    engine: Engine,
    principal: Principal,
    client: ClientRef,
    *,
    status: int = 200,
    **context: object,
) -> Response:
    return page(
        request,
        "client.html",
        principal,
        status=status,
        client=client,
        plan_today=todays_session(engine, client.id),
        dose_text=dose_text,
        **_history(engine, client.id),
        **context,
    )


@router.post("/clients/{client_id}/rename", dependencies=[Csrf])
def client_rename(
    request: Request,
    engine: EngineDep,
    principal: CurrentTrainer,
    client: TrainerClient,
    display_name: Annotated[str, Form()],
) -> Response:
    try:
        with unit_of_work(engine) as uow:
            accounts.rename_client(
                uow,
                uow.get_one(Account, principal.account_id),
                uow.get_one(Client, client.id),
                display_name,
            )
    except RecordError as exc:
        return _profile_page(
            request,
            engine,
            principal,
            client,
            status=400,
            rename_error=str(exc),
            rename_value=display_name,
        )
    return redirect(f"/clients/{client.id}")


@router.post("/clients/{client_id}/archive", dependencies=[Csrf])
def client_archive(
    engine: EngineDep,
    principal: CurrentTrainer,
    client: TrainerClient,
    archived: Annotated[Literal["yes", "no"], Form()],
) -> Response:
    with unit_of_work(engine) as uow:
        accounts.set_client_archived(uow, uow.get_one(Client, client.id), archived == "yes")
    return redirect("/clients" if archived == "yes" else f"/clients/{client.id}")


@router.get("/clients/{client_id}/export.json")
def client_export(engine: EngineDep, principal: CurrentPrincipal, client: OwnedClient) -> Response:
    """The client's whole history in the ``glutefire export`` format (importable again)."""
    with unit_of_work(engine) as uow:
        document = export_person(uow, client.person_name)
    stamp = dt.date.today().isoformat()
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="client-{client.id}-{stamp}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/clients/{client_id}/delete")
def client_delete_form(
    request: Request, principal: CurrentTrainer, client: TrainerClient
) -> Response:
    return page(request, "client_delete.html", principal, client=client)


def remove_client_files(settings: WebSettings, files: accounts.DeletedClientFiles) -> None:
    """Delete a deleted client's uploaded clips and keyframe folders (names we wrote)."""
    for name in files.upload_names:
        (settings.upload_dir / name).unlink(missing_ok=True)
    for screening_id in files.screening_ids:
        shutil.rmtree(settings.keyframe_dir / str(screening_id), ignore_errors=True)


@router.post("/clients/{client_id}/delete", dependencies=[Csrf])
def client_delete(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentTrainer,
    client: TrainerClient,
    confirm_name: Annotated[str, Form()] = "",
) -> Response:
    """Delete after the trainer typed the client's name (any case or spacing)."""
    if accounts.client_name_key(confirm_name) != accounts.client_name_key(client.display_name):
        return page(
            request,
            "client_delete.html",
            principal,
            status=400,
            client=client,
            confirm_error=f"type the client's name, {client.display_name}, to confirm the deletion",
        )
    with unit_of_work(engine) as uow:
        files = accounts.delete_client(uow, uow.get_one(Client, client.id))
    remove_client_files(settings, files)
    return redirect(f"/clients?{urlencode({'deleted': client.display_name})}")


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
