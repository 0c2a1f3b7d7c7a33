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
from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, ValidationError, model_validator

from glutefire.datafiles import format_validation_error
from glutefire.errors import GlutefireError
from glutefire.store.settings import ENV_VAR as DATABASE_ENV
from glutefire.store.settings import resolve_database_url

SECRET_ENV = "GLUTEFIRE_SECRET_KEY"
#: ``GLUTEFIRE_WEB_<SETTING>`` sets any setting below (see :func:`env_overrides`).
ENV_PREFIX = "GLUTEFIRE_WEB_"
#: Settings that hold a list: comma-separated in the environment.
LIST_SETTINGS = frozenset({"trusted_proxies"})
SECRET_FILE = "web-secret.key"
#: Video containers accepted for upload (checked by extension AND by decoding a frame).
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")


class SettingsError(GlutefireError):
    """A web setting (option or ``GLUTEFIRE_WEB_*`` variable) out of range."""


class WebSettings(BaseModel):
    """Everything the app needs; immutable once built."""

    model_config = ConfigDict(frozen=True)

    database_url: str
    data_dir: Path
    secret_key: str = Field(min_length=32)
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_clip_duration_s: float = Field(default=120.0, gt=0)
    max_filmed_clip_s: float = Field(default=60.0, gt=0)  # checked in the request (filmed sets)
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
    # Security and availability: defaults and reasons in docs/security.md.
    login_address_attempts: int = Field(default=50, gt=0)
    signup_address_attempts: int = Field(default=10, gt=0)
    signup_window_s: int = Field(default=60 * 60, gt=0)
    trusted_proxies: tuple[IPvAnyNetwork, ...] = ()
    password_hash_slots: int = Field(default=4, ge=1, le=64)
    password_hash_wait_s: float = Field(default=0.5, ge=0)
    max_clip_frames: int = Field(default=120 * 60, gt=0)
    max_clip_pixels: int = Field(default=3840 * 2160, gt=0)
    live_max_frame_pixels: int = Field(default=1920 * 1080, gt=0)
    live_sockets_per_account: int = Field(default=2, ge=1)
    hsts_max_age_s: int | None = Field(default=None, ge=0)

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
    part = data_dir / f"{SECRET_FILE}.{os.getpid()}.part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    try:  # several server processes may start at once: the first complete key wins
        os.link(part, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        part.unlink()
    return key


def env_overrides(environ: Mapping[str, str]) -> dict[str, str | tuple[str, ...] | None]:
    """Settings given as ``GLUTEFIRE_WEB_<SETTING>`` (``GLUTEFIRE_WEB_SCREENING_WORKERS=2``;
    ``none`` for "no limit", e.g. ``GLUTEFIRE_WEB_CLIP_RETENTION_DAYS=none``; lists such as
    ``GLUTEFIRE_WEB_TRUSTED_PROXIES=10.0.0.1,10.0.1.0/24`` comma-separated)."""
    values: dict[str, str | tuple[str, ...] | None] = {}
    for name in WebSettings.model_fields:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is None or name in ("database_url", "secret_key"):
            continue
        if name in LIST_SETTINGS:
            values[name] = tuple(item.strip() for item in raw.split(",") if item.strip())
        else:
            values[name] = None if raw.strip().lower() == "none" else raw
    return values


def settings_to_env(settings: WebSettings) -> dict[str, str]:
    """Environment variables from which :func:`load_settings` rebuilds ``settings`` in another
    process (``glutefire web serve --workers N``); the secret key stays in its file or its
    variable."""
    env = {DATABASE_ENV: settings.database_url}
    for name, value in settings.model_dump(exclude={"database_url", "secret_key"}).items():
        if name in LIST_SETTINGS:
            env[ENV_PREFIX + name.upper()] = ",".join(str(v) for v in value)
        else:
            env[ENV_PREFIX + name.upper()] = "none" if value is None else str(value)
    return env


def load_settings(
    *,
    database_url: str | None = None,
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: object,
) -> WebSettings:
    """Resolve settings: ``--db`` > ``GLUTEFIRE_DATABASE_URL`` > SQLite in the data dir; other
    settings: ``overrides`` (command-line options) > ``GLUTEFIRE_WEB_*`` > defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {**env_overrides(env), **overrides}
    folder = Path(str(data_dir or values.pop("data_dir", None) or default_data_dir()))
    values.pop("data_dir", None)
    url = resolve_database_url(database_url, environ=env, data_dir=folder)
    try:
        return WebSettings(
            database_url=url, data_dir=folder, secret_key=secret_key_for(folder, env), **values
        )
    except ValidationError as exc:  # e.g. --trusted-proxy nonsense
        problem = format_validation_error(exc)
        raise SettingsError(f"expected valid web settings, but {problem}") from None
