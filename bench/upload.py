"""Benchmark: upload N contacts (default 1,000,000) to a USER segment of the sandbox.

Starts the sandbox as its own process (``python -m linkedin sandbox``), signs in as the
demo member, generates the contact file with ``bench/make_data.py``, prepares it, creates
a segment and syncs it with the same code as the app (``linkedin.sync.upload``). Prints the
number of batch calls against the goal of exactly ceil(N / 5000) when nothing fails, and
the time of each phase.

    .venv/bin/python bench/upload.py [--rows 1000000]
    .venv/bin/python bench/upload.py --then 10000   # and the next day: the same file with 10,000 new rows

``--then N`` is an analyst's next upload into the same segment: the file again with N more
rows (another seed), planned against the ledger the first send left (N to add) and sent; it
prints that run's plan and send and the client's CPU per element it sent.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linkedin.api import accounts, segment_creation  # noqa: E402
from linkedin.api.client import RetryPolicy  # noqa: E402
from linkedin.api.connection import Connection  # noqa: E402
from linkedin.api.settings import Settings  # noqa: E402
from linkedin.demo.server import free_port  # noqa: E402
from linkedin.demo.signin import sign_in  # noqa: E402
from linkedin.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SOURCE_PLATFORM  # noqa: E402
from linkedin.store import Store  # noqa: E402
from linkedin.sync.sender import MAX_BATCH  # noqa: E402
from linkedin.sync.upload import Sync, Target  # noqa: E402
from linkedin.tables.preparation import prepare  # noqa: E402


def start_sandbox(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "linkedin", "sandbox", "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sandbox did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="print where the client's send time goes (cProfile)")
    parser.add_argument("--then", type=int, default=0, metavar="N",
                        help="then upload the file again with N new rows to the same segment")
    args = parser.parse_args()
    port = free_port()
    proc = start_sandbox(port)
    try:
        url = f"http://127.0.0.1:{port}"
        # A million rows are 200 calls: above LinkedIn's 600 a minute only if sent in under 20 s.
        requests.post(f"{url}/_sandbox/settings", json={"segment_visibility_delay_seconds": 0}, timeout=10)
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, api_base_url=url,
                                source_platform=DEMO_SOURCE_PLATFORM,
                                oauth_base_url=url, redirect_uri="http://127.0.0.1/cb", cookie_secret="b" * 40,
                                token_key="bench-token-key-" + "0123456789" * 3,
                                db_path=os.path.join(tmp, "bench.db"), sandbox=True)
            store = Store(settings.db_path, token_key=settings.token_key)
            conn = Connection(settings, store, "bench")
            conn.connect(sign_in(settings), member_urn=None, member_name="bench")
            client = conn.client(retry=RetryPolicy(tries=5, base=0.5))

            # Created first: LinkedIn wants 5 s between creating a segment and adding members,
            # which the file generation and the preparation cover.
            account = next(a.urn for a in accounts.load(client).accounts if a.can_manage and a.status == "ACTIVE")
            created = segment_creation.create(client, account_urn=account, name=f"Bench {args.rows:,}", kind="users")
            target = Target(created.id, created.name, account, "users", created_at=created.created_at)

            csv_path = os.path.join(tmp, "contacts.csv")
            t = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "bench" / "make_data.py"), "contacts", "--rows", str(args.rows),
                            "--out", csv_path], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            generate = time.perf_counter() - t

            t = time.perf_counter()
            prepared = prepare(csv_path, "users")
            prep = time.perf_counter() - t

            sync = Sync(client, store, prepared, target)
            t = time.perf_counter()
            plan = sync.plan("add")
            run_id = sync.start(plan, owner="bench")
            record = time.perf_counter() - t

            calls_before = client.calls
            gc.collect()  # as the CLI and the app's server do before a send (ui/startup.py)
            gc.freeze()
            t, cpu = time.perf_counter(), time.process_time()
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                run = profiler.runcall(sync.run, run_id)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
            else:
                run = sync.run(run_id)
            send, send_cpu = time.perf_counter() - t, time.process_time() - cpu
            batch_calls = client.calls - calls_before
            if args.then:
                later = next_day(sync, client, store, target, csv_path, args.then, tmp)
    finally:
        proc.terminate()
        proc.wait(10)

    expected = math.ceil(len(prepared) / MAX_BATCH)
    print(f"rows in file:               {args.rows:>12,}")
    print(f"elements to send (unique):  {len(prepared):>12,}")
    print(f"accepted / rejected:        {run.accepted:>12,} / {run.rejected:,}  (state {run.state})")
    print(f"batch calls:                {batch_calls:>12,}  (goal ceil(N/5000) = {expected:,}: "
          f"{'met' if batch_calls == expected else 'NOT met'})")
    print(f"generate file:              {generate:>11.1f}s")
    print(f"prepare:                    {prep:>11.1f}s")
    print(f"plan + write run down:      {record:>11.1f}s")
    print(f"send:                       {send:>11.1f}s  ({len(prepared) / send:,.0f} elements/s)")
    print(f"client CPU while sending:   {send_cpu:>11.1f}s  ({send_cpu / send:.0%} of the send; "
          f"{send_cpu / len(prepared) * 1e6:.2f} µs per element: building, encoding, results and ledger)")
    if args.then:
        rows, added, plan_s, sent_s, cpu_s = later
        print(f"next upload, {rows:,} rows:   {added:,} to add; prepare + plan + write run down {plan_s:.1f}s; "
              f"send {sent_s:.2f}s; client CPU {cpu_s:.2f}s ({cpu_s / max(added, 1) * 1e6:.1f} µs per element sent)")


def next_day(sync: Sync, client, store: Store, target: Target, csv_path: str, new: int, tmp: str):
    """The same file with ``new`` more rows, into the same segment: (rows, to add, seconds to
    prepare, plan and write the run down, seconds to send, client CPU seconds of the send)."""
    more = os.path.join(tmp, "more.csv")
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_data.py"), "contacts", "--rows", str(new),
                    "--seed", "99", "--out", more], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    both = os.path.join(tmp, "both.csv")
    with open(both, "wb") as out, open(csv_path, "rb") as first, open(more, "rb") as second:
        out.write(first.read())
        second.readline()  # its header
        out.write(second.read())
    t = time.perf_counter()
    prepared = prepare(both, "users")
    again = Sync(client, store, prepared, target)
    plan = again.plan("add")
    run_id = again.start(plan, owner="bench")
    planned = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.process_time()
    run = again.run(run_id)
    return prepared.quality.rows, run.accepted + run.rejected, planned, time.perf_counter() - t, time.process_time() - cpu


if __name__ == "__main__":
    main()
