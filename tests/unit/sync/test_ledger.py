"""The ledger keeps what a removal needs: identifiers as they are, the names of a person known by
name only sealed with the store's key (never in the clear), deleted with the member."""

import json

import numpy as np
import pytest

from linkedin.store import Store
from linkedin.sync.ledger import Ledger, identity
from linkedin.sync.plans import Keys, Plan
from linkedin.tables import keyarrays
from linkedin.tables.elements import KEY_ONLY

API = "https://api.linkedin.com"  # the LinkedIn these ledgers and histories belong to

KEY = "k" * 40
EMAIL = {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "a" * 64}], "firstName": "Ann", "title": "CFO"}
NAMED = {"userIds": [], "firstName": "Bob", "lastName": "Smith", "company": "Acme", "country": "US", "title": "CEO"}


def test_the_identity_of_a_person_is_their_ids_or_else_every_plain_field_linkedin_matched():
    assert identity({"action": "ADD", **EMAIL}, "users") == {"userIds": EMAIL["userIds"]}
    assert identity({"action": "ADD", **NAMED}, "users") == {
        "firstName": "Bob", "lastName": "Smith", "company": "Acme", "country": "US", "title": "CEO"}
    assert identity({"action": "ADD", "companyName": "Acme", "industries": "IT"}, "companies") == {"companyName": "Acme"}


def test_names_are_sealed_at_rest_read_back_and_gone_with_the_member(tmp_path):
    store = Store(tmp_path / "app.db", token_key=KEY)
    ledger = Ledger(store, linkedin=API)
    ledger.record(77, "ADD", [("e", identity(EMAIL, "users")), ("n", identity(NAMED, "users"))])
    rows = ledger.stored(77, ["e", "n"])
    assert json.loads(rows["e"]) == {"userIds": EMAIL["userIds"]}
    assert list(json.loads(rows["n"])) == ["sealed"] and "Smith" not in rows["n"] and "Acme" not in rows["n"]
    assert ledger.identities(77, ["e", "n"]) == {"e": {"userIds": EMAIL["userIds"]},
                                                 "n": identity(NAMED, "users")}
    ledger.record(77, "REMOVE", [("n", {})])
    assert ledger.keys(77) == {"e"}
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"Smith" not in (tmp_path / "app.db").read_bytes()


def test_an_identity_that_cannot_say_whom_to_remove_reads_back_empty(tmp_path):
    Ledger(Store(tmp_path / "app.db", token_key=KEY), linkedin=API).record(77, "ADD", [("n", identity(NAMED, "users"))])
    other_key = Ledger(Store(tmp_path / "app.db", token_key="another key of at least 32 bytes!!"), linkedin=API)
    other_key.record_kept(77, [("old", "{}")])  # sent by name before names were kept
    assert other_key.identities(77, ["n", "old"]) == {"n": {}, "old": {}}


@pytest.mark.parametrize("ids", [
    {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "ab" * 32}]},
    {"userIds": [{"idType": "GOOGLE_AID", "idValue": "38400000-8cf0-11bd-b23e-10b96e40000d"}]},
    {"userIds": [{"idType": "SHA256_EMAIL", "idValue": 'quote"and\\slash'}]},  # not bare: the encoder writes it
    {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "a"}, {"idType": "GOOGLE_AID", "idValue": "b"}]},
    {"companyName": "Acme", "companyWebsiteDomain": "acme.com"},
])
def test_an_identity_is_kept_as_the_json_encoder_writes_it(ids):
    kept = Ledger(Store(), linkedin="https://api.linkedin.com").kept(ids)
    assert kept == json.dumps(ids, sort_keys=True) and json.loads(kept) == ids


def test_plan_keys_are_sorted_arrays_that_read_and_compare_as_sets_of_strings():
    plan = Plan("mirror", {"k2", "k1"}, ["k3", "k3"], frozenset(), 1, 1)
    assert (list(plan.add), len(plan.remove), bool(plan.unchanged)) == (["k1", "k2"], 1, False)
    assert plan.add == {"k1", "k2"} and plan.add != {"k1"} and "k2" in plan.add and "k9" not in plan.add
    assert plan.add.arrow().to_pylist() == ["k1", "k2"] and Keys(plan.add.arrow()) == plan.add


