"""Session logging: the plan's next session, with what was done per exercise (sets, reps or
hold seconds, load with its unit) or skipped, pain and effort."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.datastructures import FormData

from glutefire.errors import GlutefireError, RecordError
from glutefire.programming.plan import PlanSession
from glutefire.programming.schedule import is_training_day, next_training_day
from glutefire.store.exercise_checks import attach_checks
from glutefire.store.models import Client
from glutefire.store.repository import current_plan, last_session_label, log_session, unit_of_work
from glutefire.tracking.filmed import apply_measured
from glutefire.tracking.loads import LOAD_UNITS, load_from_fields
from glutefire.tracking.session_entry import (
    ExerciseDone,
    SetOverride,
    build_session_entry,
    current_phase,
    local_noon,
    next_session,
)
from glutefire.web.deps import Csrf, CurrentPrincipal, EngineDep, OwnedClient, SettingsDep
from glutefire.web.filmed import check_uploads, chosen_clips, filmable
from glutefire.web.forms import day as form_day
from glutefire.web.forms import whole_number
from glutefire.web.render import page, redirect

router = APIRouter()
#: Bounds of what one exercise's row accepts (design values: typo guards, not training advice).
MAX_SETS = 20
MAX_REPS = 200
MAX_HOLD_S = 600


def exercise_overrides(form: FormData, planned: Sequence[ExerciseDone]) -> list[SetOverride]:
    """What was done per planned exercise, from the fields ``sets_<id>``, ``reps_<id>`` (or
    ``hold_<id>`` in seconds for holds), ``load_<id>`` and ``unit_<id>``. A row left blank means
    done as planned; a row with any field filled is taken as done (sets default to the plan's)."""
    overrides = []
    for exercise in planned:
        xid, is_hold = exercise.exercise_id, exercise.target_hold_s is not None
        name = exercise.name or xid
        sets = whole_number(form, f"sets_{xid}", f"sets of {name}", MAX_SETS)
        amount_field, amount_what, high = (
            (f"hold_{xid}", f"hold seconds of {name}", MAX_HOLD_S)
            if is_hold
            else (f"reps_{xid}", f"reps of {name}", MAX_REPS)
        )
        amount = whole_number(form, amount_field, amount_what, high)
        try:
            load = load_from_fields(
                str(form.get(f"load_{xid}") or "")[:40], str(form.get(f"unit_{xid}") or "")[:20]
            )
        except RecordError as exc:
            raise RecordError(f"{name}: {exc}") from None
        if sets is None and amount is None and load is None:
            continue
        done: float | None = amount
        if done is None:
            done = exercise.done_hold_s if is_hold else exercise.done_reps
        overrides.append(
            SetOverride(
                exercise_id=xid,
                sets=sets if sets is not None else exercise.target_sets or 0,
                reps=None if is_hold or done is None else int(done),
                hold_s=float(done) if is_hold and done is not None else None,
                load=None if load is None else load.text,
                measured=load,
            )
        )
    return overrides


@dataclass(frozen=True)
class Today:
    """What the client's plan asks for today, in the client's time zone.

    ``state``: ``session`` (a training day: ``upcoming`` is the next session of the rotation;
    ``starts_on`` the plan's first day when that is still to come), ``rest`` (a rest day of the
    plan's weekly schedule, :mod:`glutefire.programming.schedule`: ``upcoming`` is the session
    due on ``next_training_day``, which is None when the plan has no training days),
    ``stopped`` (the current plan was stopped by red flags: ``red_flags`` are the answers that
    raised them, ``advice`` what to do), ``no_plan`` (no plan, or none with sessions)."""

    state: Literal["session", "rest", "stopped", "no_plan"]
    date: dt.date
    upcoming: Mapping[str, Any] | None = None
    logged_today: tuple[str, ...] = ()
    starts_on: dt.date | None = None
    next_training_day: dt.date | None = None
    red_flags: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()

    @property
    def prescribed(self) -> PlanSession | None:
        """``upcoming`` as the typed plan session (for doses in words)."""
        return PlanSession.model_validate(self.upcoming) if self.upcoming is not None else None


def todays_session(engine: Engine, client_id: int) -> Today:
    """The plan's session for today, or today's rest day (see :class:`Today`)."""
    with unit_of_work(engine) as uow:
        person = uow.get_one(Client, client_id).person
        today = dt.datetime.now(ZoneInfo(person.time_zone)).date()
        plan = current_plan(uow, person)
        if plan is not None and plan.status == "stopped":
            return Today(
                "stopped",
                today,
                red_flags=tuple(str(f) for f in plan.plan.get("red_flags", [])),
                advice=tuple(str(a) for a in plan.plan.get("advice", [])),
            )
        phase = current_phase(plan.plan, today) if plan is not None else None
        if plan is None or phase is None:
            return Today("no_plan", today)
        logged = tuple(
            s.session_label or "-"
            for s in person.sessions
            if s.plan_id == plan.id
            and s.performed_at.astimezone(ZoneInfo(s.time_zone)).date() == today
        )
        upcoming = next_session(phase, last_session_label(uow, person, plan))
        return _session_or_rest(
            Today("session", today, upcoming=upcoming, logged_today=logged),
            plan.start_date,
            plan.sessions_per_week,
        )


def _session_or_rest(today: Today, start: dt.date | None, sessions_per_week: int) -> Today:
    """``today`` as a training day, a rest day of the weekly schedule, or the day before the
    plan starts (a session on ``starts_on``)."""
    if start is None:
        return today
    if start > today.date:
        return replace(today, starts_on=start)
    if is_training_day(start, sessions_per_week, today.date):
        return today
    following = next_training_day(start, sessions_per_week, today.date)
    return replace(today, state="rest", next_training_day=following)


def _planned(upcoming: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return list(upcoming["exercises"]) if upcoming is not None else []


def _form_page(
    request: Request,
    engine: Engine,
    principal: CurrentPrincipal,
    client: OwnedClient,
    *,
    form: Mapping[str, Any],
    error: str | None = None,
    skipped: Sequence[Any] = (),
) -> Response:
    """The session form (again, with what was typed and the error, after a refused submit)."""
    today = todays_session(engine, client.id)
    upcoming = today.upcoming
    return page(
        request,
        "session_form.html",
        principal,
        status=400 if form else 200,
        client=client,
        upcoming=upcoming,
        plan_today=today,
        today=dt.date.today().isoformat(),
        error=error,
        load_units=LOAD_UNITS,
        form=form,
        skipped=list(skipped),
        filmable=filmable(_planned(upcoming)),
        max_filmed_clip_s=f"{request.app.state.settings.max_filmed_clip_s:g}",
    )


def _typed_fields_first(form: FormData, planned: Sequence[Mapping[str, Any]]) -> None:
    """Read the typed fields once (they are read again in the transaction); raise their
    :class:`RecordError` before any clip is checked."""
    form_day(form, "date", "the date")
    whole_number(form, "pain", "pain (0-10)", 10)
    whole_number(form, "effort", "effort (RPE 1-10)", 10)
    rows = [
        ExerciseDone(
            exercise_id=str(x["exercise_id"]),
            name=x.get("name"),
            target_hold_s=x.get("hold_s"),
        )
        for x in planned
    ]
    exercise_overrides(form, rows)


@router.get("/clients/{client_id}/sessions/new")
def session_form(
    request: Request,
    engine: EngineDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    error: str | None = None,
) -> Response:
    return _form_page(request, engine, principal, client, form={}, error=error)


@router.post("/clients/{client_id}/sessions", dependencies=[Csrf])
async def session_log(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
) -> Response:
    """Log the session; each filmed set's clip is checked first (slow, before the database
    transaction), its reps or hold fill the done values and its checks are stored with the
    session, in the same transaction: a refused clip stores nothing."""
    form = await request.form()
    try:
        planned = _planned(todays_session(engine, client.id).upcoming)
        _typed_fields_first(form, planned)  # a typo is answered before the slow clip checks
        measured = await check_uploads(chosen_clips(form, planned), settings)
        with unit_of_work(engine) as uow:
            person = uow.get_one(Client, client.id).person
            plan = current_plan(uow, person)
            plan = plan if plan is not None and plan.status == "active" else None
            day = form_day(form, "date", "the date") or dt.date.today()
            skipped = [str(v) for v in form.getlist("skip")]
            entry_of = partial(
                build_session_entry,
                plan.plan if plan else None,
                performed_at=local_noon(day, person.time_zone),
                time_zone=person.time_zone,
                last_label=last_session_label(uow, person, plan),
                pain_0_10=whole_number(form, "pain", "pain (0-10)", 10),
                effort_rpe_1_10=whole_number(form, "effort", "effort (RPE 1-10)", 10),
                notes=str(form.get("notes") or "")[:2000] or None,
                skip=skipped,
            )
            as_planned = [e for e in entry_of().exercises if not e.skipped]
            entry = entry_of(sets=exercise_overrides(form, as_planned))
            entry = replace(entry, exercises=apply_measured(entry.exercises, measured))
            row = log_session(uow, person.name, entry, plan=plan)
            attach_checks(uow, row, measured)
    except (GlutefireError, ValueError) as exc:
        return _form_page(
            request,
            engine,
            principal,
            client,
            form=form,
            error=str(exc),
            skipped=form.getlist("skip"),
        )
    return redirect(f"/clients/{client.id}/progress")
