"""Questionnaire form -> corrective plan (the same builder as ``glutefire plan``); plan page."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.datastructures import FormData

from glutefire.errors import GlutefireError
from glutefire.programming.builder import PlanOptions, build_plan, load_program_data
from glutefire.programming.form import form_values, read_form
from glutefire.programming.plan import Plan as PlanModel
from glutefire.programming.questionnaire import parse_answers, scales_data
from glutefire.programming.questions import load_questions
from glutefire.programming.render import dose_text, plan_to_json
from glutefire.result import ScreeningResult
from glutefire.store.models import Client
from glutefire.store.repository import current_plan, record_plan, unit_of_work
from glutefire.web.deps import (
    ClientRef,
    Csrf,
    CurrentPrincipal,
    EngineDep,
    OwnedClient,
    Principal,
    TrainerClient,
)
from glutefire.web.render import page, redirect

router = APIRouter()


#: Largest magnitude a form number may have; the models' own ranges are far narrower (pain
#: 0-10, minutes per session, weeks), this only keeps ``inf``/``1e400`` out of arithmetic.
MAX_FORM_NUMBER = 1e6


def _number(form: FormData, name: str, default: str | None = None) -> float | None:
    """A finite number from a form field (``inf``, ``nan``, ``1e400`` are form errors)."""
    raw = str(form.get(name) or default or "").strip()
    if not raw:
        return None
    label = name.replace("_", " ")
    try:
        value = float(raw)
    except ValueError:
        raise GlutefireError(f"expected a number for {label}, but got {raw[:40]!r}") from None
    if not math.isfinite(value) or abs(value) > MAX_FORM_NUMBER:
        raise GlutefireError(f"expected a finite number for {label}, but got {raw[:40]!r}")
    return value


def _int(form: FormData, name: str, default: str | None = None) -> int | None:
    value = _number(form, name, default)
    if value is not None and not value.is_integer():
        label = name.replace("_", " ")
        raise GlutefireError(f"expected a whole number for {label}, but got {value:g}")
    return None if value is None else int(value)


def _int_or(form: FormData, name: str, default: str) -> int:
    """Like :func:`_int` with a non-empty default: a blank field gives the default."""
    value = _int(form, name, default)
    assert value is not None, "a non-empty default never gives None"
    return value


def _latest_result(engine: Engine, client_id: int) -> tuple[int, ScreeningResult] | None:
    """The latest screening's id and result."""
    with unit_of_work(engine) as uow:
        screenings = uow.get_one(Client, client_id).person.screenings
        return (screenings[-1].id, screenings[-1].parsed_result()) if screenings else None


#: The plan fields of the questionnaire form and their starting values.
PLAN_DEFAULTS = {
    "minutes_per_session": "30",
    "sessions_per_week": "",
    "weeks": "6",
    "maintenance": "",
    "use_screening": "on",
}


def _last_intake(engine: Engine, client_id: int) -> dict[str, Any] | None:
    with unit_of_work(engine) as uow:
        intakes = uow.get_one(Client, client_id).person.intakes
        return dict(intakes[-1].answers) if intakes else None


def _questionnaire_page(
    request: Request,
    principal: Principal,
    client: ClientRef,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    prefilled: bool = False,
) -> Response:
    return page(
        request,
        "questionnaire.html",
        principal,
        status=400 if errors else 200,
        client=client,
        questionnaire=load_questions(),
        scales=scales_data(),
        values=values,
        errors=errors or {},
        prefilled=prefilled,
        open_scales={
            scale
            for scale in ("kujala", "oswestry")
            for name in (*values, *(errors or {}))
            if name.startswith(f"{scale}_") and (values.get(name) or (errors or {}).get(name))
        },
    )


@router.get("/clients/{client_id}/questionnaire")
def questionnaire_form(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: TrainerClient
) -> Response:
    last = _last_intake(engine, client.id)
    values = {**PLAN_DEFAULTS, "start_date": dt.date.today().isoformat()}
    if last is not None:
        values.update(form_values(last))
    return _questionnaire_page(
        request, principal, client, values=values, prefilled=last is not None
    )


def _plan_field_errors(form: FormData) -> dict[str, str]:
    """A message per plan field that is not a number (or a date), for the form to show."""
    errors: dict[str, str] = {}
    for name in ("minutes_per_session", "sessions_per_week", "weeks"):
        try:
            _int(form, name)
        except (GlutefireError, ValueError, OverflowError) as exc:
            errors[name] = str(exc)
    raw = str(form.get("start_date") or "")
    try:
        dt.date.fromisoformat(raw or dt.date.today().isoformat())
    except ValueError:
        errors["start_date"] = f"expected a date as YYYY-MM-DD, but got {raw!r}"
    return errors


def _plan_options(form: FormData) -> PlanOptions:
    return PlanOptions(
        minutes_per_session=_int_or(form, "minutes_per_session", "30"),
        sessions_per_week=_int(form, "sessions_per_week"),
        weeks=_int_or(form, "weeks", "6"),
        maintenance=form.get("maintenance") == "on",
        created_on=dt.date.today(),
        start_date=dt.date.fromisoformat(str(form.get("start_date") or dt.date.today())),
    )


@router.post("/clients/{client_id}/questionnaire", dependencies=[Csrf])
async def questionnaire_submit(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: TrainerClient
) -> Response:
    form = await request.form()
    reading = read_form(form.get)
    values = {name: str(form.get(name) or "") for name in (*PLAN_DEFAULTS, "start_date")}
    values.update(reading.values)
    errors = {**reading.errors, **_plan_field_errors(form)}
    if not errors:
        try:
            answers = parse_answers(reading.answers)
            latest = (
                _latest_result(engine, client.id) if form.get("use_screening") == "on" else None
            )
            findings = latest[1] if latest is not None else None
            built = build_plan(
                answers=answers,
                findings=findings,
                options=_plan_options(form),
                data=load_program_data(),
            )
        except (GlutefireError, ValueError) as exc:
            errors[""] = str(exc)
    if errors:
        return _questionnaire_page(request, principal, client, values=values, errors=errors)
    with unit_of_work(engine) as uow:
        record_plan(
            uow,
            client.person_name,
            json.loads(plan_to_json(built)),
            intake=answers.model_dump(mode="json"),
            screening_id=latest[0] if latest is not None else None,
        )
    return redirect(f"/clients/{client.id}/plan")


def load_current_plan(engine, client_id: int) -> PlanModel | None:
    with unit_of_work(engine) as uow:
        row = current_plan(uow, uow.get_one(Client, client_id).person)
        return PlanModel.model_validate(row.plan) if row is not None else None


@router.get("/clients/{client_id}/plan")
def plan_page(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: OwnedClient
) -> Response:
    plan = load_current_plan(engine, client.id)
    if plan is None and not principal.is_trainer:
        raise HTTPException(status_code=404, detail="your trainer has not made a plan yet")
    return page(request, "plan.html", principal, client=client, plan=plan, dose_text=dose_text)
