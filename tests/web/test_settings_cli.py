"""Settings resolution, the secret key file, and the ``glutefire serve`` command."""

from __future__ import annotations

import stat

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
