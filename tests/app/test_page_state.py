"""AppTest: what a sync page keeps and what it forgets (issue 14.8, 14.9, 14.15).

A new table starts clean (no results, mode or segment of the last one); the options and
mapping of the table in hand survive a visit to another page; a pasted list with no header
maps by itself. On a real sandbox, as in ``test_sync_pages``.
"""

from __future__ import annotations

from tests.app.test_sync_pages import (  # noqa: F401  (env and world are fixtures)
    connect, create_segment, env, metrics, ok, page, paste, people_csv, send, texts, upload, world,
)


def test_a_new_table_starts_clean_without_the_last_results_mode_or_segment(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "first.csv", people_csv(world, 10, 40))
    seg_id = create_segment(at, "users", "Clean slate")
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    at.radio(key="users_mode").set_value("mirror").run()
    assert at.selectbox(key="users_segment").value == seg_id

    upload(at, "users", "second.csv", people_csv(world, 500, 505))
    assert "**Upload finished.**" not in texts(at)
    assert not [s for s in at.subheader if s.value in ("Results", "Sending")]
    assert "Added" not in metrics(at)  # the last upload's counts are gone with it
    assert at.selectbox(key="users_segment").value == 0  # "Create a new segment": nothing preselected
    at.selectbox(key="users_segment").set_value(seg_id).run()
    assert at.radio(key="users_mode").value == "add"  # never mirror by inheritance
    assert (metrics(at)["To add"], metrics(at)["To remove"]) == ("5", "0")


def test_the_same_table_after_another_page_keeps_its_options_mode_and_segment(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "first.csv", people_csv(world, 10, 40))
    seg_id = create_segment(at, "users", "Kept while away")
    at.checkbox(key="users_sha512").check().run()
    at.checkbox(key="users_fixes").uncheck().run()
    at.radio(key="users_mode").set_value("remove").run()
    ok(at)

    at.switch_page("pages/audiences.py").run()
    ok(at)
    at.switch_page("pages/people.py").run()
    ok(at)
    assert at.checkbox(key="users_sha512").value is True
    assert at.checkbox(key="users_fixes").value is False
    assert at.checkbox(key="users_idfa").value is False
    assert at.selectbox(key="users_segment").value == seg_id
    assert at.radio(key="users_mode").value == "remove"
    # the options are the ones the table is prepared with: no new preparation, the same preview
    assert metrics(at)["To remove"] == "30"


def test_a_pasted_list_of_emails_maps_to_email(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = paste(page(), "users", "\n".join(m.email for m in world.members[:5]))
    assert at.selectbox(key="users_map_email").value == "column 1"
    assert metrics(at)["Unique to send"] == "5"


def test_a_pasted_list_of_domains_maps_to_website(monkeypatch, env):
    connect(monkeypatch, env)
    at = paste(page("companies"), "companies", "acme.com\nhttps://www.contoso.com\nglobex.co.uk\n")
    assert at.selectbox(key="companies_map_companywebsite").value == "column 1"
    assert metrics(at)["Unique to send"] == "3"
