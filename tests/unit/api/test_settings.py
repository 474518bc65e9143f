"""Settings from the environment and secrets.toml; sandbox mode when no client id is set."""

import concurrent.futures
import os
from pathlib import Path

import pytest

from linkedin.api import settings as config

COOKIE = "cookie-secret-for-tests-9Qx3vLk2Tz8pWm4Rb7Yc"


def private(tmp_path):
    """A database path in the test's folder: the generated token key goes beside it, not into data/."""
    return {"LINKEDIN_DB_PATH": str(tmp_path / "data" / "app.db")}


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


@pytest.mark.parametrize(("environ", "toml", "in_process"), [
    ({}, "", False),  # the default: the sandbox in a process of its own
    ({"LINKEDIN_SANDBOX_IN_PROCESS": "1"}, "", True),
    ({"LINKEDIN_SANDBOX_IN_PROCESS": "true"}, "", True),
    ({"LINKEDIN_SANDBOX_IN_PROCESS": "0"}, "", False),
    ({}, "[linkedin]\nsandbox_in_process = true\n", True),
    ({}, "[linkedin]\nsandbox_in_process = false\n", False),
])
def test_the_sandbox_runs_apart_unless_asked_to_run_in_the_apps_process(tmp_path, environ, toml, in_process):
    found = config.load(environ={**private(tmp_path), **environ}, secrets_path=write_secrets(tmp_path, toml))
    assert found.sandbox_in_process is in_process


def test_environment_wins_over_secrets_toml(tmp_path):
    secrets = write_secrets(tmp_path, '[linkedin]\nclient_id = "file-id"\nclient_secret = "file-secret"\nversion = "202604"\n'
                                                                            'redirect_uri = "https://app.example/oauth/linkedin/callback"\nscopes = ["r_ads", "rw_dmp_segments"]\n'
                                      'source_platform = "ACME_AUDIENCES"\n')
    s = config.load(environ={"LINKEDIN_CLIENT_ID": "env-id", "LINKEDIN_COOKIE_SECRET": COOKIE, **private(tmp_path)}, secrets_path=secrets)
    assert (s.client_id, s.client_secret, s.version, s.source_platform) == (
        "env-id", "file-secret", "202604", "ACME_AUDIENCES")
    assert not s.sandbox
    assert s.api_base_url == "https://api.linkedin.com" and s.oauth_base_url == "https://www.linkedin.com"
    assert s.token_url == "https://www.linkedin.com/oauth/v2/accessToken"
    assert s.scopes == ("r_ads", "rw_dmp_segments")
    assert s.secure_cookies
    assert "file-secret" not in repr(s) and COOKIE not in repr(s) and s.token_key not in repr(s)
    assert config.problems(s) == []


def test_real_mode_without_a_secret_or_a_source_platform_is_reported(tmp_path):
    s = config.load(environ={"LINKEDIN_CLIENT_ID": "id", "LINKEDIN_COOKIE_SECRET": COOKIE, **private(tmp_path)}, secrets_path=tmp_path / "x")
    assert s.source_platform is None  # no invented default: LinkedIn assigns each partner its own
    assert config.problems(s) == ["LINKEDIN_CLIENT_SECRET is not set (or client_secret in [linkedin] of secrets.toml).",
                                  config.SOURCE_PLATFORM_HELP]
    assert config.SOURCE_PLATFORM_HELP.startswith("LINKEDIN_SOURCE_PLATFORM is not set: LinkedIn gives each approved")


def test_openid_and_profile_are_asked_for_only_when_configured(tmp_path):
    env = {"LINKEDIN_CLIENT_ID": "id", "LINKEDIN_COOKIE_SECRET": COOKIE, **private(tmp_path)}
    assert config.load(environ=env, secrets_path=tmp_path / "x").scopes == ("r_ads", "rw_dmp_segments")
    more = config.load(environ={**env, "LINKEDIN_SCOPES": "r_ads rw_dmp_segments openid profile"},
                       secrets_path=tmp_path / "x")
    assert more.scopes == ("r_ads", "rw_dmp_segments", "openid", "profile")


