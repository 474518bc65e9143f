"""Benchmark: an analyst's page load while a 1M-contact send runs, with the app's built-in
sandbox in the app's process (``LINKEDIN_SANDBOX_IN_PROCESS=1``, the old mount) and in a
process of its own (the default), in one run (issue 16, goal 5).

For each mode the script starts ``streamlit run app.py`` on the sandbox (fresh database),
connects an analyst in Chromium (the consent screen under ``/sandbox``, as a person does),
and times loads of the Audiences page (``page.goto`` until the page's script has finished
and its heading is shown): a few while idle, then again and again while a send of the
prepared 1M-contact file runs. The send is the library's own (``linkedin.sync.upload``, as
the CLI does) from this script's process through the app's ``/sandbox``: the sandbox parses
and matches every element, in the app's process or in its own. The file is generated and
prepared once, for both modes. Also reported: the CPU seconds the app's process and the
sandbox's process spent during the send.

    flock /tmp/bench.lock .venv/bin/python bench/sandbox_process.py [--rows 1000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
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
from linkedin.sync.upload import Sync, Target  # noqa: E402
from linkedin.tables.preparation import prepare  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MODES = {"in the app's process": {"LINKEDIN_SANDBOX_IN_PROCESS": "1"}, "in its own process": {}}
IDLE_LOADS = 5
LOAD_TIMEOUT_MS = 300_000


def start_app(tmp: Path, extra_env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}
    env.update(LINKEDIN_DB_PATH=str(tmp / "app.db"), **extra_env)
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                return app, port
        except requests.ConnectionError:
            pass
        if app.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the app did not start")
        time.sleep(0.2)


def cpu_seconds(proc: psutil.Process | None) -> float:
    if proc is None:
        return 0.0
    times = proc.cpu_times()
    return times.user + times.system


def load_audiences(page, url: str) -> float:
    """Seconds from navigation to the Audiences page drawn with its script finished."""
    t = time.perf_counter()
    page.goto(url + "/", timeout=LOAD_TIMEOUT_MS)
    page.get_by_test_id("stMainBlockContainer").get_by_role("heading", name="Audiences").wait_for(
        timeout=LOAD_TIMEOUT_MS)
    page.locator('[data-test-script-state="notRunning"]').wait_for(timeout=LOAD_TIMEOUT_MS)
    return time.perf_counter() - t


def run_mode(mode: str, prepared, browser, rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        app, port = start_app(tmp, MODES[mode])
        try:
            sandbox_url = f"http://127.0.0.1:{port}/sandbox"
            requests.post(f"{sandbox_url}/_sandbox/settings", json={"segment_visibility_delay_seconds": 0},
                          timeout=10).raise_for_status()
            children = [p for p in psutil.Process(app.pid).children() if "linkedin.sandbox" in " ".join(p.cmdline())]
            child = children[0] if children else None

            # The analyst, in Chromium: connect through the consent screen, then the Audiences page.
            context = browser.new_context(base_url=f"http://localhost:{port}")
            page = context.new_page()
            page.goto(f"http://localhost:{port}/")
            page.get_by_role("link", name="Connect LinkedIn").click()
            page.get_by_role("button", name="Allow").click()
            page.get_by_text("Connected to LinkedIn.").wait_for(timeout=60_000)
            idle = [load_audiences(page, f"http://localhost:{port}") for _ in range(IDLE_LOADS)]

            # The sender: the library's sync from this process, through the app's /sandbox.
            settings = Settings(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, api_base_url=sandbox_url,
                                oauth_base_url=sandbox_url, source_platform=DEMO_SOURCE_PLATFORM,
                                redirect_uri="http://127.0.0.1/cb", cookie_secret="b" * 40,
                                token_key="bench-token-key-" + "0123456789" * 3, db_path=str(tmp / "bench.db"),
                                sandbox=True)
            store = Store(settings.db_path, token_key=settings.token_key)
            conn = Connection(settings, store, "bench")
            conn.connect(sign_in(settings), member_urn=None, member_name="bench")
            client = conn.client(retry=RetryPolicy(tries=5, base=0.5))
            account = next(a.urn for a in accounts.load(client).accounts if a.can_manage and a.status == "ACTIVE")
            created = segment_creation.create(client, account_urn=account, name=f"Bench {rows:,}", kind="users")
            target = Target(created.id, created.name, account, "users", created_at=created.created_at)
            time.sleep(5)  # LinkedIn's 5 s between creating a segment and adding to it
            sync = Sync(client, store, prepared, target)
            run_id = sync.start(sync.plan("add"), owner="bench")

            done: dict = {}
            app_proc = psutil.Process(app.pid)
            app_cpu, child_cpu = cpu_seconds(app_proc), cpu_seconds(child)

            def send() -> None:
                t = time.perf_counter()
                done["run"] = sync.run(run_id)
                done["seconds"] = time.perf_counter() - t

            sender = threading.Thread(target=send, name="send")
            started = time.perf_counter()
            sender.start()
            during = []
            while sender.is_alive():
                during.append(load_audiences(page, f"http://localhost:{port}"))
            sender.join()
            app_cpu, child_cpu = cpu_seconds(app_proc) - app_cpu, cpu_seconds(child) - child_cpu
            context.close()
        finally:
            app.terminate()
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                app.kill()
    run = done["run"]
    return {
        "mode": mode, "rows": rows, "elements": len(prepared), "accepted": run.accepted, "state": run.state,
        "send_s": round(done["seconds"], 1), "idle_load_s": [round(x, 2) for x in idle],
        "idle_median_s": round(statistics.median(idle), 2),
        "loads_during_send": len(during),
        "during_median_s": round(statistics.median(during), 2) if during else None,
        "during_max_s": round(max(during), 2) if during else None,
        "during_load_s": [round(x, 2) for x in during],
        "app_cpu_s": round(app_cpu, 1), "sandbox_process_cpu_s": round(child_cpu, 1) if child else None,
        "send_started_s": round(started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="one JSON object per mode")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "contacts.csv")
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_data.py"), "contacts", "--rows", str(args.rows),
                        "--out", csv_path], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        prepared = prepare(csv_path, "users")
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox",
                                                                      "--disable-gpu"])
        for mode in MODES:
            results.append(run_mode(mode, prepared, browser, args.rows))
        browser.close()
    for r in results:
        if args.json:
            print(json.dumps({k: v for k, v in r.items() if k != "send_started_s"}))
            continue
        print(f"sandbox {r['mode']}: {r['elements']:,} elements sent in {r['send_s']} s ({r['state']}, "
              f"{r['accepted']:,} accepted)")
        print(f"  Audiences page load idle:        median {r['idle_median_s']} s  {r['idle_load_s']}")
        print(f"  during the send ({r['loads_during_send']} loads):  median {r['during_median_s']} s, "
              f"max {r['during_max_s']} s")
        print(f"  CPU during the send: app process {r['app_cpu_s']} s"
              + (f", sandbox process {r['sandbox_process_cpu_s']} s" if r["sandbox_process_cpu_s"] is not None
                 else ""))


if __name__ == "__main__":
    main()
