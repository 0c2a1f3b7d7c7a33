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
from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, ValidationError

from glutefire.datafiles import format_validation_error
from glutefire.errors import GlutefireError
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
    screening_workers: int = Field(default=1, ge=1, le=8)
    live_max_frames: int = Field(default=30 * 60, gt=0)
    # Security and availability: defaults and reasons in docs/security.md.
    login_address_attempts: int = Field(default=50, gt=0)
    trusted_proxies: tuple[IPvAnyNetwork, ...] = ()
    password_hash_slots: int = Field(default=4, ge=1, le=64)
    password_hash_wait_s: float = Field(default=0.5, ge=0)
    max_clip_frames: int = Field(default=120 * 60, gt=0)
    max_clip_pixels: int = Field(default=3840 * 2160, gt=0)
    live_max_frame_pixels: int = Field(default=1920 * 1080, gt=0)
    live_sockets_per_account: int = Field(default=2, ge=1)
    hsts_max_age_s: int | None = Field(default=None, ge=0)

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
    try:
        return WebSettings(
            database_url=url, data_dir=folder, secret_key=secret_key_for(folder, env), **overrides
        )
    except ValidationError as exc:  # e.g. --trusted-proxy nonsense
        problem = format_validation_error(exc)
        raise GlutefireError(f"expected valid web settings, but {problem}") from None
