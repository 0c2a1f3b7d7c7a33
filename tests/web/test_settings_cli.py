"""Settings resolution, the secret key file, and the ``glutefire serve`` command."""

from __future__ import annotations

import stat

import pytest

from conftest import run_cli
from glutefire.web.settings import SECRET_ENV, load_settings


def test_secret_key_is_generated_once_per_data_dir(tmp_path):
    first = load_settings(data_dir=tmp_path, environ={})
    second = load_settings(data_dir=tmp_path, environ={})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    mode = stat.S_IMODE((tmp_path / "web-secret.key").stat().st_mode)
    assert mode == 0o600


def test_settings_follow_the_cli_database_resolution(tmp_path):
    env = {SECRET_ENV: "k" * 40, "GLUTEFIRE_DATABASE_URL": "postgres://u@h/db"}
    settings = load_settings(data_dir=tmp_path, environ=env)
    assert settings.secret_key == "k" * 40
    assert settings.database_url.startswith("postgresql+psycopg://")
    default = load_settings(data_dir=tmp_path, environ={})
    assert default.database_url == f"sqlite:///{tmp_path / 'glutefire.sqlite3'}"
    assert default.upload_dir == tmp_path / "uploads"


def test_serve_is_registered():
    code, text = run_cli("serve", "--help")
    assert code == 0 and "--max-upload-mb" in text


def test_serve_refuses_a_bad_database_url(tmp_path):
    code, text = run_cli("serve", "--db", "mysql://x/y", "--data-dir", tmp_path)
    assert code != 0 and "sqlite or postgresql" in text


def test_web_settings_from_the_environment(tmp_path):
    from glutefire.web.settings import settings_to_env

    env = {
        SECRET_ENV: "k" * 40,
        "GLUTEFIRE_WEB_SCREENING_WORKERS": "0",
        "GLUTEFIRE_WEB_CLIP_RETENTION_DAYS": "none",
        "GLUTEFIRE_WEB_JOB_LEASE_S": "120",
        "GLUTEFIRE_WEB_DATA_DIR": str(tmp_path / "srv"),
    }
    settings = load_settings(environ=env)
    assert settings.screening_workers == 0 and settings.clip_retention_days is None
    assert settings.job_lease_s == 120.0 and settings.data_dir == tmp_path / "srv"
    assert load_settings(environ=env, screening_workers=2).screening_workers == 2  # option wins
    again = load_settings(environ={SECRET_ENV: "k" * 40, **settings_to_env(settings)})
    assert again == settings  # what `web serve --workers N` hands to its processes


def test_bad_web_settings_are_one_error_line(tmp_path):
    from glutefire.web.settings import SettingsError

    env = {SECRET_ENV: "k" * 40, "GLUTEFIRE_WEB_JOB_HEARTBEAT_S": "50"}
    with pytest.raises(SettingsError, match="job_heartbeat_s .* at most half of job_lease_s"):
        load_settings(data_dir=tmp_path, environ=env)
    env = {SECRET_ENV: "k" * 40, "GLUTEFIRE_WEB_SCREENING_WORKERS": "many"}
    with pytest.raises(SettingsError, match="screening_workers"):
        load_settings(data_dir=tmp_path, environ=env)


def test_web_commands_are_registered(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # help tables unwrapped
    code, text = run_cli("web", "--help")
    assert code == 0
    for command in ("serve", "worker", "purge-clips", "delete-clips"):
        assert command in text
    code, text = run_cli("web", "serve", "--help")
    assert code == 0 and "--workers" in text and "--screening-workers" in text
    assert "--clip-retention-days" in text and "--keep-clips" in text


def test_serve_refuses_contradicting_retention_options(tmp_path):
    code, text = run_cli(
        "web", "serve", "--data-dir", tmp_path, "--clip-retention-days", "3", "--keep-clips"
    )
    assert code == 2 and "not both" in text
    code, text = run_cli("web", "worker", "--data-dir", tmp_path, "--workers", "0")
    assert code == 2


def test_every_web_setting_is_documented():
    from conftest import ROOT
    from glutefire.web.settings import WebSettings

    # web.md lists the settings; security.md the security and availability ones
    text = "".join((ROOT / "docs" / name).read_text() for name in ("web.md", "security.md"))
    named_in_words = {"database_url", "data_dir", "secret_key"}  # rows "database URL" etc.
    missing = [
        n for n in WebSettings.model_fields if n not in named_in_words and f"`{n}`" not in text
    ]
    assert missing == []
