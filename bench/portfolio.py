"""Benchmark: load a 50-account x 100-segment portfolio from the sandbox, cold and cached.

Starts the sandbox as its own process (``python -m linkedin sandbox``), gives Noa Newcomer
(who has no accounts of her own) exactly that portfolio through the sandbox's control
``POST /_sandbox/portfolio``, connects as her through the consent screen, then loads every account and segment the way the Audiences page does
(``linkedin.insights.portfolio``): sequentially (one worker), concurrently (the default bound),
and again from the cache. Prints API calls, segment finder calls and wall time for each. Then
the campaigns of every account (``linkedin.insights.usage.read``: one ``adCampaigns`` finder
page of up to 1,000 per account), with their calls counted the same way.

    .venv/bin/python bench/portfolio.py [--accounts 50] [--segments 100] [--workers 6] [--latency-ms 0]

The finder (``dmpSegments?q=account``) is always read in start/count pages of 1,000, so
an account costs one finder call up to 1,000 segments; ``--segments 2500`` (at most
5,000) shows three calls per account.

``--latency-ms`` makes the sandbox answer every API call that much later (its "slow"
fault), to show what the concurrency buys when LinkedIn is far away.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
NOA = "urn:li:person:N0aNewc0mr"
sys.path.insert(0, str(ROOT))

from linkedin.demo.controls import SandboxControl  # noqa: E402
from linkedin.demo.server import free_port  # noqa: E402
from linkedin.demo.signin import connect as connect_sandbox  # noqa: E402
from linkedin.insights import usage  # noqa: E402
from linkedin.insights.history import History  # noqa: E402
from linkedin.insights.portfolio import Portfolios, member_key  # noqa: E402
from linkedin.store import Store  # noqa: E402


def start_sandbox(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkedin", "sandbox", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the sandbox exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sandbox did not start within 30 s")


class CallCounter:
    """Counts the HTTP requests a client's session sends (a response hook, thread-safe)."""

    def __init__(self) -> None:
        self.calls = 0
        self.finder_calls = 0  # GET /rest/dmpSegments?q=account: the segment finder's pages
        self.paths: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, response, *args, **kwargs):
        path, _, query = response.request.path_url.partition("?")
        finder = path == "/rest/dmpSegments" and "q=account" in query.split("&")
        path = "/rest/dmpSegments" if path.startswith("/rest/dmpSegments") else path
        path = "/rest/adAccounts/{id}/adCampaigns" if path.endswith("/adCampaigns") else path
        with self._lock:
            self.calls += 1
            self.finder_calls += finder
            self.paths[path] = self.paths.get(path, 0) + 1
        return response

    def take(self) -> tuple[int, int, dict[str, int]]:
        with self._lock:
            out = (self.calls, self.finder_calls, dict(self.paths))
            self.calls, self.finder_calls, self.paths = 0, 0, {}
        return out


def measure(label: str, fn, counter: CallCounter) -> None:
    counter.take()
    started = time.perf_counter()
    pf = fn()
    seconds = time.perf_counter() - started
    calls, finder_calls, paths = counter.take()
    detail = ", ".join(f"{p} {n}" for p, n in sorted(paths.items())) or "no API call"
    print(f"{label:<34} {len(pf.parts):>4} accounts {pf.segment_count:>6} segments "
          f"{calls:>4} API calls {finder_calls:>4} finder calls {seconds * 1000:>9.0f} ms   ({detail})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--segments", type=int, default=100)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args(argv)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_sandbox(port)
    try:
        control = SandboxControl(base)
        seeded = requests.post(f"{base}/_sandbox/portfolio", timeout=60, json={
            "member": NOA, "accounts": args.accounts, "segments_per_account": args.segments}).json()
        print(f"sandbox {base}: seeded {seeded['accounts']} accounts, {seeded['segments']} segments for Noa Newcomer")
        conn = connect_sandbox(base, Store(":memory:"), member="Noa Newcomer")
        client = conn.client()
        counter = CallCounter()
        client.session.hooks["response"].append(counter)
        key = member_key(conn)
        if args.latency_ms:
            control.inject_fault("slow", count=100_000, path_prefix="/rest/", delay_seconds=args.latency_ms / 1000)
            print(f"every /rest call answers {args.latency_ms} ms late")
        print(f"python {sys.version.split()[0]}, workers={args.workers}")

        sequential = Portfolios(workers=1)
        measure("cold, sequential (1 worker)", lambda: sequential.portfolio(client, key), counter)
        concurrent = Portfolios(workers=args.workers)
        measure(f"cold, concurrent ({args.workers} workers)", lambda: concurrent.portfolio(client, key), counter)
        measure("cached (within the TTL)", lambda: concurrent.portfolio(client, key), counter)
        measure("one account, cached", lambda: concurrent.portfolio(client, key, account_urns=[
            concurrent.accounts(client, key)[0].accounts[0].urn]), counter)
        measure("refresh (Refresh button)", lambda: concurrent.portfolio(client, key, refresh=True), counter)

        # Campaigns of every account: one finder page each (the Match insights page, per account).
        accounts = concurrent.accounts(client, key)[0].accounts
        counter.take()
        started = time.perf_counter()
        found = usage.read(client, accounts, workers=args.workers)
        seconds = time.perf_counter() - started
        calls, _, paths = counter.take()
        pages = sum(n for p, n in paths.items() if p.endswith("/adCampaigns"))
        print(f"{'campaigns, concurrent':<34} {len(accounts):>4} accounts {len(found.campaigns):>6} campaigns "
              f"{calls:>4} API calls {pages:>4} finder pages {seconds * 1000:>9.0f} ms")

        # What the page adds on a read: one snapshot per segment in sqlite (a file, WAL).
        with tempfile.TemporaryDirectory() as tmp:
            history = History(Store(Path(tmp) / "bench.db"), linkedin=base)
            segs = [seg for _, seg in concurrent.portfolio(client, key).items()]
            for label in ("history: first snapshots", "history: unchanged (seen_at only)"):
                started = time.perf_counter()
                written = history.record(segs)
                print(f"{label:<34} {len(segs):>6} segments {written:>6} rows written "
                      f"{(time.perf_counter() - started) * 1000:>9.0f} ms")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
