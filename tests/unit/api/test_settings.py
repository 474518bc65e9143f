"""Settings from the environment and secrets.toml; sandbox mode when no client id is set."""

from pathlib import Path

from linkedin.api import settings as config


def write_secrets(tmp_path, body):
    path = tmp_path / "secrets.toml"
    path.write_text(body)
    return path


def test_no_client_id_means_the_sandbox_mounted_in_the_app(tmp_path):
    s = config.load(environ={"LINKEDIN_DB_PATH": str(tmp_path / "a.db")}, secrets_path=tmp_path / "none.toml", app_port=8765)
    assert s.sandbox and s.client_id == "sandbox-demo-client"
    assert s.api_base_url == s.oauth_base_url == s.sandbox_base_url == "http://127.0.0.1:8765/sandbox"
    assert s.version == "202608"
    # The demo registration has the OpenID product, so the demo asks for openid profile too.
    assert s.scopes == ("r_ads", "rw_dmp_segments", "openid", "profile")
    assert s.source_platform == "MATCHED_AUDIENCES_WORKBENCH"  # the sandbox's demo registration's own value
    # the cookie secret is generated once and kept, so a restart keeps everyone signed in
    again = config.load(environ={"LINKEDIN_DB_PATH": str(tmp_path / "a.db")}, secrets_path=tmp_path / "none.toml")
    assert s.cookie_secret == again.cookie_secret and len(s.cookie_secret) >= 48


def test_environment_wins_over_secrets_toml(tmp_path):
    secrets = write_secrets(tmp_path, '[linkedin]\nclient_id = "file-id"\nclient_secret = "file-secret"\nversion = "202604"\n'
                                                                            'redirect_uri = "https://app.example/oauth/linkedin/callback"\nscopes = ["r_ads", "rw_dmp_segments"]\n'
                                      'source_platform = "ACME_AUDIENCES"\n')
    s = config.load(environ={"LINKEDIN_CLIENT_ID": "env-id", "LINKEDIN_COOKIE_SECRET": "c" * 40}, secrets_path=secrets)
    assert (s.client_id, s.client_secret, s.version, s.source_platform) == (
        "env-id", "file-secret", "202604", "ACME_AUDIENCES")
    assert not s.sandbox
    assert s.api_base_url == "https://api.linkedin.com" and s.oauth_base_url == "https://www.linkedin.com"
    assert s.token_url == "https://www.linkedin.com/oauth/v2/accessToken"
    assert s.scopes == ("r_ads", "rw_dmp_segments")
    assert s.secure_cookies
    assert "file-secret" not in repr(s) and "c" * 40 not in repr(s)
    assert config.problems(s) == []


def test_real_mode_without_a_secret_or_a_source_platform_is_reported(tmp_path):
    s = config.load(environ={"LINKEDIN_CLIENT_ID": "id", "LINKEDIN_COOKIE_SECRET": "c" * 40}, secrets_path=tmp_path / "x")
    assert s.source_platform is None  # no invented default: LinkedIn assigns each partner its own
    assert config.problems(s) == ["LINKEDIN_CLIENT_SECRET is not set (or client_secret in [linkedin] of secrets.toml).",
                                  config.SOURCE_PLATFORM_HELP]
    assert config.SOURCE_PLATFORM_HELP.startswith("LINKEDIN_SOURCE_PLATFORM is not set: LinkedIn gives each approved")


def test_openid_and_profile_are_asked_for_only_when_configured(tmp_path):
    env = {"LINKEDIN_CLIENT_ID": "id", "LINKEDIN_COOKIE_SECRET": "c" * 40}
    assert config.load(environ=env, secrets_path=tmp_path / "x").scopes == ("r_ads", "rw_dmp_segments")
    more = config.load(environ={**env, "LINKEDIN_SCOPES": "r_ads rw_dmp_segments openid profile"},
                       secrets_path=tmp_path / "x")
    assert more.scopes == ("r_ads", "rw_dmp_segments", "openid", "profile")


def test_a_standalone_sandbox_by_url_and_scopes_from_a_string(tmp_path):
    env = {"LINKEDIN_API_BASE_URL": "http://127.0.0.1:9000/", "LINKEDIN_OAUTH_BASE_URL": "http://127.0.0.1:9000",
           "LINKEDIN_SCOPES": "r_ads, rw_dmp_segments", "LINKEDIN_COOKIE_SECRET": "c" * 40}
    s = config.load(environ=env, secrets_path=tmp_path / "x")
    assert s.sandbox and s.api_base_url == "http://127.0.0.1:9000"
    assert s.scopes == ("r_ads", "rw_dmp_segments")
    browser = s.for_browser("http://localhost:8501/")
    assert browser.authorize_url == "http://127.0.0.1:9000/oauth/v2/authorization"
    assert browser.redirect_uri == "http://localhost:8501/oauth/linkedin/callback"


def test_for_browser_uses_the_host_the_browser_used_but_keeps_server_calls_on_loopback(tmp_path):
    s = config.load(environ={"LINKEDIN_COOKIE_SECRET": "c" * 40}, secrets_path=tmp_path / "x", app_port=8501)
    b = s.for_browser("http://localhost:8501/")
    assert b.authorize_url == "http://localhost:8501/sandbox/oauth/v2/authorization"
    assert b.redirect_uri == "http://localhost:8501/oauth/linkedin/callback"
    assert b.token_url == "http://127.0.0.1:8501/sandbox/oauth/v2/accessToken"
    real = config.Settings(client_id="id", client_secret="s", redirect_uri="https://x/cb")
    assert real.for_browser("http://localhost:8501") is real


def test_state_and_secrets_live_in_the_project_folder_beside_linkedin():
    """The defaults point at <project>/data and <project>/.streamlit, wherever the settings module sits."""
    project = Path(__file__).resolve().parents[3]
    assert config.ROOT == project
    assert (project / "linkedin").is_dir() and (project / "app.py").is_file()
    assert config.load(environ={}, secrets_path=Path("/nonexistent/secrets.toml")).db_path == str(project / "data" / "app.db")
