"""Fixtures shared by the AppTest modules.

- ``app_env``: the app's settings pointed at a fresh sandbox (``sandbox_server``) and a
  throwaway database (``tmp_db``), with a fixed cookie secret; the settings cache is cleared
  before and after, so the app reads them. Yields the sandbox server. Each module's ``env``
  builds on it with what that module needs besides (portfolio cache, fast sandbox clock).
"""

import pytest

from linkedin.web import resources as context


@pytest.fixture
def app_env(monkeypatch, sandbox_server, tmp_db):
    monkeypatch.setenv("LINKEDIN_API_BASE_URL", sandbox_server.url)
    monkeypatch.setenv("LINKEDIN_OAUTH_BASE_URL", sandbox_server.url)
    monkeypatch.setenv("LINKEDIN_DB_PATH", str(tmp_db))
    monkeypatch.setenv("LINKEDIN_COOKIE_SECRET", "apptest-cookie-secret-0123456789abcdef")
    context.settings.cache_clear()
    yield sandbox_server
    context.settings.cache_clear()
