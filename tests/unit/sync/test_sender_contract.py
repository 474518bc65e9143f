"""The sync engine against LinkedIn's documented batch answers (responses): bodies, results, pauses, resume."""

import json

import pytest
import responses

from linkedin.api.client import Client, RetryPolicy, StaticToken
from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.sync.ledger import Ledger
from linkedin.sync.runs import Uploads
from linkedin.sync.sender import MAX_BATCH, Sender, items_for

API = "https://api.linkedin.com"  # the LinkedIn these ledgers and histories belong to

SETTINGS = Settings(client_id="cid", client_secret="s", redirect_uri="https://a/cb", cookie_secret="x" * 32)
URL = "https://api.linkedin.com/rest/dmpSegments/77/users"


def element(i):
    return {"userIds": [{"idType": "SHA256_EMAIL", "idValue": f"{i:064x}"}], "firstName": f"N{i}"}


def source_for(n):
    table = {f"k{i:07d}": element(i) for i in range(n)}
    return table, (lambda keys: {k: table[k] for k in keys if k in table})


def sender(store, **kw):
    client = Client(SETTINGS, StaticToken("T"), retry=RetryPolicy(tries=2, base=0.01), sleep=lambda s: None)
    return Sender(client, store, kind="users", sleep=lambda s: None, **kw)


def ok_callback(request):
    body = json.loads(request.body)
    return 200, {}, json.dumps({"elements": [{"status": 201} for _ in body["elements"]]})


@responses.activate
def test_batches_of_at_most_5000_with_batch_create_and_exact_elements():
    store = Store()
    table, source = source_for(12_001)
    s = sender(store)
    plan = Ledger(store, linkedin=API).plan(77, table, "add")
    run_id = s.start(owner="me", segment_id=77, segment_name="Seg", account="urn:li:sponsoredAccount:1", plan=plan, needs_file=True)
    responses.add_callback(responses.POST, URL, callback=ok_callback)
    progress = []
    run = s.run(run_id, source, on_progress=progress.append)
    assert run.state == "done" and run.accepted == 12_001 and run.pending == 0
    sizes = [len(json.loads(c.request.body)["elements"]) for c in responses.calls]
    assert sizes == [5000, 5000, 2001]
    first = responses.calls[0].request
    assert first.headers["X-RestLi-Method"] == "BATCH_CREATE"
    assert first.headers["LinkedIn-Version"] == "202608"
    assert json.loads(first.body)["elements"][0] == {"action": "ADD", **element(0)}
    assert progress[-1].done == 12_001 and progress[-1].batches_done == 3 and progress[-1].fraction == 1.0
    assert Ledger(store, linkedin=API).count(77) == 12_001


@responses.activate
def test_per_element_results_map_back_by_index():
    store = Store()
    table, source = source_for(3)
    responses.post(URL, json={"elements": [{"status": 201}, {"status": 400, "message": "Invalid idValue", "batchIndex": 1},
                                           {"status": 400, "error": {"message": "Bad country"}}]})
    s = sender(store)
    run_id = s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"), needs_file=False)
    run = s.run(run_id, source)
    assert (run.accepted, run.rejected) == (1, 2)
    results = Uploads(store).results(run_id)
    assert results["k0000000"][1] == "accepted"
    assert results["k0000001"] == ("ADD", "rejected", 400, "Invalid idValue")
    assert results["k0000002"][3] == "Bad country"
    assert Ledger(store, linkedin=API).keys(77) == {"k0000000"}


@responses.activate
def test_mirror_removes_absent_members_from_the_ledger_identity_without_the_old_table():
    store = Store()
    ledger = Ledger(store, linkedin=API)
    old, _ = source_for(4)
    ledger.record(77, "ADD", [(k, {"userIds": e["userIds"]}) for k, e in old.items()])
    new = {"k0000001": element(1), "k0000009": element(9)}
    plan = ledger.plan(77, new, "mirror")
    assert plan.summary() == {"add": 1, "remove": 3, "unchanged": 1, "in_ledger": 4, "after": 2}
    assert items_for(plan)[-1] == ("k0000009", "ADD")  # removes go first
    responses.add_callback(responses.POST, URL, callback=ok_callback)
    s = sender(store)
    run = s.run(s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=plan, needs_file=False),
                lambda keys: {k: new[k] for k in keys if k in new})
    body = json.loads(responses.calls[0].request.body)["elements"]
    removes = [e for e in body if e["action"] == "REMOVE"]
    assert removes[0] == {"action": "REMOVE", "userIds": element(0)["userIds"]}  # no names in a REMOVE
    assert run.state == "done"
    assert ledger.keys(77) == {"k0000001", "k0000009"}


