"""``glutefire serve``: the web app for trainers and clinics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glutefire.cli.common import console, user_errors


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            help="Database URL (default: GLUTEFIRE_DATABASE_URL, else SQLite in the data folder)."
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            file_okay=False,
            help="Folder for uploads, keyframes and the secret key (default: user data folder).",
        ),
    ] = None,
    max_upload_mb: Annotated[int, typer.Option(min=1, help="Largest clip accepted, MB.")] = 200,
    secure_cookies: Annotated[
        bool, typer.Option(help="Mark cookies Secure (serve behind HTTPS).")
    ] = False,
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
    """Start the web app (FastAPI + uvicorn)."""
    import uvicorn

    from glutefire.web.app import create_app
    from glutefire.web.settings import load_settings

    with user_errors():
        settings = load_settings(
            database_url=db,
            data_dir=data_dir,
            max_upload_bytes=max_upload_mb * 1024 * 1024,
            cookie_secure=secure_cookies,
            trusted_proxies=tuple(trusted_proxy or ()),
            hsts_max_age_s=hsts_max_age_s,
        )
        app = create_app(settings)
    console.print(f"glutefire web app on http://{host}:{port}  (data: {settings.data_dir})")
    # proxy_headers=False: uvicorn would otherwise take X-Forwarded-For from 127.0.0.1 as the
    # client address; glutefire believes it only from --trusted-proxy (docs/security.md).
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
