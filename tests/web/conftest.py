"""Web fixtures: an app per test on its own database and data folder (fake screener)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glutefire.web.app import create_app
from glutefire.web.settings import WebSettings
from webtools import fake_screen, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    return make_settings(tmp_path, max_upload_bytes=5 * 1024 * 1024)


@pytest.fixture
def client(settings: WebSettings) -> Iterator[TestClient]:
    app = create_app(settings, screen=fake_screen)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
