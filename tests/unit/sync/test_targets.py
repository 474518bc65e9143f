"""A sync's target: a segment in a closed ad account, or where the member only reads, is refused
by the library itself, before any call, whichever front door asks (app, command line, notebook)."""

import pandas as pd
import pytest
import responses

from linkedin.api.accounts import Account
from linkedin.api.client import Client, StaticToken
from linkedin.api.errors import NotManageable
from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare

SETTINGS = Settings(client_id="cid", client_secret="s", redirect_uri="https://a/cb", cookie_secret="x" * 32)


def account(status, role="ACCOUNT_MANAGER"):
    return Account(9, "Brand", status, "BUSINESS", "USD", False, role)


@responses.activate
@pytest.mark.parametrize("status, role, reason", [
    ("CANCELED", "ACCOUNT_MANAGER", "Ad account Brand (9) is CANCELED: LinkedIn serves no campaign from it"),
    ("PENDING_DELETION", "CAMPAIGN_MANAGER", "Ad account Brand (9) is PENDING_DELETION"),
    ("REMOVED", "ACCOUNT_BILLING_ADMIN", "Ad account Brand (9) is REMOVED"),
    ("ACTIVE", "VIEWER", "Your role on ad account Brand (9) is VIEWER, which can read audiences but not change"),
])
def test_a_sync_into_an_account_that_cannot_take_it_is_refused_before_any_call(status, role, reason):
    client = Client(SETTINGS, StaticToken("T"))
    prepared = prepare(pd.DataFrame({"email": ["a@example.com"]}), "users")
    target = Target(77, "Seg", "urn:li:sponsoredAccount:9", "users", account=account(status, role))
    with pytest.raises(NotManageable) as err:
        Sync(client, Store(), prepared, target)
    assert err.value.message.startswith(reason) and (client.calls, len(responses.calls)) == (0, 0)


def test_an_open_account_takes_the_sync():
    prepared = prepare(pd.DataFrame({"email": ["a@example.com"]}), "users")
    target = Target(77, "Seg", "urn:li:sponsoredAccount:9", "users", account=account("DRAFT", "CREATIVE_MANAGER"))
    assert Sync(Client(SETTINGS, StaticToken("T")), Store(), prepared, target).plan("add").summary()["add"] == 1
