"""Two screenings of a client side by side: dates, views and reps, each finding's measure
before and now with its unit, the smallest detectable difference and the verdict (the same
:func:`~glutefire.tracking.relapse.compare_screenings` as ``glutefire progress``), and the
keyframes of both next to each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from glutefire.reports.explained import StoredScreening
from glutefire.store.models import Client
from glutefire.store.repository import unit_of_work
from glutefire.tracking.relapse import (
    Comparison,
    FindingMeasure,
    compare_screenings,
    finding_measures,
    load_rules,
)
from glutefire.web.deps import CurrentPrincipal, EngineDep, OwnedClient, SettingsDep
from glutefire.web.render import page

router = APIRouter()


@dataclass(frozen=True)
class OneSided:
    """A measure found in only one of the two screenings (e.g. another camera view)."""

    measure: FindingMeasure
    in_earlier: bool


@dataclass(frozen=True)
class KeyframePair:
    """One finding's keyframe in the earlier and the later screening (``None``: none kept)."""

    code: str
    earlier: str | None
    later: str | None


@dataclass(frozen=True)
class SideBySide:
    earlier: StoredScreening
    later: StoredScreening
    rows: list[Comparison]
    one_sided: list[OneSided]
    keyframes: list[KeyframePair]


def _screenings(engine: Engine, client_id: int) -> list[StoredScreening]:
    with unit_of_work(engine) as uow:
        rows = uow.get_one(Client, client_id).person.screenings
        return [StoredScreening(s.id, s.recorded_at, s.parsed_result()) for s in rows]


def _keyframe_pairs(folder: Path, earlier: int, later: int) -> list[KeyframePair]:
    def names(sid: int) -> set[str]:
        return {p.stem for p in (folder / str(sid)).glob("*.png")}

    before, after = names(earlier), names(later)
    return [
        KeyframePair(code, code if code in before else None, code if code in after else None)
        for code in sorted(before | after)
    ]


def side_by_side(
    screenings: list[StoredScreening], a: int, b: int, keyframe_dir: Path
) -> SideBySide:
    """Screenings ``a`` and ``b`` (ids, either order) compared, the earlier one first."""
    by_id = {s.id: s for s in screenings}
    if a not in by_id or b not in by_id:
        raise HTTPException(status_code=404, detail="no such screening")
    if a == b:
        raise HTTPException(status_code=422, detail="expected two different screenings")
    earlier, later = sorted((by_id[a], by_id[b]), key=lambda s: (s.recorded_at, s.id))
    noise = load_rules().noise
    rows = compare_screenings(
        earlier.result,
        later.result,
        noise,
        previous_at=earlier.recorded_at,
        current_at=later.recorded_at,
    )
    before, after = finding_measures(earlier.result, noise), finding_measures(later.result, noise)
    one_sided = [OneSided(m, True) for k, m in before.items() if k not in after]
    one_sided += [OneSided(m, False) for k, m in after.items() if k not in before]
    return SideBySide(
        earlier, later, rows, one_sided, _keyframe_pairs(keyframe_dir, earlier.id, later.id)
    )


@router.get("/clients/{client_id}/compare")
def compare_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    a: Annotated[int | None, Query()] = None,
    b: Annotated[int | None, Query()] = None,
) -> Response:
    """``a`` and ``b`` default to the client's two latest screenings."""
    screenings = _screenings(engine, client.id)
    known = {s.id for s in screenings}
    if any(x is not None and x not in known for x in (a, b)):
        raise HTTPException(status_code=404, detail="no such screening")
    if len(screenings) < 2:
        return page(request, "compare.html", principal, client=client, screenings=screenings)
    a = a if a is not None else screenings[-2].id
    b = b if b is not None else screenings[-1].id
    view = side_by_side(screenings, a, b, settings.keyframe_dir)
    return page(
        request,
        "compare.html",
        principal,
        client=client,
        screenings=screenings,
        view=view,
        picked=(a, b),
    )
