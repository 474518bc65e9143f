"""The sandbox's pure parts, without HTTP: population, accounts, settings, clock, tokens."""

from __future__ import annotations

import re

import pytest

from linkedin.sandbox import SandboxSettings, World, create_app
from linkedin.sandbox.clock import Clock
from linkedin.sandbox.population import DEMO_MEMBERS, Population
from linkedin.sandbox.settings import SettingsError


def test_population_is_deterministic_and_well_formed():
    a, b = Population.generate(seed=7, size=300), Population.generate(seed=7, size=300)
    assert a.members == b.members
    assert Population.generate(seed=8, size=300).members[3:] != a.members[3:]
    assert a.members[:3] == DEMO_MEMBERS
    assert len(a) == 303
    assert len({m.id for m in a}) == 303 and len({m.email for m in a}) == 303
    for m in a:
        assert re.fullmatch(r"[A-Za-z0-9]{10}", m.id)
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", m.android_ad_id)
        assert m.email == m.email.lower() and "@" in m.email
        assert re.fullmatch(r"[A-Z]{2}", m.country)
        assert m.urn == f"urn:li:person:{m.id}"


def test_population_lookups():
    pop = Population.generate(seed=7, size=10)
    avery = pop.get("urn:li:person:Av3ryAn4ly")
    assert avery is not None and avery.name == "Avery Analyst"
    assert pop.get("Av3ryAn4ly") is avery
    assert pop.by_email(" Avery.Analyst@northwind.example ") is avery
    assert pop.get("nobody") is None


def test_seeded_accounts_and_roles():
    world = World(seed=7, population_size=50)
    avery, vic, noa = world.demo_members
    assert len(world.roles_of(avery.urn)) == 14
    assert {u.role for u in world.roles_of(vic.urn)} == {"VIEWER"}
    assert world.roles_of(noa.urn) == []
    statuses = {world.ad_accounts[u.account_id].status for u in world.roles_of(avery.urn)}
    assert statuses == {"ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED"}
    assert any(world.ad_accounts[u.account_id].test for u in world.roles_of(avery.urn))
    shared = world.roles_of(vic.urn)[0].account_id
    assert len(world.users_of(shared)) >= 3  # Avery, Vic and colleagues
    same = World(seed=7, population_size=50)
    assert sorted(same.ad_accounts) == sorted(world.ad_accounts)


def test_create_app_exposes_the_world():
    app = create_app(SandboxSettings(access_token_ttl=120), seed=3)
    world = app.state.sandbox
    assert isinstance(world, World) and world.seed == 3
    assert world.settings.access_token_ttl == 120
    world.settings = world.settings.patched({"access_token_ttl": 60})
    world.reset()
    assert world.settings.access_token_ttl == 120  # reset returns to the settings given


def test_settings_patch_types():
    s = SandboxSettings()
    t = s.patched({"app_products": ["Advertising API"], "issue_refresh_tokens": False, "code_ttl": 10})
    assert t.app_products == ("Advertising API",) and t.issue_refresh_tokens is False and t.code_ttl == 10
    assert "Matched Audiences" in s.app_products  # the original is untouched
    assert t.to_json()["app_products"] == ["Advertising API"]
    for bad in ({"code_ttl": True}, {"code_ttl": 1.5}, {"app_products": [1]}, {"app_products": ["Nope"]}, {"nope": 1},
                {"versions": ["2026-08"]}, {"versions": ["202613"]}, {"versions": "202608"},
                {"introspect_unknown_body": []}, {"per_minute_window": "hourly"}, {"users_calls_per_day": -1}):
        with pytest.raises(SettingsError):
            s.patched(bad)


def test_settings_defaults_match_linkedin():
    s = SandboxSettings()
    assert (s.access_token_ttl, s.refresh_token_ttl, s.code_ttl) == (5_184_000, 31_536_000, 1800)
    assert s.versions == ("202601", "202602", "202603", "202604", "202605", "202606", "202607", "202608")
    assert "202512" not in s.versions  # never published
    assert s.issue_refresh_tokens and not s.rotate_refresh_tokens and not s.refresh_revokes_previous_access
    assert s.introspect_unknown_body == {"active": False} and s.introspect_unknown_status == 200


def test_clock():
    t = [1000.0]
    clock = Clock(source=lambda: t[0])
    assert clock.now() == 1000.0 and clock.now_ms() == 1_000_000
    clock.advance(30)
    t[0] += 1
    assert clock.now() == 1031.0 and clock.offset == 30
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.reset()
    assert clock.now() == 1001.0
