"""``glutefire intake`` and ``glutefire plan``: questionnaire -> intake file -> corrective plan."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape

from glutefire.cli.common import (
    DbOption,
    NewPersonOption,
    StoreAsOption,
    console,
    database,
    require_person,
    user_errors,
)
from glutefire.errors import InputFileError, IntakeError, PlanError
from glutefire.programming.builder import PlanOptions, build_plan, load_program_data
from glutefire.programming.questionnaire import (
    Answers,
    Intake,
    KujalaItem,
    answer_facts,
    parse_answers,
    scales_data,
    score_scales,
)
from glutefire.programming.questions import parse_number_in, parse_one_of, parse_yes_no
from glutefire.programming.red_flags import check_red_flags
from glutefire.programming.render import plan_to_json, plan_to_markdown, print_plan
from glutefire.result import ScreeningResult, parse_result


def register(app: typer.Typer) -> None:
    """Add the ``intake`` and ``plan`` commands to ``app``."""
    app.command("intake")(intake)
    app.command("plan")(plan)


# ---------------------------------------------------------------- file helpers


def read_data_file(path: Path, *, what: str) -> Any:
    """Parse a YAML or JSON file; raise :class:`InputFileError` with one clear line."""
    if not path.is_file():
        raise InputFileError(f"expected an existing {what} file, but got {str(path)!r}")
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"expected {what} file {str(path)!r} to be YAML or JSON, but it "
            f"could not be parsed ({type(exc).__name__})"
        ) from None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputFileError(f"expected to write {str(path)!r}, but got {exc.strerror}") from None


def _parse_date(text: str | None, *, option: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PlanError(f"expected {option} as YYYY-MM-DD, but got {text!r}") from None


# ---------------------------------------------------------------- intake


def intake(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="YAML or JSON answers file (see docs/questionnaire.md). "
            "Without it the questions are asked interactively.",
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write the intake JSON (written only when all answers are valid).",
        ),
    ] = Path("intake.json"),
    person: StoreAsOption = None,
    new_person: NewPersonOption = False,
    db: DbOption = None,
) -> None:
    """Answer the questionnaire and save the intake file used by `glutefire plan`."""
    with user_errors():
        if person is not None:
            _check_person(person, new_person, db)
        raw = read_data_file(answers, what="answers") if answers else ask_questions()
        parsed = parse_answers(raw)
        record = make_intake(parsed, created_on=dt.date.today())
        document = record.model_dump(mode="json")
        if person is not None:
            _store_intake(person, document, db)
        write_atomic(out, json.dumps(document, indent=2) + "\n")
    _print_intake_summary(record, out)


def make_intake(answers: Answers, *, created_on: dt.date) -> Intake:
    """Answers plus scored scales and raised red flags (pure)."""
    flags = check_red_flags(answer_facts(answers))
    return Intake(
        created_on=created_on.isoformat(),
        answers=answers,
        scores=score_scales(answers.scales),
        red_flags=[f.message for f in flags],
    )


def _print_intake_summary(record: Intake, out: Path) -> None:
    console.print(f"Saved intake to {out}", highlight=False)
    scores = {k: v for k, v in record.scores.model_dump().items() if v is not None}
    if scores:
        from glutefire.cli.tracking import scores_text

        console.print(f"Scores: {scores_text(scores)}", highlight=False, markup=False)
    if record.red_flags:
        console.print(
            "[bold red]Warning signs:[/] "
            + escape("; ".join(record.red_flags))
            + ". A plan will advise seeing a clinician first.",
            highlight=False,
        )


def _ask(prompt: str, parse: Callable[[str], Any], default: str | None = None) -> Any:
    """Ask until ``parse`` accepts the answer; show its error message otherwise."""
    while True:
        raw = typer.prompt(prompt, default=default) if default is not None else typer.prompt(prompt)
        try:
            return parse(str(raw).strip())
        except ValueError as exc:
            console.print(f"[red]{escape(str(exc))}[/]", highlight=False)


def number_in(low: float, high: float, *, integer: bool = False) -> Callable[[str], float | int]:
    """Parser for a number in [low, high]."""
    return partial(parse_number_in, low=low, high=high, integer=integer)


def choice_of(options: tuple[str, ...]) -> Callable[[str], str]:
    """Parser for one of ``options``."""
    return partial(parse_one_of, options=options)


def ask_questions() -> dict[str, Any]:
    """Interactive questionnaire from ``data/questionnaire.yaml`` (the same questions as the
    web form); returns a raw answers mapping (validated by the caller)."""
    from glutefire.programming.questions import (
        load_questions,
        parse_reply,
        set_path,
        terminal_prompt,
    )

    console.print("glutefire questionnaire: answer each question; press Enter for the default.")
    answers: dict[str, Any] = {}
    for q in load_questions().questions:
        default = q.default if q.default is not None else ("" if q.optional else None)
        value = _ask(terminal_prompt(q), partial(parse_reply, q), default)
        if q.kind == "pain_sites":
            value = {
                site: _ask(f"Pain at {site}, 0-10", number_in(0, 10, integer=True))
                for site in value
            }
        if value is not None:
            set_path(answers, q.id, value)
    if _ask("Add optional scales (Kujala, Oswestry, NPRS)? (y/n)", parse_yes_no, "n"):
        answers["scales"] = _ask_scales()
    return answers


def _ask_scales() -> dict[str, Any]:
    scales: dict[str, Any] = {
        "nprs": _ask("Pain right now, 0-10 (NPRS)", number_in(0, 10, integer=True))
    }
    if _ask("Answer the Kujala knee questionnaire (13 items)? (y/n)", parse_yes_no, "n"):
        scales["kujala"] = [_ask_kujala_item(item) for item in scales_data().kujala.items]
    if _ask("Answer the Oswestry back questionnaire (10 sections)? (y/n)", parse_yes_no, "n"):
        sections = scales_data().oswestry.sections
        scales["oswestry"] = [
            _ask(f"Oswestry - {name}: 0 (no problem) to 5 (worst), or skip", _section_score, "skip")
            for name in sections
        ]
    return scales


def _ask_kujala_item(item: KujalaItem) -> str:
    letters = "abcdefgh"[: len(item.options)]
    menu = "; ".join(
        f"{letter}) {option[0]}" for letter, option in zip(letters, item.options, strict=True)
    )
    return _ask(f"Kujala - {item.question}: {menu}", choice_of(tuple(letters)))


def _section_score(text: str) -> int | None:
    return None if text == "skip" else int(number_in(0, 5, integer=True)(text))


# ---------------------------------------------------------------- plan


def plan(
    intake_file: Annotated[
        Path | None,
        typer.Option(
            "--intake",
            help="Intake JSON from `glutefire intake` (or a raw answers YAML/JSON); with "
            "--person and no --intake, the person's last stored questionnaire.",
        ),
    ] = None,
    minutes_per_session: Annotated[
        int | None,
        typer.Option(
            "--minutes-per-session",
            help="Time you really have per session, in minutes (5-180); with --person, "
            "default: the current plan's.",
        ),
    ] = None,
    findings: Annotated[
        Path | None,
        typer.Option(
            "--findings",
            help="Screening result JSON from `glutefire screen` (optional); with --person "
            "and no --intake, the person's latest stored screening.",
        ),
    ] = None,
    sessions_per_week: Annotated[
        int | None,
        typer.Option(
            "--sessions-per-week", help="Sessions a week (1-6); default 3, or 1 in maintenance."
        ),
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", help="Program length in weeks (1-52).")] = 6,
    maintenance: Annotated[
        bool,
        typer.Option(
            "--maintenance", help="Minimum dose that keeps gains: ~1 session a week, 1 set each."
        ),
    ] = False,
    start_date: Annotated[
        str | None, typer.Option("--start-date", help="First day, YYYY-MM-DD (default today).")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the plan JSON here.")
    ] = None,
    markdown_out: Annotated[
        Path | None, typer.Option("--markdown", help="Write the plan as Markdown here.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Do not print the plan.")] = False,
    person: StoreAsOption = None,
    new_person: NewPersonOption = False,
    db: DbOption = None,
) -> None:
    """Build a phased, dosed corrective plan that fits your time."""
    with user_errors():
        if person is not None:
            _check_person(person, new_person, db)
        raw_answers, result, minutes = _plan_inputs(
            intake_file, findings, minutes_per_session, person, db
        )
        answers = parse_answers(raw_answers)
        options = PlanOptions(
            minutes_per_session=minutes,
            sessions_per_week=sessions_per_week,
            weeks=weeks,
            maintenance=maintenance,
            created_on=dt.date.today(),
            start_date=_parse_date(start_date, option="--start-date"),
        )
        built = build_plan(
            answers=answers, findings=result, options=options, data=load_program_data()
        )
        if json_out is not None:
            write_atomic(json_out, plan_to_json(built))
        if markdown_out is not None:
            write_atomic(markdown_out, plan_to_markdown(built))
        if person is not None:
            _store_plan(person, built.model_dump(mode="json"), answers, db)
    if not quiet:
        print_plan(built, console)
    if built.stopped:
        raise typer.Exit(code=3)


def _check_person(person: str, new_person: bool, db: str | None) -> None:
    from glutefire.store.repository import unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        require_person(uow, person, new_person=new_person)


def _plan_inputs(
    intake_file: Path | None,
    findings: Path | None,
    minutes: int | None,
    person: str | None,
    db: str | None,
) -> tuple[Any, ScreeningResult | None, int]:
    """(answers, screening result or None, minutes): from the files, or for a re-plan of
    ``person`` from their last stored questionnaire, latest screening and current budget."""
    if intake_file is not None:
        result = _findings_file(findings) if findings is not None else None
        if minutes is None:
            raise PlanError("expected --minutes-per-session MINUTES, but got none")
        return read_data_file(intake_file, what="intake"), result, minutes
    if person is None:
        raise PlanError("expected --intake FILE, or --person NAME to re-plan from stored data")
    return _stored_plan_inputs(person, findings, minutes, db)


def _stored_plan_inputs(
    person: str, findings: Path | None, minutes: int | None, db: str | None
) -> tuple[Any, ScreeningResult | None, int]:
    from glutefire.store.repository import current_plan, get_person, unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        who = get_person(uow, person)
        if not who.intakes:
            raise PlanError(
                f"expected a stored questionnaire for {who.name}, but found none: run "
                f"`glutefire intake -p {who.name}` or pass --intake FILE"
            )
        answers = who.intakes[-1].answers
        answers = answers.get("answers", answers) if isinstance(answers, dict) else answers
        result = who.screenings[-1].parsed_result() if who.screenings else None
        plan_row = current_plan(uow, who)
        stored_minutes = plan_row.plan.get("minutes_per_session") if plan_row else None
    if findings is not None:
        result = _findings_file(findings)
    minutes = minutes if minutes is not None else stored_minutes
    if not isinstance(minutes, int):
        raise PlanError("expected --minutes-per-session MINUTES (no current plan to take it from)")
    return answers, result, minutes


def _findings_file(path: Path) -> ScreeningResult:
    return parse_result(read_data_file(path, what="findings"), origin=str(path))


def _store_intake(person: str, document: dict, db: str | None) -> None:
    """Save questionnaire answers (with scores and red flags) for ``person``."""
    from glutefire.store.repository import record_intake, unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        record_intake(uow, person, document)


def _store_plan(person: str, plan_json: dict, answers: Any, db: str | None) -> None:
    """Save the plan (and the answers it came from) for ``person`` in one transaction."""
    from glutefire.store.repository import record_plan, unit_of_work

    with database(db) as engine, unit_of_work(engine) as uow:
        record_plan(uow, person, plan_json, intake=answers.model_dump(mode="json"))


__all__ = ["register", "intake", "plan", "IntakeError"]
