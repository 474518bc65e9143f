"""Send members to a segment: ADD / REMOVE / mirror in batches of at most 5000 (MA-106, MA-107).

One engine for people (``/users``) and companies (``/companies``). Each batch is one
``BATCH_CREATE`` call; LinkedIn answers one result per element, in order, which is
mapped back to the key (and so to the input rows). The run's items are on disk before
the first call, the ledger and the items are updated after each answer, and any stop
(rate limit exhausted, LinkedIn down, consent needed, the analyst pressing stop)
leaves a paused run that resumes with only what is still pending.

A source that can (``upload.TableSource.encoded``) hands a batch of additions over already
written as JSON, with each element's identity as the ledger keeps it: no dict per element,
and the answers are recorded a batch at a time (one statement for the batch's common answer,
one transaction for the ledger and the run). One worker thread makes the next such batch while
the current one is in flight; other batches (removals, companies, sources without ``encoded``)
are built as element dicts.

A removal is never sent without something to identify the member: one whose stored
identity is empty (see ``ledger``) is marked rejected here with ``UNREMOVABLE`` as its
reason and dropped from the ledger, so the next preview does not propose it again.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.api.client import Client, RawJSON, backoff_delay
from linkedin.api.errors import LinkedInError, MalformedResponse, NotFound
from linkedin.api.waits import Wait, countdown
from linkedin.store import Store
from linkedin.sync.ledger import Ledger, identity
from linkedin.sync.plans import Plan
from linkedin.sync.removals import Removed
from linkedin.sync.runs import Pending, Run, Uploads, status_code

log = logging.getLogger(__name__)
_ACCEPTED, _REJECTED = status_code("accepted"), status_code("rejected")

MAX_BATCH = 5000  # elements per BATCH_CREATE (vendor code: RudderStack, Segment)
VISIBILITY_WAIT = 5.0  # LinkedIn: wait at least 5 s after creating a segment before adding members
VISIBILITY_TIMEOUT = 180.0  # a new segment may answer 404 for a minute or two (Segment's experience)
PATHS = {"users": "users", "companies": "companies"}
UNREMOVABLE = ("Not sent: the app kept nothing LinkedIn could identify this member by (sent by name only before "
               "the app kept names, or LINKEDIN_TOKEN_KEY changed since), so it cannot be removed from here. "
               "The app no longer counts it as sent; remove it in Campaign Manager if it must go.")

# (keys) -> {key: element} for the keys the caller can still build. An element comes without
# "action" (the sender adds it), or with the action it is sent with: an ADD element built with
# "action": "ADD" first is sent as it is, with no copy.
ElementSource = Callable[[list[str]], Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class Encoded:
    """A batch of additions already written as JSON, from a source that can (``ElementSource``
    with an ``encoded(keys)`` method, returning one or None): the request body, and each
    element's identity as the ledger keeps it, in the order of the keys, as one Arrow array
    (no Python object per element)."""

    body: bytes
    kept: pa.Array  # each element's identity as the ledger keeps it; "" for a person by name, whose
    named: dict[int, dict]  # identity is here by position (ascending), for the ledger to seal


class NeedsFile(LinkedInError):
    """Resuming needs the original table again: plain-text fields are never kept on disk."""

    advice = "Upload the same file again to resume: names and titles are never stored, so the app needs them back."


@dataclass(frozen=True)
class Progress:
    """Where a run stands, for a progress bar: counts, rate, time left, and any wait under way
    (reported when it starts and then each second, a countdown)."""

    run_id: str
    total: int
    done: int
    accepted: int
    rejected: int
    batches_done: int
    batches_total: int
    rate: float  # items a second in this session
    eta_seconds: float | None
    wait: Wait | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def waiting_seconds(self) -> float | None:
        """Seconds still to wait before LinkedIn is asked again; None when not waiting."""
        return self.wait.left if self.wait else None

    @property
    def note(self) -> str | None:
        """The wait in words: "LinkedIn's per-minute limit: retrying in 42 s"."""
        return self.wait.text if self.wait else None


def items_of(plan: Plan, *, chunk: int = 10_000) -> Iterator[tuple[str, str]]:
    """The run's (key, action) items, removes first, each in key order; made a chunk at a time
    from the plan's arrays, so a million items never exist as Python objects at once.

    The same person or company can come back under another key (a company now keyed by
    its page URL instead of its domain): LinkedIn matches both to one member, so removing
    after adding would remove it for good. Removing first ends with exactly the table."""
    for action, keys in (("REMOVE", plan.remove), ("ADD", plan.add)):
        for part in keys.chunks(chunk):
            for key in part:
                yield key, action


def items_for(plan: Plan) -> list[tuple[str, str]]:
    """``items_of`` as a list."""
    return list(items_of(plan))


class Sender:
    """Runs uploads of one kind (``users`` or ``companies``) through one client."""

    def __init__(
        self,
        client: Client,
        store: Store,
        *,
        kind: str,
        batch_size: int = MAX_BATCH,
        visibility_timeout: float = VISIBILITY_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if kind not in PATHS:
            raise ValueError(f"kind must be 'users' or 'companies', not {kind!r}")
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}")
        self.client = client
        self.kind = kind
        self.batch_size = batch_size
        self.visibility_timeout = visibility_timeout
        self.sleep = sleep
        self.clock = clock
        self.ledger = Ledger(store, linkedin=client.settings.api_base_url)
        self.removed = Removed(store, linkedin=client.settings.api_base_url)
        self.uploads = Uploads(store)

    def start(self, *, owner: str, segment_id: str | int, segment_name: str, account: str, plan: Plan,
              needs_file: bool) -> str:
        """Write the run down for ``owner`` (every key, hashed, pending) before anything is sent."""
        return self.uploads.create(
            owner=owner, segment_id=segment_id, segment_name=segment_name, account=account, kind=self.kind,
            mode=plan.mode, columns=[("REMOVE", plan.remove.hexes), ("ADD", plan.add.hexes)], needs_file=needs_file,
        )

    def run(
        self,
        run_id: str,
        source: ElementSource,
        *,
        segment_created_at: float | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Run:
        """Send every pending item of ``run_id``; returns the run as it ends (done or paused)."""
        run = self.uploads.get(run_id)
        if run is None:
            raise ValueError(f"no upload run {run_id!r}")
        self.uploads.set_state(run_id, "running")
        started, sent_here = self.clock(), 0
        batches_total = -(-run.total // self.batch_size)
        batches_done = -(-run.done // self.batch_size)
        # Counted here as answers come, not from the store at every batch (a group-by of the
        # whole run each time: quadratic in a million-item run).
        counts = {"accepted": run.accepted, "rejected": run.rejected}

        def report(wait: Wait | None = None) -> None:
            if on_progress is None:
                return
            elapsed = max(self.clock() - started, 1e-6)
            rate = sent_here / elapsed
            done = counts["accepted"] + counts["rejected"]
            left = run.total - done
            on_progress(Progress(run_id, run.total, done, counts["accepted"], counts["rejected"],
                                 batches_done, batches_total, rate, left / rate if rate and left else None, wait))

        def next_batch(after: int | None) -> tuple[Pending, Encoded | None]:
            batch = self.uploads.pending_batch(run_id, limit=self.batch_size, after=after)
            return batch, self._encoded(batch, source) if len(batch) else None

        previous_hook = self.client.on_wait
        self.client.on_wait = report
        # One worker writes the next batch of additions while the current one is in flight (the
        # items after its last seq are pending whatever LinkedIn answers); what it made is
        # dropped unread when the run stops.
        ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="next-batch")
        following: Future | None = None
        try:
            self._wait_until_usable(segment_created_at, report)
            report()
            while True:
                if should_stop and should_stop():
                    return self._pause(run_id, "Stopped. Resume to send the rest.")
                batch, encoded = following.result() if following is not None else next_batch(None)
                following = None
                if not len(batch):
                    break
                if encoded is not None:
                    following = ahead.submit(next_batch, int(batch.seqs[-1]))
                    answer = self._send(run.segment_id, RawJSON(encoded.body), segment_created_at, report)
                    accepted = self._apply_encoded(run_id, run.segment_id, batch, encoded, answer)
                    counts["accepted"] += accepted
                    counts["rejected"] += len(batch) - accepted
                    sent_here += len(batch)
                    batches_done += 1
                    report()
                    continue
                items, elements, unremovable = self._elements(run.segment_id, batch.items(), source)
                if unremovable:
                    self._drop(run_id, run.segment_id, unremovable)
                    counts["rejected"] += len(unremovable)
                if items:
                    answer = self._send(run.segment_id, {"elements": elements}, segment_created_at, report)
                    accepted = self._apply(run_id, run.segment_id, items, elements, answer)
                    counts["accepted"] += accepted
                    counts["rejected"] += len(items) - accepted
                sent_here += len(items)
                batches_done += 1
                report()
        except NeedsFile as err:
            return self._pause(run_id, err.explain())
        except LinkedInError as err:
            log.info("upload %s paused: %s", run_id, err)
            what = "Reconnect LinkedIn, then resume" if err.needs_consent else "Resume when ready"
            return self._pause(run_id, f"{err.explain()} {what}: nothing accepted so far is sent again.")
        except KeyboardInterrupt:
            self._pause(run_id, "Interrupted. Resume to send the rest.")
            raise
        finally:
            self.client.on_wait = previous_hook
            ahead.shutdown(wait=True, cancel_futures=True)
        self.uploads.set_state(run_id, "done")
        return self.uploads.get(run_id)

    # steps -------------------------------------------------------------------------

    def _wait(self, wait: Wait, report: Callable[[Wait], None]) -> None:
        countdown(wait.seconds, sleep=self.sleep, report=lambda left: report(replace(wait, left=left)))

    def _wait_until_usable(self, created_at: float | None, report: Callable[[Wait], None]) -> None:
        if created_at is None:
            return
        wait = created_at + VISIBILITY_WAIT - self.clock()
        if wait > 0:
            self._wait(Wait(wait, wait, "LinkedIn needs a few seconds after creating a segment before members can "
                            "be added", then="sending", cause="settling"), report)

    def _elements(self, segment_id: str, items: list[tuple[int, str, str]], source: ElementSource):
        """(items to send, their elements, items that cannot be sent: removals with nothing to identify them)."""
        keys = [k for _, k, _ in items]
        known = source(keys)
        missing_removes = [k for _, k, a in items if a == "REMOVE" and k not in known]
        stored = self.ledger.identities(segment_id, missing_removes) if missing_removes else {}
        sendable, elements, unremovable = [], [], []
        for item in items:
            _, key, action = item
            element = known.get(key)
            if action == "REMOVE":
                # A removal needs only the identifiers: no names or titles leave for nothing.
                element = identity(element, self.kind) if element else stored.get(key)
                if element == {}:
                    unremovable.append(item)
                    continue
            if element is None:
                raise NeedsFile("The rest of this upload needs the original table")
            sendable.append(item)
            elements.append(element if element.get("action") == action else {"action": action, **element})
        return sendable, elements, unremovable

    def _encoded(self, batch: Pending, source: ElementSource) -> Encoded | None:
        """The batch in JSON when it is all additions and the source can write it (else None)."""
        encode = getattr(source, "encoded", None)
        if encode is None or self.kind != "users" or not bool(batch.adds.all()):
            return None
        return encode(batch.keys)

    def _drop(self, run_id: str, segment_id: str, items: list[tuple[int, str, str]]) -> None:
        """Removals that cannot be sent: rejected with the reason, and no longer counted as sent."""
        self.ledger.record(segment_id, "REMOVE", [(key, {}) for _, key, _ in items])
        self.uploads.mark(run_id, [(seq, "rejected", None, UNREMOVABLE) for seq, _, _ in items])

    def _send(self, segment_id: str, body: dict | RawJSON, created_at: float | None, report) -> Any:
        """One batch; a segment created moments ago may answer 404 for a while: wait, then retry."""
        path = f"/rest/dmpSegments/{segment_id}/{PATHS[self.kind]}"
        attempt = 0
        while True:
            try:
                return self.client.post(path, json=body, restli_method="BATCH_CREATE").data
            except NotFound:
                young = created_at is not None and self.clock() - created_at < self.visibility_timeout
                if not young:
                    raise
                attempt += 1
                delay = backoff_delay(attempt, base=2.0, cap=30.0)
                self._wait(Wait(delay, delay, "LinkedIn does not show the new segment yet", 404), report)

    def _apply(self, run_id: str, segment_id: str, items, elements, answer: Any) -> int:
        """Record a batch's answers in the ledger and the run; returns how many were accepted.

        The run's items are marked in one statement for the batch's most common answer (every
        item of the batch is pending and between its first and last seq) and one a row for the
        others: a million rows are 200 statements, not a million."""
        results = answer.get("elements") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(items):
            raise MalformedResponse("LinkedIn's answer to a batch did not have one result per element")
        marks, accepted = [], {"ADD": [], "REMOVE": []}
        statuses = [result.get("status") if isinstance(result, dict) else None for result in results]
        common = max(set(statuses), key=statuses.count) if statuses else None
        bulk = isinstance(common, int) and 200 <= common < 300
        kind = self.kind
        for (seq, key, action), element, result, status in zip(items, elements, results, statuses):
            if isinstance(status, int) and 200 <= status < 300:
                if not (bulk and status == common):
                    marks.append((seq, "accepted", status, None))
                ids = element.get("userIds") if kind == "users" else None
                if ids:  # a person by ids: the identity is the ids alone (``identity``), no copy
                    accepted[action].append((key, {"userIds": ids}))
                else:
                    accepted[action].append((key, identity(element, kind)))
            else:
                marks.append((seq, "rejected", status if isinstance(status, int) else None, _message(result)))
        store = self.uploads.store
        with store.lock, store.db.atomic():  # the ledger, the removals kept and the run in one commit
            if accepted["REMOVE"]:  # what the ledger forgets next, kept for an undo
                self.removed.record(segment_id, accepted["REMOVE"])
            for action, entries in accepted.items():
                if entries:
                    self.ledger.record(segment_id, action, entries)
            self.uploads.mark(run_id, marks,
                              pending_between=(items[0][0], items[-1][0], "accepted", common) if bulk else None)
        return len(accepted["ADD"]) + len(accepted["REMOVE"])

    def _apply_encoded(self, run_id: str, segment_id: str, batch: Pending, encoded: Encoded, answer: Any) -> int:
        """``_apply`` for a batch of additions sent as JSON (``Encoded``), from arrays: the ledger
        takes the accepted keys and their identities as one part (``Ledger.record_batch``), the
        run its answers (``Uploads.mark_batch``)."""
        results = answer.get("elements") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(batch):
            raise MalformedResponse("LinkedIn's answer to a batch did not have one result per element")
        first = results[0] if results else None
        status = first.get("status") if type(first) is dict else None
        if type(status) is int and 200 <= status < 300 and results.count(first) == len(results):
            http = np.full(len(results), status, np.int64)  # every answer the same: LinkedIn's usual
        else:
            statuses = [result.get("status") if type(result) is dict else None for result in results]
            http = np.array([s if type(s) is int and 0 < s < 1000 else 0 for s in statuses], np.int64)
        ok = (http >= 200) & (http < 300)
        refused = np.flatnonzero(~ok).tolist()
        messages = {int(batch.seqs[i]): _message(results[i]) for i in refused}
        keys, texts = batch.keys, encoded.kept
        if encoded.named:
            mask = np.zeros(len(texts), bool)
            mask[list(encoded.named)] = True
            texts = pc.replace_with_mask(texts, pa.array(mask), pa.array(
                [self.ledger.kept(ids) for ids in encoded.named.values()], pa.string()))
        if refused:
            keys, texts = keys[ok], texts.filter(pa.array(ok))
        store = self.uploads.store
        with store.lock, store.db.atomic():  # the ledger and the run in one commit
            self.ledger.record_batch(segment_id, keys, texts)
            self.uploads.mark_batch(run_id, batch.seqs, np.where(ok, _ACCEPTED, _REJECTED).astype(np.uint8),
                                    http.astype("<u2"), messages)
        return len(keys)

    def _pause(self, run_id: str, message: str) -> Run:
        self.uploads.set_state(run_id, "paused", message)
        return self.uploads.get(run_id)


def _message(result: Any) -> str:
    """LinkedIn's per-element error text: ``message`` or ``error.message`` (shape varies by version)."""
    if isinstance(result, dict):
        if isinstance(result.get("message"), str):
            return result["message"]
        error = result.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
    return "LinkedIn rejected this element without a reason"
