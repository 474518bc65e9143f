"""Five analysts at once against one app server (issue 13): peak memory, failures, who saw what.

    .venv/bin/python bench/team_load.py                  # five analysts, 100,000-row contact files
    .venv/bin/python bench/team_load.py --analysts 3 --rows 20000 --json

The app runs as ``bin/run`` runs it on the sandbox (``streamlit run app.py`` on 127.0.0.1, a free
port, its own sqlite file). Five sandbox members are given two ad accounts each through the
sandbox control ``POST /_sandbox/portfolio`` (which also lets them sign in), so no two analysts
share an account and anything one sees of another's is a leak. Each analyst is a real browser
context of one headless Chromium (their own cookie jar, so their own session), all at once:

1. connect through the consent screen as their own member;
2. the Audiences page, then Ad accounts (the dashboard);
3. People segments: upload their own 100,000-row contact file (``make_data.contacts``, a
   seed each), create a segment named for them, send it all, wait for "Upload finished.";
4. once everyone has sent: Uploads, Audiences and the People page's segment list again.

Who saw what is read two ways. Each page's text as shown (``dom``), which must show the
analyst's own work where it belongs: "Connected as" them, as many accounts as the sandbox gave
them, exactly 1 upload, their segment among the segment picker's options filtered to "Load test
list". And everything the server sent that browser over Streamlit's websocket (``seen``): the
data grids are canvases, but their cells arrive there as Arrow strings, once per session,
whichever page asked first. An analyst's pages and frames must never hold another's member
name or URN, segment name, file name or account name.

Failures counted: any HTTP answer of 400 or more from the app, a failed request, a page error,
an exception box on a page, a step that times out, a traceback in the server's log (but
Streamlit's own for a websocket a browser left before it was accepted). Peak memory is the
server's ``VmHWM`` (peak resident set) from ``/proc/PID/status``; ``VmRSS`` is also sampled
every 0.2 s. Screenshots (1440x1000) and what each analyst saw go to ``test-artifacts/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import Page, async_playwright, expect  # noqa: E402

from bench.app_server import RssSampler, status_kib, wait_http  # noqa: E402
from bench.make_data import contacts  # noqa: E402
from linkedin.demo.server import free_port  # noqa: E402
from linkedin.sandbox.companies import Companies  # noqa: E402
from linkedin.sandbox.population import DEMO_MEMBERS, Population  # noqa: E402
from linkedin.sandbox.world import DEFAULT_COMPANIES  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COOKIE_SECRET = "bench-team-load-cookie-secret-not-for-production-0123"
SEED = 7  # the mounted sandbox's seed: its members are these
STEP_TIMEOUT = 120_000  # ms for one step on a loaded server (Playwright's 5 s is for an idle machine)
SEND_TIMEOUT = 600_000  # ms for sending 100,000 rows while four others do the same
expect.set_options(timeout=STEP_TIMEOUT)


@dataclass
class Analyst:
    index: int
    member_id: str
    member_urn: str
    name: str
    accounts: list[int]  # the two each one was given (a member of the seed may have some already)
    csv_path: Path
    segment_name: str
    segment_id: int | None = None
    account_count: int = 0
    failures: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # page -> its text and what the server sent for it
    dom: dict[str, str] = field(default_factory=dict)  # page -> the text it showed
    frames: list[bytes] = field(default_factory=list)  # every websocket frame the server sent
    mark: int = 0  # frames already assigned to a page
    timings: dict[str, float] = field(default_factory=dict)


def _start_server(tmp: Path) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}  # no client id: the sandbox
    env.update(LINKEDIN_DB_PATH=str(tmp / "app.db"), LINKEDIN_COOKIE_SECRET=COOKIE_SECRET, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    log_path = tmp / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log_path)
    return proc, port, log_path


def _control(base: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(f"{base}/sandbox/_sandbox{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def _members(count: int) -> list:
    """The first synthetic members of the mounted sandbox (seed 7, its default companies)."""
    population = Population.generate(seed=SEED, size=count + 5,
                                     employers=Companies.generate(seed=SEED, size=DEFAULT_COMPANIES).employers())
    demo = {m.id for m in DEMO_MEMBERS}
    return [m for m in population.members if m.id not in demo][:count]


async def _settled(page: Page) -> None:
    await expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning",
                                                                  timeout=STEP_TIMEOUT)


def _main(page: Page):
    return page.get_by_test_id("stMainBlockContainer")


# What shows once a page has drawn its data (its heading comes first, the rest a moment later).
READY = {"Ad accounts": "You can manage audiences in", "Uploads": "Your latest", "Audiences": "Refreshed"}


async def _open(page: Page, title: str, ready: str | None = None) -> None:
    await page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    await expect(_main(page).get_by_role("heading", name=title, exact=True)).to_be_visible()  # the new page
    if ready or title in READY:
        await expect(_main(page).get_by_text(ready or READY[title]).first).to_be_visible()
    await _settled(page)


async def _frames_settled(analyst: Analyst, page: Page, quiet_ms: int = 2_000, most_ms: int = 60_000) -> None:
    """Wait until no frame arrived for ``quiet_ms``: on a loaded machine the frames' events trail
    the page's own update by seconds, and a page's frames must not be counted as the next page's."""
    waited, count, quiet = 0, len(analyst.frames), 0
    while quiet < quiet_ms and waited < most_ms:
        await page.wait_for_timeout(250)
        waited += 250
        quiet = 0 if len(analyst.frames) != count else quiet + 250
        count = len(analyst.frames)


