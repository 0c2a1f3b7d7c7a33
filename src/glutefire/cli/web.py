"""``glutefire web ...`` (and ``glutefire serve``): the web app for trainers and clinics, its
screening workers, and the retention of uploaded clips."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from glutefire.cli.common import DbOption, console, user_errors

web_app = typer.Typer(
    help="The web app: serve pages, run screening workers, delete uploaded clips.",
    no_args_is_help=True,
)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        file_okay=False,
        help="Folder for uploads, keyframes and the secret key (default: user data folder; "
        "$GLUTEFIRE_WEB_DATA_DIR).",
    ),
]
ScreeningWorkersOption = Annotated[
    int | None,
    typer.Option(
        "--screening-workers",
        min=0,
        max=8,
        help="Screening worker threads per server process; 0 = this process only serves pages "
        "(run `glutefire web worker` elsewhere). Default 1.",
    ),
]
RetentionOption = Annotated[
    float | None,
    typer.Option(
        "--clip-retention-days",
        min=0,
        help="Delete an uploaded clip this many days after its screening ended (results and "
        "keyframes stay). Default 30.",
    ),
]
KeepClipsOption = Annotated[
    bool, typer.Option("--keep-clips", help="Never delete uploaded clips automatically.")
]


def register(app: typer.Typer) -> None:
    """Add ``serve`` (kept for existing scripts) and the ``web`` group to ``app``."""
    app.command("serve")(serve)
    web_app.command("serve")(serve)
    web_app.command("worker")(worker)
    web_app.command("purge-clips")(purge_clips)
    web_app.command("delete-clips")(delete_clips)
    app.add_typer(web_app, name="web")


def _settings(db: str | None, data_dir: Path | None, **options: object):
    """Web settings: options given on the command line > ``GLUTEFIRE_WEB_*`` > defaults."""
    from glutefire.web.settings import load_settings

    given: dict[str, Any] = {k: v for k, v in options.items() if v is not None}
    return load_settings(database_url=db, data_dir=data_dir, **given)


def _retention(days: float | None, keep: bool) -> dict[str, object]:
    if keep and days is not None:
        raise typer.BadParameter("give --clip-retention-days or --keep-clips, not both")
    if keep:
        return {"clip_retention_days": None}
    return {"clip_retention_days": days} if days is not None else {}


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOption = None,
    data_dir: DataDirOption = None,
    max_upload_mb: Annotated[
        int | None, typer.Option(min=1, help="Largest clip accepted, MB. Default 200.")
    ] = None,
    secure_cookies: Annotated[
        bool, typer.Option(help="Mark cookies Secure (serve behind HTTPS).")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes (uvicorn workers); more than one needs a database all of "
            "them reach (PostgreSQL recommended).",
        ),
    ] = 1,
    screening_workers: ScreeningWorkersOption = None,
    clip_retention_days: RetentionOption = None,
    keep_clips: KeepClipsOption = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            help="Address or network of a reverse proxy whose X-Forwarded-For is believed "
            "(repeatable; default: none, the header is ignored). See docs/security.md."
        ),
    ] = None,
    hsts_max_age_s: Annotated[
        int | None,
        typer.Option(
            min=0, help="Send Strict-Transport-Security with this max-age (only behind HTTPS)."
        ),
    ] = None,
) -> None:
    """Start the web app (FastAPI + uvicorn), with its screening workers."""
    import uvicorn

    from glutefire.web.app import create_app
    from glutefire.web.settings import settings_to_env

    with user_errors():
        settings = _settings(
            db,
            data_dir,
            max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb else None,
            cookie_secure=secure_cookies or None,
            screening_workers=screening_workers,
            trusted_proxies=tuple(trusted_proxy) if trusted_proxy else None,
            hsts_max_age_s=hsts_max_age_s,
            **_retention(clip_retention_days, keep_clips),
        )
        app = create_app(settings) if workers == 1 else None
    console.print(
        f"glutefire web app on http://{host}:{port}  ({workers} process(es), "
        f"{settings.screening_workers} screening worker(s) each; data: {settings.data_dir})"
    )
    if app is not None:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
        return
    os.environ.update(settings_to_env(settings))  # each process rebuilds these settings
    uvicorn.run(
        "glutefire.web.app:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        # uvicorn would otherwise take X-Forwarded-For from 127.0.0.1 as the client address;
        # glutefire believes it only from --trusted-proxy (docs/security.md).
        proxy_headers=False,
    )


def worker(
    db: DbOption = None,
    data_dir: DataDirOption = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=8, help="Screening worker threads.")
    ] = 1,
    clip_retention_days: RetentionOption = None,
    keep_clips: KeepClipsOption = False,
) -> None:
    """Run screening workers without serving pages (stop with Ctrl-C or SIGTERM; a job being
    screened goes back to the queue)."""
    import logging

    from glutefire.store.engine import open_database
    from glutefire.web.jobs import JobRunner

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with user_errors():
        settings = _settings(
            db, data_dir, screening_workers=workers, **_retention(clip_retention_days, keep_clips)
        )
        settings.upload_dir.mkdir(parents=True, exist_ok=True)
        settings.keyframe_dir.mkdir(parents=True, exist_ok=True)
        engine = open_database(settings.database_url)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner = JobRunner(engine, settings)
    runner.start()
    console.print(f"glutefire screening worker {runner.name}: {workers} thread(s)")
    try:
        while not stop.wait(1.0):  # wakes up for the signal handler
            pass
    finally:
        runner.shutdown()
        engine.dispose()


def purge_clips(
    db: DbOption = None,
    data_dir: DataDirOption = None,
    days: Annotated[
        float | None,
        typer.Option(
            "--days",
            min=0,
            help="Delete clips of screenings that ended at least this many days ago "
            "(default: the retention setting, 30).",
        ),
    ] = None,
) -> None:
    """Apply the clip retention policy now (the workers also do it every hour)."""
    from glutefire.store.engine import open_database
    from glutefire.store.models import utcnow
    from glutefire.web.retention import purge_expired_clips

    with user_errors():
        settings = _settings(db, data_dir)
        retention = days if days is not None else settings.clip_retention_days
        if retention is None:
            console.print("clips are kept (GLUTEFIRE_WEB_CLIP_RETENTION_DAYS=none); give --days")
            return
        engine = open_database(settings.database_url)
        try:
            done = purge_expired_clips(
                engine, settings.upload_dir, retention_days=retention, now=utcnow()
            )
        finally:
            engine.dispose()
    console.print(f"{done.describe()} (screenings ended {retention:g}+ days ago)")


def delete_clips(
    person: Annotated[
        str,
        typer.Option(
            "--person",
            "-p",
            help='The client as the CLI names them, e.g. "Ana [web-3f9c0a1b2d]".',
        ),
    ],
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            dir_okay=False,
            help="Write the client's export (glutefire export format) here first.",
        ),
    ] = None,
    skip_export: Annotated[
        bool, typer.Option("--skip-export", help="Delete without writing an export first.")
    ] = False,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Delete every uploaded clip of one web client now (results and keyframes stay)."""
    from glutefire.errors import RecordError

    with user_errors():
        if (export is None) == (not skip_export):
            raise RecordError(
                "expected --export FILE (the client's data is written there first) or --skip-export"
            )
        done = _delete_clips(person, export, db, data_dir)
    console.print(f"{person}: {done.describe()}")


def _delete_clips(person: str, export: Path | None, db: str | None, data_dir: Path | None):
    import json

    from sqlalchemy import select

    from glutefire.errors import InputFileError, RecordError
    from glutefire.store.engine import open_database
    from glutefire.store.export import export_person
    from glutefire.store.models import Client, Person, utcnow
    from glutefire.store.repository import unit_of_work
    from glutefire.web.retention import delete_client_clips

    settings = _settings(db, data_dir)
    engine = open_database(settings.database_url)
    try:
        with unit_of_work(engine) as uow:
            client_id = uow.scalar(
                select(Client.id)
                .join(Person, Client.person_id == Person.id)
                .where(Person.name == person)
            )
            if client_id is None:
                raise RecordError(f"expected a web client's person name, but got {person!r}")
            document = export_person(uow, person) if export is not None else None
        if export is not None:
            try:
                export.write_text(json.dumps(document, indent=2, ensure_ascii=False))
            except OSError as exc:
                raise InputFileError(f"could not write the export to {export}: {exc}") from None
            console.print(f"exported {person} to {export}")
        return delete_client_clips(engine, settings.upload_dir, client_id, now=utcnow())
    finally:
        engine.dispose()