@pytest.mark.parametrize("values", [["ab" * 32, "cd" * 32], ["ab" * 32, 'quote"and\\slash'], ["", "ab"]])
def test_a_batch_of_identities_is_kept_as_the_json_encoder_writes_each(values):
    entries = [(f"k{i}", {"userIds": [{"idType": "SHA256_EMAIL", "idValue": v}]}) for i, v in enumerate(values)]
    entries.append(("c", {"companyName": "Acme"}))
    kept = Ledger(Store(), linkedin="https://api.linkedin.com")._kept_all(entries)
    assert kept == [json.dumps(ids, sort_keys=True) for _, ids in entries]


def test_a_mirror_plan_and_a_key_of_another_width_read_back_in_order():
    ledger = Ledger(Store(), linkedin=API)
    hexed = sorted(f"{i:064x}" for i in range(5))
    ledger.record(7, "ADD", [(k, {"userIds": [{"idType": "SHA256_EMAIL", "idValue": k}]}) for k in hexed])
    plan = ledger.plan(7, hexed[3:] + [f"{9:064x}"], "mirror")
    assert (list(plan.add), list(plan.remove), list(plan.unchanged)) == ([f"{9:064x}"], hexed[:3], hexed[3:])
    ledger.record(7, "ADD", [("short", {})])
    assert list(keyarrays.strings(ledger.key_bytes(7))) == sorted([*hexed, "short"])


@pytest.mark.parametrize("mode", ["add", "remove", "mirror"])
def test_a_plan_reads_the_ledger_a_part_at_a_time_and_agrees_with_sets(monkeypatch, mode):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 3)
    ledger = Ledger(Store(), linkedin=API)
    hexed = [f"{i:064x}" for i in range(20)]
    for batch in (hexed[0:7], hexed[12:20:2], hexed[5:11]):  # parts whose ranges meet
        ledger.record_kept(7, [(k, "{}") for k in batch])
    assert ledger.store.db.execute("select count(*) from ledger_parts").fetchone()[0] >= 4
    sent = set(hexed[0:11]) | set(hexed[12:20:2])
    table = set(hexed[8:16]) | {f"{99:064x}"}
    plan = ledger.plan(7, sorted(table), mode)
    expected = {"add": (table - sent, set(), table & sent, 0),
                "remove": (set(), table, set(), len(table & sent)),
                "mirror": (table - sent, sent - table, table & sent, len(sent - table))}[mode]
    assert (plan.add, plan.remove, plan.unchanged, plan.removed_from_ledger) == expected
    assert plan.ledger_size == len(sent) == ledger.count(7)
    wanted = keyarrays.sorted_unique(keyarrays.as_bytes(sorted(table)))
    assert ledger.holds(7, wanted).tolist() == [key in sent for key in keyarrays.strings(wanted)]


def test_a_key_is_in_one_part_at_most_and_a_removal_rewrites_only_the_parts_that_hold_it(monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 2)
    ledger = Ledger(Store(), linkedin=API)

    def ids(value):
        return {"userIds": [{"idType": "SHA256_EMAIL", "idValue": value}]}

    def parts():
        return ledger.store.db.execute("select id, n, lo, hi from ledger_parts order by id").fetchall()

    ledger.record(7, "ADD", [(k, ids(k)) for k in ("a1", "a2", "a3")])  # one batch: parts of two, in key order
    ledger.record(7, "ADD", [(k, ids(k)) for k in ("c1", "c2")])
    assert [(n, lo.rstrip(b"\0"), hi.rstrip(b"\0")) for _, n, lo, hi in parts()] == [
        (2, b"a1", b"a2"), (1, b"a3", b"a3"), (2, b"c1", b"c2")]
    before = ledger.version(7)
    ledger.record(7, "ADD", [("a2", ids("again"))])  # added again: its new identity, still one key
    assert ledger.count(7) == 5 and ledger.version(7) != before
    assert ledger.identities(7, ["a2", "a1", "zz"]) == {"a2": ids("again"), "a1": ids("a1")}
    untouched = [row for row in parts() if row[2].startswith(b"c")]
    ledger.record(7, "REMOVE", [("a1", {}), ("a3", {})])
    assert ledger.keys(7) == {"a2", "c1", "c2"} and ledger.count(7) == 3
    assert [row for row in parts() if row[2].startswith(b"c")] == untouched  # out of the removal's range
    ledger.record(7, "REMOVE", [("a2", {})])
    assert ledger.keys(7) == {"c1", "c2"} and len(parts()) == 1  # an emptied part is gone
    assert Ledger(ledger.store, linkedin="https://other").keys(7) == set()


