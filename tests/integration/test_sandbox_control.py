"""``linkedin.demo.controls.SandboxControl`` against a running sandbox: every control still
answers it now that the controls take JSON only, and a refusal comes back as a LinkedInError."""

from __future__ import annotations

import pytest

from linkedin.api.errors import LinkedInError
from linkedin.demo.controls import SandboxControl
from linkedin.store import Store
from tests.integration.helpers import connect_sandbox


def test_every_control_works_through_the_client(sandbox_server):
    control = SandboxControl(sandbox_server.url)
    connect_sandbox(sandbox_server.url, Store())  # one grant to expire and revoke
    assert control.expire_access() == 1 and control.expire_refresh() == 1 and control.revoke() == 1
    assert control.update_settings(code_ttl=60)["code_ttl"] == 60
    assert control.advance_clock(30)["clock_offset"] == 30
    assert [f["kind"] for f in control.inject_fault("503", count=2)["faults"]] == ["503"]
    assert control.clear_faults() == {"faults": []}
    state = control.reset()
    assert (state["clock_offset"], state["tokens"], state["settings"]["code_ttl"]) == (0, [], 1800)


def test_redirect_hosts_refused_through_the_client(sandbox_server):
    with pytest.raises(LinkedInError) as caught:
        SandboxControl(sandbox_server.url).update_settings(redirect_hosts=["evil.example"])
    assert caught.value.status == 400 and "redirect_hosts cannot be changed" in caught.value.message
