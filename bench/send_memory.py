"""The send path's memory, library only (issue 16): RSS over idle after each step of a 1M-row
send without the network, and what stays once everything is dropped.

Prepares the file, plans it three times (as a page rerun did), writes the run down, then builds
every batch and records its answers and the ledger as the sender does after LinkedIn accepts it
(``Sender._apply_encoded``, no HTTP: this is the client's own memory), drops it all and gives memory back as the app does
(``ui/memory.give_back``: a collection, pyarrow's pool, glibc's ``malloc_trim``). Runs against
the tree it is started from, so the same file measures an older checkout (whose source has no
``encoded``: it builds dicts and JSON, as its sender did).

    .venv/bin/python bench/make_data.py contacts --rows 1000000 --out /tmp/contacts.csv
    flock /tmp/bench.lock .venv/bin/python bench/send_memory.py /tmp/contacts.csv
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

sys.path.insert(0, os.getcwd())

from linkedin.store import Store  # noqa: E402
from linkedin.sync import upload  # noqa: E402
from linkedin.sync.runs import Uploads  # noqa: E402
from linkedin.sync.sender import Sender  # noqa: E402
from linkedin.tables.preparation import prepare  # noqa: E402
from ui import memory  # noqa: E402  (what the app does when a session drops a table)


def rss() -> int:
    return int(memory.rss_mib())


class OfflineClient:
    """What ``Sender`` reads of a client; nothing is sent."""

    class settings:
        api_base_url = "http://offline"

    on_wait = None


def main() -> None:
    memory.give_back()
    idle = rss()
    print(f"idle RSS {idle} MiB; over idle:")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "send.db"), token_key="k" * 40)
        prepared = prepare(sys.argv[1], "users")
        print(f"  prepared                       {rss() - idle:>5} MiB")
        target = upload.Target(77, "S", "a", "users")
        for _ in range(3):
            plan = upload.plan(store, prepared, target, "add", linkedin="http://offline")
        print(f"  planned three times            {rss() - idle:>5} MiB")
        sender = Sender(OfflineClient(), store, kind="users")
        run_id = sender.start(owner="o", segment_id=77, segment_name="S", account="a", plan=plan, needs_file=True)
        print(f"  run written down               {rss() - idle:>5} MiB")
        source = upload.source(prepared)
        uploads = Uploads(store)
        peak = 0
        if hasattr(uploads, "pending_batch"):  # as the sender does it: arrays, LinkedIn accepting every element
            while len(batch := uploads.pending_batch(run_id, limit=5000)):
                encoded = source.encoded(batch.keys)
                sender._apply_encoded(run_id, "77", batch, encoded, {"elements": [{"status": 201}] * len(batch)})
                peak = max(peak, rss() - idle)
        else:  # an older checkout: a dict and JSON per element
            keys = [k for _, k, _ in uploads.pending(run_id, limit=10**7)]
            for start in range(0, len(keys), 5000):
                part = keys[start:start + 5000]
                built = source(part)
                json.dumps({"elements": [{"action": "ADD", **built[k]} for k in part]})
                sender.ledger.record(77, "ADD", [(k, {f: v for f, v in built[k].items() if f == "userIds"}
                                                  if built[k].get("userIds") else
                                                  {f: v for f, v in built[k].items() if f != "action"})
                                                 for k in part])
                peak = max(peak, rss() - idle)
        print(f"  every batch built and recorded {peak:>5} MiB at most")
        del source, plan, prepared, sender
        memory.give_back()
        print(f"  all dropped, given back        {rss() - idle:>5} MiB")


if __name__ == "__main__":
    main()