def test_a_ledger_stored_a_row_a_key_is_moved_into_parts_in_key_order(tmp_path, monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 2)
    store = Store(tmp_path / "app.db", token_key=KEY)
    with store.lock:  # the ledger as it was: a row a key
        store.db["ledger"].create({"linkedin": str, "segment_id": str, "key": str, "ids": str, "sent_at": float},
                                  pk=("linkedin", "segment_id", "key"))
        store.db["ledger"].insert_all([{"linkedin": API, "segment_id": "7", "key": k, "ids": json.dumps({"n": k}),
                                        "sent_at": 0.0} for k in ("k5", "k1", "k4", "k2", "k3")])
    ledger = Ledger(store, linkedin=API)
    assert "ledger" not in store.db.table_names()
    assert ledger.keys(7) == {"k1", "k2", "k3", "k4", "k5"}
    assert ledger.stored(7, ["k3", "k5"]) == {"k3": '{"n": "k3"}', "k5": '{"n": "k5"}'}
    assert store.db.execute("select n from ledger_parts order by id").fetchall() == [(2,), (2,), (1,)]


def test_parts_from_many_small_runs_are_compacted_into_parts_whose_ranges_do_not_meet(monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 4)
    monkeypatch.setattr("linkedin.sync.ledger.COMPACT_AT", 3)
    ledger = Ledger(Store(), linkedin=API)
    for day in range(3):  # each run a key at each end of the key space: every part meets every batch
        ledger.record_kept(7, [(f"a{day}", f'{{"d": {day}}}'), (f"z{day}", f'{{"d": {day}}}')])
    assert ledger.store.db.execute("select count(*) from ledger_parts").fetchone() == (3,)
    ledger.record_kept(7, [("a9", "{}"), ("z9", "{}")])  # meets three small parts: merged with it
    parts = ledger.store.db.execute("select lo, hi, n from ledger_parts order by lo").fetchall()
    assert [n for _, _, n in parts] == [4, 4]
    assert all(parts[i][1] < parts[i + 1][0] for i in range(len(parts) - 1))  # ranges apart
    assert ledger.keys(7) == {"a0", "a1", "a2", "a9", "z0", "z1", "z2", "z9"}
    assert ledger.stored(7, ["a1", "z9"]) == {"a1": '{"d": 1}', "z9": "{}"}


def test_only_small_parts_are_compacted_and_never_for_a_batch_that_spans_full_ones(monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 4)
    monkeypatch.setattr("linkedin.sync.ledger.COMPACT_AT", 3)
    ledger = Ledger(Store(), linkedin=API)
    ledger.record_kept(7, [(k, "{}") for k in ("b", "c", "d", "e", "f", "g", "h", "i")])  # one send: two full parts
    full = ledger.store.db.execute("select id, lo, hi from ledger_parts order by id").fetchall()

    def parts():
        return ledger.store.db.execute("select id, n from ledger_parts order by id").fetchall()

    for day in range(3):  # a day's new keys at both ends: each batch meets every part
        ledger.record_kept(7, [(f"a{day}", "{}"), (f"z{day}", "{}")])
    assert [n for _, n in parts()] == [4, 4, 2, 2, 2]  # two small parts met each batch: fewer than three
    ledger.record_kept(7, [("a9", "{}"), ("z9", "{}")])  # three small parts met: merged with this batch
    assert ledger.store.db.execute("select id, lo, hi from ledger_parts order by id").fetchall()[:2] == full
    assert [n for _, n in parts()] == [4, 4, 4, 4]  # the full parts as they were, the small ones merged
    assert ledger.count(7) == 16 and {"a0", "a9", "z2", "b", "i"} <= ledger.keys(7)


