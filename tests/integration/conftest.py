"""Fixtures of the integration tests: the sandbox without LinkedIn's delays, and a connection to it."""

import pytest

from linkedin.store import Store
from tests.integration.helpers import connect_sandbox, without_delays


@pytest.fixture
def world(sandbox_server):
    """A sandbox server of this test's own, its delays at zero (modules may define their own ``world``)."""
    return without_delays(sandbox_server)


@pytest.fixture
def conn(world):
    """Avery Analyst connected to ``world`` through the consent screen, on an in-memory store."""
    return connect_sandbox(world.url, Store())
