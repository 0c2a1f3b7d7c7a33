"""Tracking commands: ``log``, ``progress``, ``balance``, ``import-log``, ``export``, ``import``,
``people`` and ``history``. Each command is one database transaction; bad input prints one line,
exits non-zero and leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import platformdirs
import typer
from rich.markup import escape

from glutefire.boundary import plausible_time
from glutefire.cli import tracking_render as render
from glutefire.cli.common import (
    DbOption,
    NewPersonOption,
    console,
    database,
    require_person,
    user_errors,
)
from glutefire.cli.tracking_keyframes import write_side_by_side
from glutefire.errors import InputFileError, RecordError
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.result import Status
from glutefire.store.exercise_checks import attach_checks, filmed_history
from glutefire.store.export import export_person, import_person
from glutefire.store.history import progress_inputs, training_sets
from glutefire.store.models import Person
from glutefire.store.repository import (
    add_training_log,
    current_plan,
    get_or_create_person,
    get_person,
    last_session_label,
    list_people,
    log_session,
    unit_of_work,
)
from glutefire.tracking import plots
from glutefire.tracking.adherence import week_start, weekly_adherence
from glutefire.tracking.filmed import (
    FilmedClip,
    apply_measured,
    check_spec_for,
    parse_clip_option,
    refuse_unfit,
)
from glutefire.tracking.relapse import (
    RelapseRules,
    detect_relapse,
    load_rules,
    metric_history,
    past_gaps,
)
from glutefire.tracking.session_entry import (
    build_session_entry,
    current_phase,
    local_noon,
    parse_set_override,
)
from glutefire.tracking.training_log.balance import weekly_balance
from glutefire.tracking.training_log.classify import load_overrides, make_classifier
from glutefire.tracking.training_log.formats import READERS, read_training_log

PersonOption = Annotated[str, typer.Option("--person", "-p", help="The person's name.")]
ClassesOption = Annotated[
    Path | None,
    typer.Option(
        "--classes",
        help="YAML overrides 'exercise name: hip|knee|other' (default: "
        "exercise-classes.yaml in your user config folder).",
    ),
]


def parse_when(text: str | None, time_zone: str) -> dt.datetime:
    """``None`` -> now; ``YYYY-MM-DD`` -> 12:00 local; an ISO time without offset -> local."""
    if text is None:
        return dt.datetime.now(ZoneInfo(time_zone))
    try:
        if len(text) == 10:
            moment = local_noon(dt.date.fromisoformat(text), time_zone)
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(
            f"expected --date as YYYY-MM-DD or YYYY-MM-DDTHH:MM, but got {text[:40]!r}"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(time_zone))
    try:
        return plausible_time(moment, "--date")
    except (ValueError, OverflowError) as exc:
        raise RecordError(str(exc) if isinstance(exc, ValueError) else f"{exc}") from None


def parse_day(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RecordError(f"expected {what} as YYYY-MM-DD, but got {text!r}") from None


def person_rules(who: Person) -> RelapseRules:
    """The relapse rules with the maintenance dose for this person's age (last questionnaire)."""
    stored = who.intakes[-1].answers if who.intakes else {}
    answers = stored.get("answers", stored) if isinstance(stored, dict) else {}
    age = answers.get("age_years") if isinstance(answers, dict) else None
    return load_rules().for_age(age if isinstance(age, int) else None)


def phase_start(
    plan: dict | None, when: dt.datetime, time_zone: str, maintenance_sets: int
) -> dt.datetime | None:
    """Local midnight of the first day of the plan phase that contains ``when``."""
    if not plan or not plan.get("start_date"):
        return None
    day = when.astimezone(ZoneInfo(time_zone)).date()
    phase = current_phase(plan, day, maintenance_sets=maintenance_sets) or {}
    start = dt.date.fromisoformat(str(plan["start_date"])[:10])
    first = start + dt.timedelta(weeks=int(phase.get("week_from") or 1) - 1)
    return dt.datetime.combine(first, dt.time(0), tzinfo=ZoneInfo(time_zone))