def test_an_identity_that_is_its_key_is_stored_as_a_mark_and_read_back_whole(monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 2)
    ledger = Ledger(Store(), linkedin=API)
    keys = [f"{i:064x}" for i in range(3)]
    aid = '{"userIds": [{"idType": "GOOGLE_AID", "idValue": "38400000-8cf0-11bd-b23e-10b96e40000d"}]}'
    ledger.record_batch(7, keyarrays.as_bytes(keys), [KEY_ONLY, aid, KEY_ONLY])
    lines = [line for (ids,) in ledger.store.db.execute("select ids from ledger_parts") for line in ids.split("\n")]
    assert sorted(lines) == sorted([KEY_ONLY, aid, KEY_ONLY])  # the key is not written again
    whole = {k: json.dumps({"userIds": [{"idType": "SHA256_EMAIL", "idValue": k}]}) for k in keys}
    assert ledger.stored(7, keys) == {keys[0]: whole[keys[0]], keys[1]: aid, keys[2]: whole[keys[2]]}
    assert ledger.identities(7, keys[:1]) == {keys[0]: json.loads(whole[keys[0]])}
    ledger.record(7, "REMOVE", [(keys[1], {})])  # its part rewritten without it: the mark moves with its key
    assert ledger.stored(7, keys) == {keys[0]: whole[keys[0]], keys[2]: whole[keys[2]]}


def test_parts_written_before_prefixes_were_kept_get_them_on_open(tmp_path, monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 2)
    store = Store(tmp_path / "app.db", token_key=KEY)
    keys = [f"{i:064x}" for i in range(4)]
    Ledger(store, linkedin=API).record_kept(7, [(k, "{}") for k in keys])
    with store.lock:  # the parts as they were: no prefixes column
        store.db.execute("create table old as select id, linkedin, segment_id, n, lo, hi, sent_at, keys, ids "
                         "from ledger_parts")
        store.db["ledger_parts"].drop()
        store.db.execute("alter table old rename to ledger_parts")
    ledger = Ledger(Store(tmp_path / "app.db", token_key=KEY), linkedin=API)
    rows = ledger.store.db.execute("select keys, prefixes from ledger_parts").fetchall()
    assert len(rows) == 2 and all(words == keyarrays.prefixes(np.frombuffer(blob, "S64")).tobytes()
                                  for blob, words in rows)
    ledger.record(7, "REMOVE", [(keys[1], {})])
    assert ledger.keys(7) == {keys[0], keys[2], keys[3]}


def test_a_batch_reads_the_keys_of_only_the_parts_whose_prefixes_it_meets(monkeypatch):
    monkeypatch.setattr("linkedin.sync.ledger.PART", 2)
    ledger = Ledger(Store(), linkedin=API)
    old = [f"{i:016x}" * 4 for i in (1, 2, 3, 4)]
    ledger.record_kept(7, [(k, "{}") for k in old])
    read = []
    original = ledger.store.db.execute

    def watching(sql, *args):
        if sql.startswith("select keys from ledger_parts where id"):
            read.append(args[0][0])
        return original(sql, *args)

    monkeypatch.setattr(ledger.store.db, "execute", watching)
    ledger.record_kept(7, [(f"{i:016x}" * 4, "{}") for i in (5, 6)])  # new keys: no part's keys read
    assert read == []
    ledger.record_kept(7, [(old[2], '{"again": 1}')])  # a key added again: only its part is read
    assert len(read) == 1
    assert ledger.stored(7, [old[2]]) == {old[2]: '{"again": 1}'} and ledger.count(7) == 6