async def _record(analyst: Analyst, page: Page, label: str) -> None:
    """What the page shows as text, plus everything the server sent this session since the last
    page: the data grids are canvases, but their cells arrive as Arrow strings in these frames."""
    if await page.get_by_test_id("stException").count():
        analyst.failures.append(f"{label}: an exception box on the page")
    text = await page.get_by_test_id("stApp").inner_text()
    await _frames_settled(analyst, page)
    received = b"".join(analyst.frames[analyst.mark:])
    analyst.mark = len(analyst.frames)
    analyst.seen[label] = text + "\n" + received.decode("utf-8", "replace")
    analyst.dom[label] = text


async def _run(analyst: Analyst, browser, base: str, everyone_sent: asyncio.Barrier) -> None:
    context = await browser.new_context(base_url=base, viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(STEP_TIMEOUT)
    page = await context.new_page()
    page.on("pageerror", lambda exc: analyst.failures.append(f"page error: {exc}"))
    ours = base + "/"  # icons from Google's font server are not the app's (and this machine is offline)
    page.on("response", lambda r: analyst.failures.append(f"HTTP {r.status} {r.request.method} {r.url}")
            if r.status >= 400 and r.url.startswith(ours) else None)
    page.on("requestfailed", lambda r: analyst.failures.append(f"request failed: {r.method} {r.url} {r.failure}")
            if r.url.startswith(ours) else None)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: analyst.frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    t0 = time.monotonic()
    try:
        await page.goto("/")
        await page.get_by_role("link", name="Connect LinkedIn").click()
        await page.locator("select#member").select_option(value=analyst.member_id)
        await page.get_by_role("button", name="Allow").click()
        await expect(page.get_by_text("Connected to LinkedIn.")).to_be_visible()
        await _settled(page)
        await expect(page.get_by_test_id("stSidebar").get_by_text(f"Connected as {analyst.name}")).to_be_visible()
        analyst.timings["connect"] = time.monotonic() - t0

        t = time.monotonic()
        await expect(_main(page).get_by_text("Refreshed")).to_be_visible()
        await _record(analyst, page, "Audiences")
        await _open(page, "Ad accounts")
        await _record(analyst, page, "Ad accounts")
        analyst.timings["dashboard"] = time.monotonic() - t

        t = time.monotonic()
        await _open(page, "People segments")
        await page.locator("input[type=file]").set_input_files(str(analyst.csv_path))
        await _settled(page)
        await expect(_main(page).get_by_text("LinkedIn's contact template recognised")).to_be_visible()
        analyst.timings["upload and report"] = time.monotonic() - t
        box = _main(page).get_by_label("Name of the new segment")
        await box.fill(analyst.segment_name)
        await box.press("Enter")
        await _settled(page)
        await _main(page).get_by_role("button", name="Create segment").click()
        created = _main(page).get_by_text(re.compile(rf"Segment “{re.escape(analyst.segment_name)}” created \((\d+)\)"))
        await expect(created).to_be_visible()
        analyst.segment_id = int(re.search(r"created \((\d+)\)", await created.inner_text()).group(1))
        t = time.monotonic()
        await _main(page).get_by_role("button", name="Send to LinkedIn").click()
        await expect(_main(page).get_by_text("Upload finished.")).to_be_visible(timeout=SEND_TIMEOUT)
        await _settled(page)
        analyst.timings["send"] = time.monotonic() - t
        await _record(analyst, page, "People segments, sent")
    except Exception as exc:  # a step that failed is a finding, reported with the others
        analyst.failures.append(f"step failed: {type(exc).__name__}: {_said(exc)}")
        await page.screenshot(path=str(ROOT / "test-artifacts" / f"team_load_{analyst.index}_failed.png"),
                              full_page=True)
    finally:
        await everyone_sent.wait()
    try:  # everyone has sent: what each analyst sees now
        t = time.monotonic()
        await _open(page, "Uploads")
        await _record(analyst, page, "Uploads")
        await _open(page, "Audiences")
        await _record(analyst, page, "Audiences, after")
        await _open(page, "People segments", ready="Segment of people")
        picker = _main(page).get_by_label(re.compile("^Segment of"))
        await expect(picker).to_be_visible()
        await picker.click()
        await page.keyboard.type("Load test list")  # the list is virtual: filter it to the load test's
        await expect(page.get_by_role("option").first).to_be_visible()
        options = await page.get_by_role("option").all_inner_texts()
        analyst.seen["People segments, segment list"] = analyst.dom["People segments, segment list"] = \
            "\n".join(options)
        await page.keyboard.press("Escape")
        analyst.timings["pages after"] = time.monotonic() - t
    except Exception as exc:
        analyst.failures.append(f"step failed: {type(exc).__name__}: {_said(exc)}")
        await page.screenshot(path=str(ROOT / "test-artifacts" / f"team_load_{analyst.index}_failed_after.png"),
                              full_page=True)
    finally:
        await page.screenshot(path=str(ROOT / "test-artifacts" / f"team_load_{analyst.index}.png"), full_page=True)
        await context.close()
    analyst.timings["total"] = time.monotonic() - t0


def _said(exc: Exception) -> str:
    """The first line of a Playwright error and what it was waiting for."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    waiting = next((line for line in lines if "waiting for" in line), "")
    return " ".join([lines[0] if lines else "", waiting])[:300]


def _leaks(analysts: list[Analyst]) -> list[str]:
    """What any analyst saw of another's: their name, accounts, segment or file."""
    found = []
    for a in analysts:
        for b in analysts:
            if a is b:
                continue
            marks = [b.name, b.member_urn, b.segment_name, b.csv_path.name, *(_account(x) for x in b.accounts)]
            for page, text in a.seen.items():
                found += [f"{a.name} saw {b.name}'s {m!r} on {page}" for m in marks if m in text]
    return found


def _own_work_shown(a: Analyst) -> list[str]:
    """Each analyst's own work must show where it should (or the leak check proves nothing)."""
    shown = [("Audiences", f"Connected as {a.name}"), ("Ad accounts", f"Accounts\n\n{a.account_count}\n"),
             ("Uploads", "Your latest 1 upload(s)"), ("People segments, segment list", a.segment_name)]
    missing = [f"{a.name}: {mark!r} not on {page}" for page, mark in shown if mark not in a.dom.get(page, "")]
    everything = "\n".join(a.seen.values())  # the grids' cells arrive once per session, whichever page asked
    missing += [f"{a.name}: {mark!r} never sent to this session" for mark in (a.segment_name, *map(_account, a.accounts))
                if mark not in everything]
    return missing


def _account(account_id: int) -> str:
    return f"Benchmark account {account_id}"  # the sandbox's name for a portfolio account


async def _drive(analysts: list[Analyst], base: str) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        barrier = asyncio.Barrier(len(analysts))
        await asyncio.gather(*(_run(a, browser, base, barrier) for a in analysts))
        await browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analysts", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000, help="rows of each analyst's contact file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="team_load_"))
    proc, port, log_path = _start_server(tmp)
    base = f"http://localhost:{port}"
    try:
        idle_kib = status_kib(proc.pid, "VmRSS")
        analysts = []
        for i, member in enumerate(_members(args.analysts), start=1):
            made = _control(base, "/portfolio", {"member": member.urn, "accounts": 2, "segments_per_account": 20})
            path = tmp / f"analyst{i}_contacts.csv"
            path.write_bytes(contacts(args.rows, seed=100 + i))
            analysts.append(Analyst(index=i, member_id=member.id, member_urn=member.urn, name=member.name,
                                    accounts=made["account_ids"], csv_path=path,
                                    segment_name=f"Load test list of analyst {i} ({member.id})"))
        with urllib.request.urlopen(f"{base}/sandbox/_sandbox/state", timeout=60) as resp:
            roles = {m["urn"]: m["ad_accounts"] for m in json.loads(resp.read())["members"]}
        for a in analysts:  # their two new accounts, and any the seed gave them
            a.account_count = roles[a.member_urn]
        sampler = RssSampler(proc.pid)
        sampler.start()
        started = time.monotonic()
        asyncio.run(_drive(analysts, base))
        wall = time.monotonic() - started
        sampler.stop()
        peak_kib = status_kib(proc.pid, "VmHWM")
        log = log_path.read_text(errors="replace")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    seen_path = ROOT / "test-artifacts" / "team_load_seen.json"
    seen_path.write_text(json.dumps({a.name: {"pages": a.dom, "received": a.seen} for a in analysts}, indent=1,
                                    ensure_ascii=False))
    failures = [f"{a.name}: {f}" for a in analysts for f in a.failures]
    tracebacks = log.split("Traceback (most recent call last):")[1:]
    # Streamlit's own websocket handler logs one when a browser leaves a page before the socket was
    # accepted (here: Connect LinkedIn navigates away at once); nothing of a request fails.
    ours = [t for t in tracebacks if "WebSocketDisconnected" not in t]
    failures += [f"a traceback in the server's log: {t.strip().splitlines()[-1]}" for t in ours]
    leaks, missing = _leaks(analysts), [m for a in analysts for m in _own_work_shown(a)]
    sampled_peak = sampler.peak()
    figures = {
        "analysts": len(analysts), "rows_per_file": args.rows,
        "file_mib": round(analysts[0].csv_path.stat().st_size / 2**20, 1),
        "wall_s": round(wall, 1),
        "server_rss_idle_mib": round(idle_kib / 1024), "server_peak_rss_mib": round(peak_kib / 1024),
        "server_peak_rss_sampled_mib": round(sampled_peak / 1024),
        "failures": failures, "log_tracebacks": len(tracebacks), "leaks": leaks, "own_work_missing": missing,
        "timings_s": {a.name: {k: round(v, 1) for k, v in a.timings.items()} for a in analysts},
    }
    print(f"{len(analysts)} analysts, {args.rows:,} rows each ({figures['file_mib']} MiB files), {wall:.0f} s")
    for a in analysts:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in a.timings.items())
        print(f"  {a.name} ({a.member_urn}): segment {a.segment_id}; {steps}")
    print(f"server RSS: {figures['server_rss_idle_mib']} MiB idle, peak {figures['server_peak_rss_mib']} MiB (VmHWM)")
    print(f"failed requests or steps: {len(failures)} (server log: {len(tracebacks)} traceback(s), "
          f"{len(tracebacks) - len(ours)} of them Streamlit's for a websocket the browser left)")
    for f in failures[:20]:
        print(f"  {f}")
    print(f"another analyst's data seen: {len(leaks)}")
    for leak in leaks[:20]:
        print(f"  {leak}")
    print(f"own work missing where it should show: {len(missing)}")
    for m in missing:
        print(f"  {m}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 1 if failures or leaks or missing else 0


if __name__ == "__main__":
    sys.exit(main())
