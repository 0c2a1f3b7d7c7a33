"""Editing and copying a plan without the questionnaire (programming/edit.py): swap an
exercise, change minutes or sessions a week or the start date; each save is a new version."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.datastructures import FormData

from glutefire.errors import GlutefireError, PlanError
from glutefire.programming.builder import load_program_data
from glutefire.programming.edit import PlanChange, edit_plan, plan_exercise_ids, swap_choices
from glutefire.programming.library import Exercise
from glutefire.programming.plan import Plan as PlanModel
from glutefire.programming.questionnaire import Answers, parse_answers
from glutefire.programming.render import plan_to_json
from glutefire.result import ScreeningResult
from glutefire.store.models import Client, Intake, Screening
from glutefire.store.repository import current_plan, record_plan, unit_of_work
from glutefire.web.deps import ClientRef, Csrf, CurrentPrincipal, EngineDep, TrainerClient
from glutefire.web.forms import day as form_day
from glutefire.web.forms import whole_number
from glutefire.web.render import page, redirect

router = APIRouter()


@dataclass(frozen=True)
class PlanSources:
    """What the current plan was built from, to rebuild it with a change."""

    plan_id: int
    plan: PlanModel
    answers: Answers
    findings: ScreeningResult | None
    intake_id: int
    screening_id: int | None


def plan_sources(engine: Engine, client_id: int) -> PlanSources:
    """The client's active plan with its stored answers and the screening it used (for plans
    made before the screening was recorded on the plan: the latest screening before it)."""
    with unit_of_work(engine) as uow:
        person = uow.get_one(Client, client_id).person
        row = current_plan(uow, person)
        if row is None or row.status != "active":
            raise HTTPException(status_code=404, detail="no active plan to edit")
        if row.intake_id is None:
            raise PlanError(
                "expected the questionnaire answers this plan was built from, but none are "
                "stored; fill in the questionnaire to build a new plan"
            )
        plan = PlanModel.model_validate(row.plan)
        screening = uow.get(Screening, row.screening_id) if row.screening_id else None
        if screening is None and plan.findings_used:
            earlier = [s for s in person.screenings if s.recorded_at <= row.created_at]
            screening = earlier[-1] if earlier else None
            if screening is None:
                raise PlanError(
                    "expected the screening this plan was built from, but it is no longer "
                    "stored; fill in the questionnaire to build a new plan"
                )
        return PlanSources(
            row.id,
            plan,
            parse_answers(uow.get_one(Intake, row.intake_id).answers),
            screening.parsed_result() if screening is not None else None,
            row.intake_id,
            screening.id if screening is not None else None,
        )


def _swap_choices(sources: PlanSources) -> dict[str, list[Exercise]]:
    data = load_program_data()
    return {
        x: swap_choices(
            sources.plan, x, answers=sources.answers, findings=sources.findings, data=data
        )
        for x in plan_exercise_ids(sources.plan)
    }


def _edit_page(request, principal, client, sources: PlanSources, **context) -> Response:
    return page(
        request,
        "plan_edit.html",
        principal,
        client=client,
        plan=sources.plan,
        choices=_swap_choices(sources),
        names={e.id: e.name for e in load_program_data().library.exercises},
        today=dt.date.today().isoformat(),
        **context,
    )


@router.get("/clients/{client_id}/plan/edit")
def plan_edit_form(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: TrainerClient
) -> Response:
    return _edit_page(request, principal, client, plan_sources(engine, client.id), form={})


def plan_change(form: FormData, plan: PlanModel) -> PlanChange:
    """The edit form: minutes, sessions a week, start date and ``swap_<exercise id>`` choices."""
    swaps = []
    for exercise_id in plan_exercise_ids(plan):
        chosen = str(form.get(f"swap_{exercise_id}") or "").strip()
        if chosen:
            swaps.append((exercise_id, chosen[:64]))
    return PlanChange(
        minutes_per_session=whole_number(form, "minutes_per_session", "minutes per session", 999),
        sessions_per_week=whole_number(form, "sessions_per_week", "sessions per week", 99),
        start_date=form_day(form, "start_date", "the start date"),
        swaps=tuple(swaps),
    )


def _save_version(
    engine: Engine, client: ClientRef, sources: PlanSources, change: PlanChange
) -> None:
    """The plan rebuilt with ``change``, stored as the new active version."""
    edited = edit_plan(
        sources.plan,
        change,
        answers=sources.answers,
        findings=sources.findings,
        data=load_program_data(),
        today=dt.date.today(),
    )
    with unit_of_work(engine) as uow:
        record_plan(
            uow,
            client.person_name,
            json.loads(plan_to_json(edited)),
            intake_id=sources.intake_id,
            screening_id=sources.screening_id,
        )


@router.post("/clients/{client_id}/plan/edit", dependencies=[Csrf])
async def plan_edit_submit(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: TrainerClient
) -> Response:
    """Save the edited plan as a new version (the old one is kept, superseded)."""
    form = await request.form()
    sources = plan_sources(engine, client.id)
    try:
        _save_version(engine, client, sources, plan_change(form, sources.plan))
    except (GlutefireError, ValueError) as exc:
        return _edit_page(
            request, principal, client, sources, form=form, error=str(exc), status=400
        )
    return redirect(f"/clients/{client.id}/plan")


@router.post("/clients/{client_id}/plan/copy", dependencies=[Csrf])
async def plan_copy(
    request: Request, engine: EngineDep, principal: CurrentPrincipal, client: TrainerClient
) -> Response:
    """The same plan as a new version from a new start date (e.g. to run it again)."""
    form = await request.form()
    sources = plan_sources(engine, client.id)
    try:
        change = PlanChange(start_date=form_day(form, "start_date", "the start date"))
        _save_version(engine, client, sources, change)
    except (GlutefireError, ValueError) as exc:
        return _edit_page(request, principal, client, sources, form={}, error=str(exc), status=400)
    return redirect(f"/clients/{client.id}/plan")
