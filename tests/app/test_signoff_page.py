"""AppTest of the Sign-off readiness page on a real sandbox: run, results, downloads, kept runs.

AppTest cannot send cookies, so ``ui.session.connection`` returns a Connection made through
the sandbox's consent screen. "Real LinkedIn" is the same sandbox with a client id
configured, so the settings' sandbox flag is off and the page offers the writing toggle.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from linkedin import signoff
from linkedin.insights import portfolio
from linkedin.sandbox import DEMO_SOURCE_PLATFORM
from linkedin.web import resources as context
from tests.integration.helpers import CLIENT_ID, CLIENT_SECRET, connect_sandbox
from ui import session

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/signoff.py"
RUN = "Run the sign-off check"


@pytest.fixture
def env(app_env):
    portfolio.CACHE.clear()
    yield app_env
    portfolio.CACHE.clear()


@pytest.fixture
def real_linkedin(monkeypatch, env):
    """The app configured for "real LinkedIn": a client id, so no sandbox flag, and the
    sourcePlatform LinkedIn assigned it (here the sandbox registration's, which it accepts)."""
    monkeypatch.setenv("LINKEDIN_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("LINKEDIN_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("LINKEDIN_SOURCE_PLATFORM", DEMO_SOURCE_PLATFORM)
    monkeypatch.setenv("LINKEDIN_REDIRECT_URI", "https://audiences.example.com/oauth/linkedin/callback")  # required
    context.settings.cache_clear()
    return env


def connect(monkeypatch, env):
    store = context.store(context.settings(None))
    conn = connect_sandbox(env.url, store)
    conn.settings = context.settings(None)
    monkeypatch.setattr(session, "connection", lambda: conn)
    return conn


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Sign-off readiness"
    return at


def press_run(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == RUN).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def results(at: AppTest):
    return next(d.value for d in at.dataframe if "Why / what to do" in d.value.columns)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_on_the_sandbox_a_run_passes_every_requirement_and_is_kept(monkeypatch, env):
    conn = connect(monkeypatch, env)
    at = open_page()
    assert not [t for t in at.toggle if t.key == "signoff_allow_writing"]  # the sandbox runs everything
    assert "every check runs" in texts(at)
    press_run(at)

    table = results(at)
    assert list(table["Requirement"]) == list(signoff.IDS)
    assert set(table["Result"]) == {"pass"}, table[["Requirement", "Why / what to do"]].to_dict("records")
    assert any(s.value == "Every requirement passed." for s in at.success)
    (box,) = at.status
    assert box.label == f"Done: {len(signoff.IDS)} passed, 0 failed, 0 skipped" and box.state == "complete"
    assert len([e for e in at.expander if "MA-" in e.label]) == len(signoff.IDS)
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Download the report (HTML)", "Download the report (Markdown)"]

    kept = next(d.value for d in at.dataframe if "Run" in d.value.columns and "Passed" in d.value.columns)
    assert len(kept) == 1 and kept.iloc[0]["Passed"] == len(signoff.IDS) and kept.iloc[0]["Where"] == "sandbox"
    assert conn.status().connected  # reconnected into the same session during the run

    # A rerun (any widget) shows the same results, read back from the store.
    at.run()
    assert list(results(at)["Result"]) == ["pass"] * len(signoff.IDS)


def test_on_real_linkedin_the_writing_checks_wait_for_permission(monkeypatch, real_linkedin):
    connect(monkeypatch, real_linkedin)
    at = open_page()
    toggle = next(t for t in at.toggle if t.key == "signoff_allow_writing")
    assert toggle.value is False
    press_run(at)
    table = results(at).set_index("Requirement")
    for rid in ("MA-105", "MA-106", "MA-107", "MA-005"):
        assert table.loc[rid, "Result"] == "skipped" and "allow" in table.loc[rid, "Why / what to do"].lower()
    for rid in ("MA-003", "MA-004", "MA-006"):
        assert table.loc[rid, "Result"] == "skipped"
    assert (table.loc[["MA-001", "MA-002", "MA-101", "MA-102", "MA-103", "MA-104"], "Result"] == "pass").all()
    assert any("skipped" in w.value for w in at.warning)

    at.toggle(key="signoff_allow_writing").set_value(True).run()
    press_run(at)
    table = results(at).set_index("Requirement")
    assert (table.loc[["MA-005", "MA-105", "MA-106", "MA-107"], "Result"] == "pass").all()
    # Both runs are listed, and the earlier one can be shown again.
    at.selectbox[0].select_index(1).run()
    assert not at.exception
    assert (results(at).set_index("Requirement").loc[["MA-105"], "Result"] == "skipped").all()


def test_without_a_source_platform_ma105_fails_up_front_and_no_segment_is_created(monkeypatch, real_linkedin):
    monkeypatch.delenv("LINKEDIN_SOURCE_PLATFORM")
    context.settings.cache_clear()
    conn = connect(monkeypatch, real_linkedin)
    at = open_page()
    assert any("MA-105 will fail" in w.value and "LINKEDIN_SOURCE_PLATFORM is not set" in w.value for w in at.warning)
    at.toggle(key="signoff_allow_writing").set_value(True).run()
    press_run(at)
    table = results(at).set_index("Requirement")
    assert table.loc["MA-105", "Result"] == "fail"
    assert "LINKEDIN_SOURCE_PLATFORM is not set" in table.loc["MA-105", "Why / what to do"]
    names = [s.name for p in portfolio.portfolio_of(conn, refresh=True).parts for s in p.segments]
    assert not [n for n in names if n.startswith(signoff.DEFAULT_SEGMENT_NAME)]


def test_a_blank_test_segment_name_is_refused_before_anything_runs(monkeypatch, env):
    connect(monkeypatch, env)
    at = open_page()
    at.text_input(key="signoff_name").input("   ").run()
    press_run(at)
    assert any("Give the test segments a name" in e.value for e in at.error)
    assert not [d for d in at.dataframe if "Why / what to do" in d.value.columns]
    assert "No run yet." in texts(at)


def test_without_a_connection_the_page_says_to_connect_first(monkeypatch, env):
    at = AppTest.from_file(str(Path(APP).parent / PAGE), default_timeout=30).run()
    assert not at.exception
    assert any("Connect LinkedIn first" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == RUN]