def log_command(
    person: PersonOption,
    date: Annotated[
        str | None,
        typer.Option(help="When: YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time; default now)."),
    ] = None,
    pain: Annotated[int | None, typer.Option(help="Pain during the session, 0-10.")] = None,
    effort: Annotated[int | None, typer.Option(help="Effort as RPE, 1-10.")] = None,
    notes: Annotated[str | None, typer.Option(help="Free-text notes.")] = None,
    skip: Annotated[
        list[str] | None, typer.Option(help="EXERCISE_ID not done (repeatable).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="What was done: EXERCISE_ID:SETSxREPS, optionally @LOAD (glute_bridge:3x12@10kg), "
            "or EXERCISE_ID:SETSxSECONDSs for holds (repeatable).",
        ),
    ] = None,
    session: Annotated[
        str | None, typer.Option(help="Session label (default: next in rotation).")
    ] = None,
    clip: Annotated[
        list[str] | None,
        typer.Option(
            "--clip",
            help="A filmed set: EXERCISE_ID=PATH (glute_bridge=bridge.mp4). The clip is checked "
            "(glutefire check): its reps or hold fill in what was done, its form checks are "
            "stored (repeatable).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a session; with no options: the plan's next session, done as planned."""
    with user_errors():
        measured = check_filmed(clip or [])  # slow: before the database transaction
    with user_errors(), database(db) as engine, unit_of_work(engine) as uow:
        who = get_person(uow, person)
        plan = current_plan(uow, who)
        plan = plan if plan is not None and plan.status == "active" else None
        when = parse_when(date, who.time_zone)
        maintenance_sets = person_rules(who).maintenance_sets_per_exercise
        since = phase_start(plan.plan if plan else None, when, who.time_zone, maintenance_sets)
        entry = build_session_entry(
            plan.plan if plan else None,
            performed_at=when,
            time_zone=who.time_zone,
            last_label=last_session_label(uow, who, plan, before=when, since=since),
            session_label=session,
            pain_0_10=pain,
            effort_rpe_1_10=effort,
            notes=notes,
            skip=skip or [],
            sets=[parse_set_override(s) for s in set_ or []],
            maintenance_sets=maintenance_sets,
        )
        entry = replace(entry, exercises=apply_measured(entry.exercises, measured))
        row = log_session(uow, who.name, entry, plan=plan)
        attach_checks(uow, row, measured)
        name, time_zone = who.name, who.time_zone
    # printed after the commit: a closed pipe (`log ... | head -1`) cannot roll the session back
    local_day = entry.performed_at.astimezone(ZoneInfo(time_zone)).date().isoformat()
    with user_errors():
        render.session_logged(name, entry, local_day)
        render.filmed_logged(entry, measured)


def check_filmed(options: list[str]) -> list[tuple[str, ExerciseCheckResult]]:
    """Check each ``--clip EXERCISE_ID=PATH`` (pose models loaded once for all the videos)."""
    from glutefire.exercises.check import check_clips
    from glutefire.screening.pipeline import ClipInput

    clips = [parse_clip_option(o) for o in options]
    specs = [check_spec_for(c.exercise_id) for c in clips]
    for c in clips:
        if not Path(c.path).is_file():
            raise InputFileError(f"{c.path}: no such file")
    checked = check_clips([(s, ClipInput(Path(c.path))) for c, s in zip(clips, specs, strict=True)])
    return _fit(clips, [k.result for k in checked])


def _fit(
    clips: list[FilmedClip], results: list[ExerciseCheckResult]
) -> list[tuple[str, ExerciseCheckResult]]:
    """Each clip's result, refused (one error, nothing stored) when the camera does not fit the
    exercise or nothing was counted, as the web's session form does."""
    for clip, result in zip(clips, results, strict=True):
        refuse_unfit(result, Path(clip.path).name)
    return [(c.exercise_id, r) for c, r in zip(clips, results, strict=True)]


def progress_command(
    person: PersonOption,
    weeks: Annotated[int, typer.Option(min=1, help="How many recent weeks to show.")] = 12,
    plots_dir: Annotated[
        Path | None, typer.Option("--plots", help="Write PNG and SVG plots into this folder.")
    ] = None,
    plot_format: Annotated[
        list[str] | None, typer.Option("--plot-format", help="png and/or svg.")
    ] = None,
    keyframes_dir: Annotated[
        Path | None,
        typer.Option(
            "--keyframes",
            help="Write each re-screened finding's keyframes, before and now, side by side "
            "(JPEG) into this folder.",
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="Report as of YYYY-MM-DD (default today).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Adherence, pain trend, screening metrics over time, and relapse alerts."""
    with user_errors():
        with database(db) as engine, unit_of_work(engine) as uow:
            who = get_person(uow, person)
            rules = person_rules(who)
            maintenance = rules.maintenance_sessions_per_week
            inputs = progress_inputs(uow, who, maintenance_per_week=maintenance)
            filmed = filmed_history(who)
        as_of = parse_day(today, "--today") or dt.datetime.now(ZoneInfo(inputs.time_zone)).date()
        table = weekly_adherence(inputs.session_days, inputs.periods, today=as_of)
        report = detect_relapse(table, inputs.screenings, inputs.plan, today=as_of, rules=rules)
        console.print(f"[bold]{escape(who.name)}[/] - progress as of {as_of} ({inputs.time_zone})")
        render.timeline(report.timeline, who.name, maintenance)
        render.adherence(table[-weeks:])
        render.gaps(past_gaps(table, rules.adherence))
        render.pain(inputs.pain_points)
        render.metric_history(metric_history(inputs.screenings, rules.noise))
        render.comparisons(report.comparisons)
        render.filmed_history(filmed, inputs.time_zone)
        minutes = (inputs.plan or {}).get("minutes_per_session")
        render.relapse(report, who.name, minutes if isinstance(minutes, int) else None)
        if plots_dir is not None:
            _write_plots(plots_dir, table[-weeks:], inputs, tuple(plot_format or plots.FORMATS))
        if keyframes_dir is not None:
            with database(db) as engine, unit_of_work(engine) as uow:
                who = get_person(uow, person)
                written = write_side_by_side(uow, who, report.comparisons, keyframes_dir)
            render.keyframes_written(written, keyframes_dir)


def _write_plots(out_dir: Path, table, inputs, formats: tuple[str, ...]) -> None:
    bad = [f for f in formats if f not in plots.FORMATS]
    if bad:
        raise RecordError(f"expected --plot-format png or svg, but got {', '.join(bad)}")
    written = plots.plot_adherence(table, out_dir, formats=formats)
    written += plots.plot_pain(inputs.pain_points, out_dir, formats=formats)
    for series in metric_history(inputs.screenings, load_rules().noise):
        written += plots.plot_metric(series, out_dir, formats=formats)
    console.print(f"Plots written: {', '.join(str(p) for p in written)}", highlight=False)


def _classifier(classes: Path | None):
    default = (
        Path(platformdirs.user_config_dir("glutefire", appauthor=False)) / "exercise-classes.yaml"
    )
    overrides = load_overrides(classes or default)
    if classes is not None and not classes.exists():
        raise InputFileError(f"expected an override file, but {classes} does not exist")
    return make_classifier(overrides)


def import_log_command(
    file: Annotated[Path, typer.Argument(help="CSV export from Strong or Hevy.")],
    person: PersonOption,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help=f"One of {', '.join(READERS)} (default: recognised from the header)."
        ),
    ] = None,
    weight_unit: Annotated[
        str,
        typer.Option(
            help="Unit of Strong's Weight column when the file has no unit column: kg or lb."
        ),
    ] = "kg",
    time_zone: Annotated[str | None, typer.Option(help="Person's IANA time zone, if new.")] = None,
    strict: Annotated[bool, typer.Option(help="Refuse the whole file if any row is bad.")] = False,
    classes: ClassesOption = None,
    new_person: NewPersonOption = False,
    db: DbOption = None,
) -> None:
    """Import a workout app's CSV export (duplicates of earlier imports are skipped)."""
    with user_errors(), database(db) as engine, unit_of_work(engine) as uow:
        if not file.is_file():
            raise InputFileError(f"expected a CSV file, but {file} does not exist")
        require_person(uow, person, new_person=new_person)
        who = get_or_create_person(uow, person, time_zone=time_zone)
        parsed = read_training_log(file, time_zone=who.time_zone, fmt=fmt, weight_unit=weight_unit)
        if strict and parsed.problems:
            first = parsed.problems[0]
            raise RecordError(
                f"expected every row to be valid (--strict), but line {first.line}: "
                f"{first.reason} ({len(parsed.problems)} bad rows; nothing imported)"
            )
        if parsed.problems and not parsed.sets:
            first = parsed.problems[0]
            raise RecordError(
                f"expected at least one valid set, but every row was refused: line "
                f"{first.line}: {first.reason} ({len(parsed.problems)} bad rows; nothing imported)"
            )
        result = add_training_log(uow, who.name, parsed.sets, source=parsed.format)
        classify = _classifier(classes)
        unclassified = sorted(
            {
                s.exercise_name
                for s in parsed.sets
                if classify(s.exercise_name).method == "unclassified"
            }
        )
        render.import_report(parsed, result.added, result.duplicates, unclassified)


def balance_command(
    person: PersonOption,
    weeks: Annotated[int, typer.Option(min=1, help="How many recent weeks.")] = 8,
    today: Annotated[str | None, typer.Option(help="As of YYYY-MM-DD (default today).")] = None,
    classes: ClassesOption = None,
    plots_dir: Annotated[
        Path | None, typer.Option("--plots", help="Write balance.png and balance.svg here.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Weekly hip- vs knee-dominant volume from imported training logs."""
    with user_errors():
        with database(db) as engine, unit_of_work(engine) as uow:
            who = get_person(uow, person)
            sets, time_zone = training_sets(who), who.time_zone
        as_of = parse_day(today, "--today") or dt.datetime.now(ZoneInfo(time_zone)).date()
        since = week_start(as_of) - dt.timedelta(weeks=weeks - 1)
        report = weekly_balance(sets, _classifier(classes), time_zone=time_zone, since=since)
        render.balance(report)
        if plots_dir is not None:
            written = plots.plot_balance(report, plots_dir)
            console.print(f"Plots written: {', '.join(str(p) for p in written)}", highlight=False)


def export_command(
    person: PersonOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a person's complete history as JSON."""
    with user_errors(), database(db) as engine, unit_of_work(engine) as uow:
        text = json.dumps(export_person(uow, person), indent=2, ensure_ascii=False)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"Exported {person} to {output}", highlight=False)


def import_command(
    file: Annotated[Path, typer.Argument(help="A file written by `glutefire export`.")],
    as_name: Annotated[str | None, typer.Option("--as", help="Store under this name.")] = None,
    db: DbOption = None,
) -> None:
    """Restore a person's history from an export (never merges into an existing person)."""
    with user_errors():
        document = _read_json(file)
        with database(db) as engine, unit_of_work(engine) as uow:
            who = import_person(uow, document, as_name=as_name)
            summary = (
                f"Imported {who.name}: {len(who.screenings)} screenings, "
                f"{len(who.plans)} plans, {len(who.sessions)} sessions."
            )
        console.print(summary, highlight=False)


#: Largest export file ``glutefire import`` reads (a year of daily sessions is well under 10 MB).
MAX_IMPORT_BYTES = 64 * 1024 * 1024


def _read_json(file: Path) -> dict:
    try:
        if file.stat().st_size > MAX_IMPORT_BYTES:
            raise InputFileError(
                f"expected an export file of at most {MAX_IMPORT_BYTES // 2**20} MB, but {file} "
                f"has {file.stat().st_size // 2**20} MB"
            )
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            f"expected a JSON export file, but could not read {file}: {exc}"
        ) from None
    except RecursionError:  # nesting deeper than the parser's stack
        raise InputFileError(f"expected a JSON export file, but {file} nests too deep") from None


def people_command(
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Add or update this person.")
    ] = None,
    time_zone: Annotated[
        str | None, typer.Option(help="IANA time zone, e.g. Europe/Berlin.")
    ] = None,
    db: DbOption = None,
) -> None:
    """List people; with --person (and --time-zone) add or update one."""
    with user_errors(), database(db) as engine, unit_of_work(engine) as uow:
        if person is not None:
            get_or_create_person(uow, person, time_zone=time_zone)
        elif time_zone is not None:
            raise RecordError("expected --person NAME with --time-zone, but got no --person")
        uow.flush()
        render.people(list_people(uow))


def history_command(person: PersonOption, db: DbOption = None) -> None:
    """Everything stored for a person, one line per record."""
    with user_errors(), database(db) as engine, unit_of_work(engine) as uow:
        who = get_person(uow, person)
        for s in who.screenings:
            present = [f.code for f in s.findings if f.status == Status.PRESENT]
            console.print(
                f"{s.recorded_at:%Y-%m-%d} screening ({s.view}): "
                f"{', '.join(present) or 'no findings present'}",
                highlight=False,
            )
        for i in who.intakes:
            console.print(
                f"{i.recorded_at:%Y-%m-%d} questionnaire: {intake_line(i.answers)}",
                highlight=False,
                markup=False,
            )
        for p in who.plans:
            console.print(
                f"{p.created_at:%Y-%m-%d} plan {p.mode} ({p.status}), "
                f"{p.sessions_per_week}/week from {p.start_date}",
                highlight=False,
            )
        for ses in who.sessions:
            done = sum(1 for e in ses.exercises if not e.skipped)
            console.print(
                f"{ses.performed_at.astimezone(ZoneInfo(ses.time_zone)):%Y-%m-%d %H:%M} "
                f"session {ses.session_label or '-'}: {done}/{len(ses.exercises)} exercises"
                + (f", pain {ses.pain_0_10}" if ses.pain_0_10 is not None else ""),
                highlight=False,
            )
        console.print(f"{len(who.training_log)} imported training-log sets.")


def intake_line(stored: dict) -> str:
    """One line for a stored questionnaire: pain sites, warning signs, scores."""
    answers = stored.get("answers", stored) if isinstance(stored, dict) else {}
    pain = answers.get("pain") or {}
    parts = [
        "pain " + ", ".join(f"{site.replace('_', ' ')} {score}/10" for site, score in pain.items())
        if pain
        else "no pain",
    ]
    if stored.get("red_flags"):
        parts.append(f"{len(stored['red_flags'])} warning sign(s)")
    scores = stored.get("scores") or {}
    if scores:
        parts.append(scores_text(scores))
    return "; ".join(parts)


def scores_text(scores: dict) -> str:
    """Scale scores in words with their ranges (never a Python dict)."""
    parts = []
    if scores.get("kujala") is not None:
        parts.append(f"Kujala {scores['kujala']}/100")
    if scores.get("oswestry_pct") is not None:
        band = f", {scores['oswestry_band']}" if scores.get("oswestry_band") else ""
        parts.append(f"Oswestry {scores['oswestry_pct']:g} %{band}")
    if scores.get("nprs") is not None:
        parts.append(f"pain now {scores['nprs']}/10")
    return ", ".join(parts) or "no scales answered"


def register(app: typer.Typer) -> None:
    """Add the tracking commands to ``app``."""
    app.command("log")(log_command)
    app.command("progress")(progress_command)
    app.command("balance")(balance_command)
    app.command("import-log")(import_log_command)
    app.command("export")(export_command)
    app.command("import")(import_command)
    app.command("people")(people_command)
    app.command("history")(history_command)
    from glutefire.cli.tracking_handout import handout_command

    app.command("handout")(handout_command)