@responses.activate
def test_a_failure_pauses_and_resume_sends_only_what_is_pending():
    store = Store()
    table, source = source_for(10_000)
    responses.add_callback(responses.POST, URL, callback=ok_callback)
    responses.post(URL, status=503, json={"message": "unavailable"})
    responses.post(URL, status=503, json={"message": "unavailable"})
    s = sender(store)
    run_id = s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"), needs_file=True)
    # responses serves registrations in order for the same URL: one good batch, then failures
    run = s.run(run_id, source)
    assert run.state == "paused" and run.accepted == 5000 and run.pending == 5000 and run.resumable
    assert "Resume" in run.message
    responses.reset()
    responses.add_callback(responses.POST, URL, callback=ok_callback)
    run = s.run(run_id, source)
    assert run.state == "done" and run.accepted == 10_000
    sent = [e["userIds"][0]["idValue"] for c in responses.calls for e in json.loads(c.request.body)["elements"]]
    assert len(sent) == 5000 and sent[0] == f"{5000:064x}"  # nothing accepted was sent twice


@responses.activate
def test_new_segment_404_is_waited_out_not_fatal():
    store = Store()
    table, source = source_for(2)
    responses.post(URL, status=404, json={"message": "Could not find DMP segment with ID 77", "status": 404})
    responses.add_callback(responses.POST, URL, callback=ok_callback)
    clock = [1000.0]
    slept = []
    client = Client(SETTINGS, StaticToken("T"), sleep=lambda s: None)
    s = Sender(client, store, kind="users", sleep=lambda d: (slept.append(d), clock.__setitem__(0, clock[0] + d)),
               clock=lambda: clock[0])
    run_id = s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"), needs_file=False)
    progress = []
    run = s.run(run_id, source, segment_created_at=999.0, on_progress=progress.append)
    assert run.state == "done"
    waits = [p.wait for p in progress if p.wait and p.wait.starting]
    assert [(w.reason, w.status) for w in waits] == [
        ("LinkedIn needs a few seconds after creating a segment before members can be added", None),
        ("LinkedIn does not show the new segment yet", 404),  # then one back-off after the 404
    ]
    assert waits[0].seconds == pytest.approx(4.0)  # the 5-second wait after creation
    assert slept[:4] == [1.0, 1.0, 1.0, 1.0]  # counted down a second at a time
    assert sum(slept) == pytest.approx(4.0 + waits[1].seconds)
    countdown = [p.note for p in progress if p.wait and p.wait.status is None]
    assert countdown == [f"LinkedIn needs a few seconds after creating a segment before members can be added: "
                         f"sending in {n} s" for n in (4, 3, 2, 1)]


@responses.activate
def test_old_segment_404_pauses_with_a_clear_message():
    store = Store()
    table, source = source_for(1)
    responses.post(URL, status=404, json={"message": "Could not find DMP segment with ID 77"})
    s = sender(store)
    run = s.run(s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"), needs_file=False), source)
    assert run.state == "paused" and "could not find" in run.message.lower()


THROTTLED = {"status": 429, "code": "TOO_MANY_REQUESTS",
             "message": "Resource level throttle limit for calls to this resource is reached."}


class FakeTime:
    def __init__(self, now):
        self.now = now

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@responses.activate
def test_a_rate_limit_is_counted_down_then_the_run_goes_on():
    store = Store()
    table, source = source_for(3)
    responses.post(URL, status=429, json=THROTTLED)
    responses.add_callback(responses.POST, URL, callback=ok_callback)
    time_ = FakeTime(1_800_000_020.0)  # 20 s into a minute
    client = Client(SETTINGS, StaticToken("T"), sleep=time_.sleep, clock=time_.clock)
    s = Sender(client, store, kind="users", sleep=time_.sleep, clock=time_.clock)
    progress = []
    run = s.run(s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"),
                        needs_file=False), source, on_progress=progress.append)
    assert run.state == "done" and run.accepted == 3
    notes = [p.note for p in progress if p.wait]
    first = int(notes[0].rsplit(" ", 2)[-2])
    assert 40 <= first <= 42
    assert notes == [f"LinkedIn's per-minute limit: retrying in {n} s" for n in range(first, 0, -1)]
    assert progress[-1].wait is None and client.on_wait is None  # the hook is given back