def test_a_standalone_sandbox_by_url_and_scopes_from_a_string(tmp_path):
    env = {"LINKEDIN_API_BASE_URL": "http://127.0.0.1:9000/", "LINKEDIN_OAUTH_BASE_URL": "http://127.0.0.1:9000",
           "LINKEDIN_SCOPES": "r_ads, rw_dmp_segments", "LINKEDIN_COOKIE_SECRET": COOKIE, **private(tmp_path)}
    s = config.load(environ=env, secrets_path=tmp_path / "x")
    assert s.sandbox and s.api_base_url == "http://127.0.0.1:9000"
    assert s.scopes == ("r_ads", "rw_dmp_segments")
    browser = s.for_browser("http://localhost:8501/")
    assert browser.authorize_url == "http://127.0.0.1:9000/oauth/v2/authorization"
    assert browser.redirect_uri == "http://localhost:8501/oauth/linkedin/callback"


def test_for_browser_uses_the_host_the_browser_used_but_keeps_server_calls_on_loopback(tmp_path):
    s = config.load(environ={"LINKEDIN_COOKIE_SECRET": COOKIE, **private(tmp_path)}, secrets_path=tmp_path / "x", app_port=8501)
    b = s.for_browser("http://localhost:8501/")
    assert b.authorize_url == "http://localhost:8501/sandbox/oauth/v2/authorization"
    assert b.redirect_uri == "http://localhost:8501/oauth/linkedin/callback"
    assert b.token_url == "http://127.0.0.1:8501/sandbox/oauth/v2/accessToken"
    real = config.Settings(client_id="id", client_secret="s", redirect_uri="https://x/cb")
    assert real.for_browser("http://localhost:8501") is real


def test_real_linkedins_redirect_uri_is_never_built_from_the_host_header():
    unset = config.Settings(client_id="id", client_secret="s")
    assert unset.for_browser("https://evil.example/").redirect_uri is None
    assert config.REDIRECT_URI_HELP.startswith("LINKEDIN_REDIRECT_URI is not set: with real LinkedIn")


def test_state_and_secrets_live_in_the_project_folder_beside_linkedin():
    """The defaults point at <project>/data and <project>/.streamlit, wherever the settings module sits."""
    project = Path(__file__).resolve().parents[3]
    assert config.ROOT == project
    assert (project / "linkedin").is_dir() and (project / "app.py").is_file()
    assert config.load(environ={}, secrets_path=Path("/nonexistent/secrets.toml")).db_path == str(project / "data" / "app.db")


# Secrets: the cookie secret and the token key (#8, #9) ------------------------------------------

def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_unset_secrets_are_generated_once_into_0600_files_in_a_0700_folder_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        s = config.load(environ=private(tmp_path), secrets_path=tmp_path / "x")
    finally:
        os.umask(old)
    data = tmp_path / "data"
    assert sorted(p.name for p in data.iterdir()) == [".cookie_secret", ".token_key"]  # no temporary file left
    assert (mode(data), mode(data / ".cookie_secret"), mode(data / ".token_key")) == (0o700, 0o600, 0o600)
    assert (data / ".token_key").read_text() == s.token_key and len(s.token_key) >= 48
    assert s.token_key != s.cookie_secret
    again = config.load(environ=private(tmp_path), secrets_path=tmp_path / "x")
    assert (again.cookie_secret, again.token_key) == (s.cookie_secret, s.token_key)


def test_a_secret_file_kept_readable_by_others_is_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / ".token_key").write_text("a-token-key-from-an-older-version-0123456789")
    (data / ".token_key").chmod(0o644)
    s = config.load(environ=private(tmp_path), secrets_path=tmp_path / "x")
    assert s.token_key == "a-token-key-from-an-older-version-0123456789"
    assert mode(data / ".token_key") == 0o600


def test_two_processes_generating_at_once_agree_on_one_secret(tmp_path):
    path = tmp_path / "data" / ".token_key"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        values = set(pool.map(lambda _: config.generated_secret(path), range(32)))
    assert values == {path.read_text()}
    assert sorted(p.name for p in path.parent.iterdir()) == [".token_key"]


