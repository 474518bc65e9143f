"""The prepared table as the sender's source: a batch of contacts' additions goes as JSON built
from the table's columns, byte for byte what the element dicts encode to, and is recorded alike."""

import json

import pandas as pd
import pyarrow as pa
import responses

from linkedin.api.client import Client, StaticToken
from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.sync.ledger import Ledger
from linkedin.sync.runs import Uploads
from linkedin.sync.sender import Sender
from linkedin.sync.upload import Sync, TableSource, Target
from linkedin.tables.elements import KEY_ONLY, build_elements, element_texts, joined
from linkedin.tables.preparation import prepare

SETTINGS = Settings(client_id="cid", client_secret="s", redirect_uri="https://a/cb", cookie_secret="x" * 32)
API = SETTINGS.api_base_url
URL = f"{API}/rest/dmpSegments/77/users"
PEOPLE = pd.DataFrame({
    "email": ["a@example.com", "b@example.com", "", "c@example.com", "d@example.com"],
    "first name": ["Zoë", 'Say "hi"', "Al", "", "Back\\slash"],
    "last name": ["Ng", "", "Bo", "", "Li"],
    "company": ["", "", "Acme", "", ""],
    "country": ["", "", "US", "", ""],
    "google aid": ["", "38400000-8cf0-11bd-b23e-10b96e40000d", "", "", ""],
})


def answer(rejected_first=False):
    def callback(request):
        n = len(json.loads(request.body)["elements"])
        results = [{"status": 201} for _ in range(n)]
        if rejected_first:
            results[0] = {"status": 400, "message": "bad"}
        return 200, {}, json.dumps({"elements": results})
    return callback


def test_element_texts_are_what_the_encoder_writes_of_the_element_dicts():
    fields = pa.table({"SHA256_EMAIL": ["a" * 64, None, "b", None, 'q"x'],
                       "GOOGLE_AID": [None, "g1", "g2", None, None],
                       "firstName": ["Zoë", None, "x\\y", "Al", "tab\there"], "lastName": [None, None, "L", "B", None]})
    texts, kept = element_texts(fields, "ADD")
    built = build_elements("users", fields, "ADD")
    assert texts.to_pylist() == [json.dumps(e) for e in built]
    assert kept.to_pylist() == [json.dumps({"userIds": e["userIds"]}) if e["userIds"] else "" for e in built]
    assert b'{"elements": [' + joined(texts) + b"]}" == json.dumps({"elements": built}).encode()


def test_a_person_by_name_is_handed_to_the_ledger_as_a_dict_for_it_to_seal():
    prepared = prepare(PEOPLE, "users")
    source = TableSource(prepared)
    keys = prepared.keys.to_pylist()
    encoded = source.encoded(keys)
    assert json.loads(encoded.body)["elements"] == [source([k])[k] for k in keys]
    assert list(encoded.named.values()) == [{"firstName": "Al", "lastName": "Bo", "company": "Acme", "country": "US"}]
    assert [encoded.kept[i].as_py() for i in encoded.named] == [""]  # the rest as the ledger keeps them
    shapes = []
    for i, (key, text) in enumerate(zip(keys, encoded.kept.to_pylist())):
        if i in encoded.named:
            continue
        ids = source([key])[key]["userIds"]
        if ids == [{"idType": "SHA256_EMAIL", "idValue": key}]:  # the key itself: the ledger writes it back
            assert text == KEY_ONLY
        else:
            assert json.loads(text) == {"userIds": ids}
        shapes.append(text == KEY_ONLY)
    assert set(shapes) == {True, False}
    assert source.encoded(keys + ["f" * 64]) is None  # not in the table: the dict path says why


def sent(prepared, encoded: bool, rejected_first=False):
    """(accepted, rejected, bodies sent, ledger identities, run items) of a sync of ``prepared``, its source encoding or not."""
    store = Store()
    client = Client(SETTINGS, StaticToken("T"))
    sync = Sync(client, store, prepared, Target(77, "S", "urn:li:sponsoredAccount:1", "users"),
                sender=Sender(client, store, kind="users", batch_size=2))  # the next batch is made while one is out
    if not encoded:
        sync.source = lambda keys, table=sync.source: table(keys)  # a plain callable: no ``encoded``
    with responses.RequestsMock() as mocked:
        mocked.add_callback(responses.POST, URL, callback=answer(rejected_first))
        run = sync.run(sync.start(sync.plan("add"), owner="me"))
        bodies = [c.request.body for c in mocked.calls]
    texts = Ledger(store, linkedin=API).stored(77, Ledger(store, linkedin=API).keys(77))
    ledger = {k: (text if "sealed" not in text else "sealed", ids)  # a sealed text differs each time (Fernet)
              for k, ids in Ledger(store, linkedin=API).identities(77, list(texts)).items() for text in [texts[k]]}
    items = list(Uploads(store).items(run.id))
    return run.accepted, run.rejected, [json.loads(b) for b in bodies], ledger, items


def test_a_sync_sends_and_records_the_same_with_the_table_encoding_as_with_dicts():
    prepared = prepare(PEOPLE, "users")
    for rejected_first in (False, True):
        fast, slow = sent(prepared, True, rejected_first), sent(prepared, False, rejected_first)
        assert fast == slow and fast[:2] == ((2, 3) if rejected_first else (5, 0)) and len(fast[3]) == fast[0]
        assert [len(b["elements"]) for b in fast[2]] == [2, 2, 1]