@responses.activate
def test_a_rate_limit_that_does_not_clear_pauses_the_run_and_it_resumes():
    store = Store()
    table, source = source_for(3)
    responses.post(URL, status=429, json=THROTTLED)
    time_ = FakeTime(1_800_000_020.0)
    client = Client(SETTINGS, StaticToken("T"), sleep=time_.sleep, clock=time_.clock)
    s = Sender(client, store, kind="users", sleep=time_.sleep, clock=time_.clock)
    run_id = s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"),
                     needs_file=False)
    run = s.run(run_id, source)
    assert run.state == "paused" and run.pending == 3
    assert run.message == (
        "Resource level throttle limit for calls to this resource is reached. LinkedIn's rate limit did not clear "
        "within a minute: most likely the daily quota of this member or of the app is used up (LinkedIn resets "
        "it at midnight UTC). Resume later; nothing is lost. Resume when ready: nothing accepted so far is sent again.")
    assert time_.now - 1_800_000_020.0 >= 60
    responses.replace(responses.POST, URL, json={"elements": [{"status": 201}] * 3})
    run = s.run(run_id, source)
    assert run.state == "done" and run.accepted == 3


def test_resume_without_the_table_needs_the_file():
    store = Store()
    table, _ = source_for(1)
    s = sender(store)
    run = s.run(s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"), needs_file=True),
                lambda keys: {})
    assert run.state == "paused" and "same file" in run.message and run.pending == 1


@responses.activate
def test_malformed_batch_answer_pauses():
    store = Store()
    table, source = source_for(2)
    responses.post(URL, json={"elements": [{"status": 201}]})
    s = sender(store)
    run = s.run(s.start(owner="me", segment_id=77, segment_name="S", account="a", plan=Ledger(store, linkedin=API).plan(77, table, "add"), needs_file=False), source)
    assert run.state == "paused" and run.pending == 2


def test_batch_size_is_bounded():
    with pytest.raises(ValueError):
        sender(Store(), batch_size=MAX_BATCH + 1)


def test_plan_modes():
    store = Store()
    ledger = Ledger(store, linkedin=API)
    ledger.record(5, "ADD", [("a", {}), ("b", {})])
    assert ledger.plan(5, {"b", "c"}, "add").summary() == {"add": 1, "remove": 0, "unchanged": 1, "in_ledger": 2, "after": 3}
    assert ledger.plan(5, {"b", "c"}, "remove").summary() == {"add": 0, "remove": 2, "unchanged": 0, "in_ledger": 2, "after": 1}
    assert ledger.plan(5, {"b", "c"}, "mirror").summary() == {"add": 1, "remove": 1, "unchanged": 1, "in_ledger": 2, "after": 2}
    with pytest.raises(ValueError):
        ledger.plan(5, set(), "replace")


@responses.activate
def test_a_removal_with_nothing_to_identify_the_member_is_never_sent_and_says_why():
    """A person sent by name only before names were kept: LinkedIn would reject an element with
    no identifier; the run says why instead, and the ledger no longer counts it (mirror converges)."""
    from linkedin.sync.plans import Plan
    from linkedin.sync.sender import UNREMOVABLE

    responses.add_callback(responses.POST, URL, callback=ok_callback)
    store = Store()
    ledger = Ledger(store, linkedin=API)
    store.db["ledger"].insert({"linkedin": API, "segment_id": "77", "key": "legacy", "ids": "{}", "sent_at": 0.0})
    ledger.record(77, "ADD", [("named", {"firstName": "Bob", "lastName": "Smith", "company": "Acme"})])
    s = sender(store)
    plan = Plan("mirror", frozenset(), frozenset({"legacy", "named"}), frozenset(), 2, 2)
    run = s.run(s.start(owner="o", segment_id=77, segment_name="S", account="a", plan=plan, needs_file=False),
                lambda keys: {})
    assert (run.state, run.accepted, run.rejected) == ("done", 1, 1)
    assert json.loads(responses.calls[0].request.body) == {
        "elements": [{"action": "REMOVE", "firstName": "Bob", "lastName": "Smith", "company": "Acme"}]}
    assert Uploads(store).results(run.id)["legacy"] == ("REMOVE", "rejected", None, UNREMOVABLE)
    assert Uploads(store).rejections(run.id) == [(UNREMOVABLE, 1)]
    assert ledger.keys(77) == set() and ledger.plan(77, [], "mirror").summary()["remove"] == 0