def test_the_token_key_comes_from_the_environment_or_secrets_toml(tmp_path):
    key = "token-key-from-the-environment-0123456789abcdef"
    assert config.load(environ={"LINKEDIN_TOKEN_KEY": key, **private(tmp_path)}, secrets_path=tmp_path / "x").token_key == key
    toml = write_secrets(tmp_path, '[linkedin]\ntoken_key = "token-key-from-secrets-toml-0123456789abcdef"\n')
    assert config.load(environ=private(tmp_path), secrets_path=toml).token_key == "token-key-from-secrets-toml-0123456789abcdef"
    assert not (tmp_path / "data" / ".token_key").exists()


@pytest.mark.parametrize(("value", "problem"), [
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("short-but-random-9f3k", "it is 21 bytes long; use 32 or more random bytes"),
    ("paste-the-generated-value-here", "it is the example's placeholder, not a secret"),
    ("paste-another-generated-value-here", "it is the example's placeholder, not a secret"),
    ("changeme", "it is the example's placeholder, not a secret"),
    ("x" * 64, "it is one character repeated, not a secret"),
])
@pytest.mark.parametrize("variable", ["LINKEDIN_COOKIE_SECRET", "LINKEDIN_TOKEN_KEY"])
def test_an_empty_short_or_placeholder_secret_is_refused_at_start(tmp_path, variable, value, problem):
    with pytest.raises(config.SettingsError) as refused:
        config.load(environ={variable: value, **private(tmp_path)}, secrets_path=tmp_path / "x")
    assert str(refused.value).startswith(f"{variable} cannot be used: {problem}. Set {variable} (or ")
    assert "short-but-random" not in str(refused.value)  # a (weak) secret is never echoed


def test_a_placeholder_in_secrets_toml_is_refused_too(tmp_path):
    toml = write_secrets(tmp_path, '[linkedin]\ncookie_secret = "paste-the-generated-value-here"\n')
    with pytest.raises(config.SettingsError, match="^LINKEDIN_COOKIE_SECRET cannot be used: it is the example's placeholder"):
        config.load(environ=private(tmp_path), secrets_path=toml)
    empty = write_secrets(tmp_path, '[linkedin]\ntoken_key = ""\n')
    with pytest.raises(config.SettingsError, match="^LINKEDIN_TOKEN_KEY cannot be used: it is empty"):
        config.load(environ=private(tmp_path), secrets_path=empty)


def test_an_emptied_secret_file_is_refused_not_used(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / ".cookie_secret").write_text("")
    with pytest.raises(config.SettingsError) as refused:
        config.load(environ=private(tmp_path), secrets_path=tmp_path / "x")
    assert str(refused.value) == (
        f"LINKEDIN_COOKIE_SECRET cannot be used: it is empty. It was read from {data / '.cookie_secret'}: delete that "
        "file to have a new one generated (for the token key, everyone then signs in again), or set the variable.")


def test_the_token_key_must_differ_from_the_cookie_secret(tmp_path):
    with pytest.raises(config.SettingsError, match="LINKEDIN_TOKEN_KEY must differ from LINKEDIN_COOKIE_SECRET"):
        config.load(environ={"LINKEDIN_COOKIE_SECRET": COOKIE, "LINKEDIN_TOKEN_KEY": COOKIE, **private(tmp_path)},
                    secrets_path=tmp_path / "x")


def test_the_host_names_of_a_sandbox_demo_shown_on_purpose(tmp_path):
    """LINKEDIN_SANDBOX_HOSTS (or sandbox_hosts in secrets.toml): the mounted sandbox's controls and
    consent screen answer on these names too; by default on loopback names only (DNS rebinding)."""
    assert config.load(environ=private(tmp_path), secrets_path=tmp_path / "x").sandbox_hosts == ()
    env = {**private(tmp_path), "LINKEDIN_SANDBOX_HOSTS": "demo.example, 192.168.1.20  laptop.local"}
    assert config.load(environ=env, secrets_path=tmp_path / "x").sandbox_hosts == (
        "demo.example", "192.168.1.20", "laptop.local")
    secrets = write_secrets(tmp_path, '[linkedin]\nsandbox_hosts = ["demo.example"]\n')
    assert config.load(environ=private(tmp_path), secrets_path=secrets).sandbox_hosts == ("demo.example",)
