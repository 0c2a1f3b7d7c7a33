"""Web settings: database URL (same resolution as the CLI), data folders, limits, secret key.

Nothing here runs at import; :func:`load_settings` is called by ``glutefire serve`` (or a test)
and the result is handed to :func:`glutefire.web.app.create_app`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, model_validator

from glutefire.store.settings import resolve_database_url

SECRET_ENV = "GLUTEFIRE_SECRET_KEY"
SECRET_FILE = "web-secret.key"
#: Video containers accepted for upload (checked by extension AND by decoding a frame).
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")


class WebSettings(BaseModel):
    """Everything the app needs; immutable once built."""

    model_config = ConfigDict(frozen=True)

    database_url: str
    data_dir: Path
    secret_key: str = Field(min_length=32)
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_clip_duration_s: float = Field(default=120.0, gt=0)
    session_ttl_s: int = Field(default=12 * 3600, gt=0)
    invite_ttl_s: int = Field(default=7 * 24 * 3600, gt=0)
    login_attempts: int = Field(default=5, gt=0)
    login_window_s: int = Field(default=15 * 60, gt=0)
    cookie_secure: bool = False
    screening_workers: int = Field(default=1, ge=0, le=8)  # 0: this process only serves pages
    job_lease_s: float = Field(default=60.0, gt=0)
    job_heartbeat_s: float = Field(default=10.0, gt=0)
    job_poll_s: float = Field(default=2.0, gt=0)
    job_max_attempts: int = Field(default=3, ge=1)
    clip_retention_days: float | None = Field(default=30.0, ge=0)  # None: keep clips
    retention_every_s: float = Field(default=3600.0, gt=0)
    live_max_frames: int = Field(default=30 * 60, gt=0)

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> WebSettings:
        if self.job_heartbeat_s * 2 > self.job_lease_s:
            raise ValueError(
                f"expected job_heartbeat_s ({self.job_heartbeat_s:g}) at most half of "
                f"job_lease_s ({self.job_lease_s:g}), so that a live worker keeps its lease"
            )
        return self

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def keyframe_dir(self) -> Path:
        return self.data_dir / "keyframes"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("glutefire", appauthor=False))


def secret_key_for(data_dir: Path, environ: Mapping[str, str]) -> str:
    """``GLUTEFIRE_SECRET_KEY``, else a key generated once and kept (0600) in the data dir."""
    if environ.get(SECRET_ENV):
        return environ[SECRET_ENV]
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def load_settings(
    *,
    database_url: str | None = None,
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: object,
) -> WebSettings:
    """Resolve settings: ``--db`` > ``GLUTEFIRE_DATABASE_URL`` > SQLite in the data dir."""
    env = os.environ if environ is None else environ
    folder = data_dir or default_data_dir()
    url = resolve_database_url(database_url, environ=env, data_dir=folder)
    return WebSettings(
        database_url=url, data_dir=folder, secret_key=secret_key_for(folder, env), **overrides
    )
