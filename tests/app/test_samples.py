"""The sandbox's sample files, one click on the People and Company pages (issue 14.14); never on real LinkedIn."""

from __future__ import annotations

from linkedin.tables.preparation import prepare
from tests.app.test_sync_pages import COMPANIES, CONTACTS, connect, env, page, world  # noqa: F401 - env and world are fixtures
from ui import samples


def test_each_page_offers_its_sample_file_and_reads_it_as_linkedins_template(monkeypatch, env):
    connect(monkeypatch, env)
    for kind, path, template in (("users", CONTACTS, "contact"), ("companies", COMPANIES, "company")):
        at = page(kind)
        button = at.button(key=f"{kind}_sample")
        assert button.label == f"Use the sample file {path.name}"
        button.click().run()
        assert not at.exception
        assert f"LinkedIn's {template} template recognised: every column maps as is." in [s.value for s in at.success]
        rows = next(m.value for m in at.metric if m.label == "Rows read")
        assert rows == f"{prepare(path, kind).quality.rows:,}"


def test_no_sample_is_offered_off_the_sandbox():
    assert samples.offer("users", sandbox=False) is None  # before any widget: real LinkedIn gets no made-up people
    assert samples.offer("companies", sandbox=False) is None
