"""Benchmark: an analyst's page load while a 1M-contact send runs, with the app's built-in
sandbox in the app's process (``LINKEDIN_SANDBOX_IN_PROCESS=1``, the old mount) and in a
process of its own (the default), in one run (issue 16, goal 5).

For each mode the script starts ``streamlit run app.py`` on the sandbox (fresh database),
connects an analyst in Chromium (the consent screen under ``/sandbox``, as a person does),
and sends the prepared 1M-contact file twice, to two new segments: once alone, asking
Streamlit's health check every 0.1 s meanwhile (how long the app's server takes to answer
its smallest request: the sandbox's stalls, undiluted), and once while the analyst loads
the Audiences page again and again (``page.goto`` until the page's script has finished and
its heading is shown; a few loads while idle first, for comparison). The send is the
library's own (``linkedin.sync.upload``, as the CLI does) from this script's process through
the app's ``/sandbox``: the sandbox parses and matches every element, in the app's process
or in its own. The file is generated and
prepared once, for both modes. Also reported: the CPU seconds the app's process and the
sandbox's process spent during each send.

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

from bench import app_server  # noqa: E402
from linkedin.api import accounts, segment_creation  # noqa: E402
from linkedin.api.client import RetryPolicy  # noqa: E402
from linkedin.api.connection import Connection  # noqa: E402
from linkedin.api.settings import Settings  # noqa: E402
from linkedin.demo.signin import sign_in  # noqa: E402
from linkedin.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SOURCE_PLATFORM  # noqa: E402
from linkedin.store import Store  # noqa: E402
from linkedin.sync.upload import Sync, Target  # noqa: E402
from linkedin.tables.preparation import prepare  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MODES = {"in the app's process": {"LINKEDIN_SANDBOX_IN_PROCESS": "1"}, "in its own process": {}}
IDLE_LOADS = 5
LOAD_TIMEOUT_MS = 300_000
PROBE_EVERY = 0.1


def cpu_seconds(proc: psutil.Process | None) -> float:
    return app_server.cpu_seconds(proc.pid) if proc is not None else 0.0


def load_audiences(page, url: str) -> float:
    """Seconds from navigation to the Audiences page drawn with its script finished."""
    t = time.perf_counter()
    page.goto(url + "/", timeout=LOAD_TIMEOUT_MS)
    page.get_by_test_id("stMainBlockContainer").get_by_role("heading", name="Audiences").wait_for(
        timeout=LOAD_TIMEOUT_MS)
    page.locator('[data-test-script-state="notRunning"]').wait_for(timeout=LOAD_TIMEOUT_MS)
    return time.perf_counter() - t


def probe(port: int, sender: threading.Thread, found: list[float]) -> None:
    """Time Streamlit's health check every PROBE_EVERY seconds while ``sender`` runs: how long the
    app's server takes to answer the smallest request it has, i.e. how long it stalls."""
    http = requests.Session()
    http.trust_env = False
    while sender.is_alive():
        t = time.perf_counter()
        http.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=300)
        found.append(time.perf_counter() - t)
        time.sleep(PROBE_EVERY)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_mode(mode: str, prepared, browser, rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        servers = app_server.start(tmp, mounted=True, extra_env=MODES[mode])
        app, port = servers.app, servers.port
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
            syncs = []
            for name in ("alone", "with page loads"):
                created = segment_creation.create(client, account_urn=account, name=f"Bench {rows:,} {name}",
                                                  kind="users")
                target = Target(created.id, created.name, account, "users", created_at=created.created_at)
                syncs.append(Sync(client, store, prepared, target))
            time.sleep(5)  # LinkedIn's 5 s between creating a segment and adding to it
            app_proc = psutil.Process(app.pid)
            # Send 1: nothing else asks the app, so the health check shows the sandbox's own stalls.
            alone = watched_send(syncs[0], port, app_proc, child, None)
            # Send 2: the analyst loads the Audiences page again and again until the send is done.
            busy = watched_send(syncs[1], port, app_proc, child, lambda: load_audiences(page, f"http://localhost:{port}"))
            context.close()
        finally:
            servers.stop()
    during = busy["loads"]
    return {
        "mode": mode, "rows": rows, "elements": len(prepared), "accepted": busy["run"].accepted,
        "state": busy["run"].state, "idle_load_s": [round(x, 2) for x in idle],
        "idle_median_s": round(statistics.median(idle), 2),
        "send_alone": summary(alone), "send_with_page_loads": summary(busy),
        "loads_during_send": len(during),
        "during_median_s": round(statistics.median(during), 2) if during else None,
        "during_p90_s": round(quantile(during, 0.9), 2) if during else None,
        "during_max_s": round(max(during), 2) if during else None,
        "during_load_s": [round(x, 2) for x in during],
    }


def watched_send(sync: Sync, port: int, app_proc: psutil.Process, child: psutil.Process | None, load) -> dict:
    """One send of the prepared file, Streamlit's health checked every PROBE_EVERY seconds meanwhile,
    and ``load()`` (a page load) called again and again until it is done when given."""
    run_id = sync.start(sync.plan("add"), owner="bench")
    done: dict = {"loads": [], "checks": []}
    app_cpu, child_cpu = cpu_seconds(app_proc), cpu_seconds(child)

    def send() -> None:
        t = time.perf_counter()
        done["run"] = sync.run(run_id)
        done["seconds"] = time.perf_counter() - t

    sender = threading.Thread(target=send, name="send")
    prober = threading.Thread(target=probe, args=(port, sender, done["checks"]), name="probe")
    sender.start()
    prober.start()
    while load is not None and sender.is_alive():
        done["loads"].append(load())
    sender.join()
    prober.join()
    done["app_cpu_s"] = cpu_seconds(app_proc) - app_cpu
    done["sandbox_cpu_s"] = cpu_seconds(child) - child_cpu if child else None
    return done


def summary(done: dict) -> dict:
    checks = done["checks"]
    return {
        "send_s": round(done["seconds"], 1), "accepted": done["run"].accepted,
        "health_checks": len(checks), "health_median_ms": round(statistics.median(checks) * 1000, 1),
        "health_p99_ms": round(quantile(checks, 0.99) * 1000, 1), "health_max_ms": round(max(checks) * 1000, 1),
        "app_cpu_s": round(done["app_cpu_s"], 1),
        "sandbox_process_cpu_s": round(done["sandbox_cpu_s"], 1) if done["sandbox_cpu_s"] is not None else None,
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
            print(json.dumps(r))
            continue
        print(f"sandbox {r['mode']}: {r['elements']:,} elements per send")
        for label, key in (("send alone", "send_alone"), ("send + page loads", "send_with_page_loads")):
            x = r[key]
            cpu = f"app {x['app_cpu_s']} s" + (f", sandbox process {x['sandbox_process_cpu_s']} s"
                                               if x["sandbox_process_cpu_s"] is not None else "")
            print(f"  {label:18} {x['send_s']:>6} s; /_stcore/health ({x['health_checks']} checks) median "
                  f"{x['health_median_ms']} ms, p99 {x['health_p99_ms']} ms, max {x['health_max_ms']} ms; CPU {cpu}")
        print(f"  Audiences page load: idle median {r['idle_median_s']} s; during the send ({r['loads_during_send']} "
              f"loads) median {r['during_median_s']} s, p90 {r['during_p90_s']} s, max {r['during_max_s']} s")


if __name__ == "__main__":
    main()
