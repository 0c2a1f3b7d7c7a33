"""Workout-log import (Strong or Hevy CSV export) and the glute:quad balance view: the same
reader, store and weekly balance as ``glutefire import-log`` and ``glutefire balance``."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import Engine

from glutefire.errors import GlutefireError, TrainingLogFormatError
from glutefire.store.history import training_sets
from glutefire.store.models import Client
from glutefire.store.repository import add_training_log, unit_of_work
from glutefire.tracking import plots
from glutefire.tracking.adherence import week_start
from glutefire.tracking.training_log.balance import BalanceReport, weekly_balance
from glutefire.tracking.training_log.classify import make_classifier
from glutefire.tracking.training_log.formats import READERS, WEIGHT_UNITS, parse_training_log
from glutefire.tracking.training_log.model import ParsedLog
from glutefire.web.deps import Csrf, CurrentPrincipal, EngineDep, OwnedClient, TrainerClient
from glutefire.web.render import page

router = APIRouter()
#: Largest CSV accepted (a year of daily workouts from Strong is about 1 MB).
MAX_LOG_BYTES = 8 * 1024 * 1024
BALANCE_WEEKS = 8
PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class ImportReport:
    """What an import did, as ``glutefire import-log`` prints it."""

    parsed: ParsedLog
    added: int
    duplicates: int
    unclassified: list[str]


@dataclass(frozen=True)
class BalanceView:
    weeks: int
    report: BalanceReport
    plot_png: bytes

    @property
    def plot_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.plot_png).decode()


def balance_view(engine: Engine, client_id: int, *, weeks: int = BALANCE_WEEKS) -> BalanceView:
    """The last ``weeks`` ISO weeks (this one included) of imported sets, hip vs knee."""
    with unit_of_work(engine) as uow:
        person = uow.get_one(Client, client_id).person
        sets, time_zone = training_sets(person), person.time_zone
    as_of = dt.datetime.now(ZoneInfo(time_zone)).date()
    since = week_start(as_of) - dt.timedelta(weeks=weeks - 1)
    report = weekly_balance(sets, make_classifier(), time_zone=time_zone, since=since)
    with tempfile.TemporaryDirectory(prefix="glutefire-balance-") as tmp:
        (png,) = plots.plot_balance(report, Path(tmp), formats=("png",))
        return BalanceView(weeks, report, png.read_bytes())


async def _read_csv_text(upload: UploadFile) -> str:
    data = await upload.read(MAX_LOG_BYTES + 1)
    if len(data) > MAX_LOG_BYTES:
        raise TrainingLogFormatError(
            f"expected a CSV export of at most {MAX_LOG_BYTES // (1024 * 1024)} MB"
        )
    if not data.strip():
        raise TrainingLogFormatError("expected a CSV export, but the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrainingLogFormatError(
            "expected a UTF-8 CSV export from Strong or Hevy, but the file is not text"
        ) from None


def _parse(text: str, *, time_zone: str, fmt: str, weight_unit: str) -> ParsedLog:
    if fmt and fmt not in READERS:
        raise TrainingLogFormatError(f"expected format {' or '.join(READERS)}, but got {fmt!r}")
    try:
        parsed = parse_training_log(
            text, time_zone=time_zone, fmt=fmt or None, weight_unit=weight_unit
        )
    except csv.Error as exc:
        raise TrainingLogFormatError(f"expected a well-formed CSV file, but {exc}") from None
    if not parsed.sets:
        first = parsed.problems[0] if parsed.problems else None
        why = f"line {first.line}: {first.reason}" if first else "it holds no set rows"
        raise TrainingLogFormatError(
            f"expected at least one valid set in the {parsed.format} export, but {why} "
            f"({len(parsed.problems)} bad rows; nothing imported)"
        )
    return parsed


def _page(
    request, engine, principal, client, *, status=200, weeks=BALANCE_WEEKS, **context
) -> Response:
    return page(
        request,
        "training_log.html",
        principal,
        status=status,
        client=client,
        balance=balance_view(engine, client.id, weeks=weeks),
        formats=list(READERS),
        weight_units=WEIGHT_UNITS,
        problems_shown=PROBLEMS_SHOWN,
        **context,
    )


@router.get("/clients/{client_id}/training-log")
def training_log_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    weeks: Annotated[int, Query(ge=1, le=104)] = BALANCE_WEEKS,
) -> Response:
    return _page(request, engine, principal, client, weeks=weeks)


@router.post("/clients/{client_id}/training-log", dependencies=[Csrf])
async def import_training_log(
    request: Request,
    engine: EngineDep,
    principal: CurrentPrincipal,
    client: TrainerClient,
    log: UploadFile,
    fmt: Annotated[str, Form()] = "",
    weight_unit: Annotated[str, Form()] = "kg",
) -> Response:
    """Import the CSV (sets already stored are skipped); bad rows are listed, not imported."""
    try:
        text = await _read_csv_text(log)
        with unit_of_work(engine) as uow:
            person = uow.get_one(Client, client.id).person
            parsed = _parse(text, time_zone=person.time_zone, fmt=fmt, weight_unit=weight_unit)
            result = add_training_log(uow, person.name, parsed.sets, source=parsed.format)
    except GlutefireError as exc:
        return _page(request, engine, principal, client, status=422, error=str(exc))
    classify = make_classifier()
    unclassified = sorted(
        {s.exercise_name for s in parsed.sets if classify(s.exercise_name).method == "unclassified"}
    )
    report = ImportReport(parsed, result.added, result.duplicates, unclassified)
    return _page(request, engine, principal, client, imported=report)
