"""A contact file dropped in a real browser (issue 16): the server's memory, the report's and the send's time.

    .venv/bin/python bench/browser_upload.py                         # 100k, 300k and 1M rows, one session each
    .venv/bin/python bench/browser_upload.py --rows 1000000 --json   # one object per run
    .venv/bin/python bench/browser_upload.py --rows 1000000 --sessions 3
    .venv/bin/python bench/browser_upload.py --rows 1000000 --after close   # or: clear (default), another
    .venv/bin/python bench/browser_upload.py --rows 1000000 --probe none    # no other tab during the check
    .venv/bin/python bench/browser_upload.py --rows 1000000 --again         # and the same file a second time
    .venv/bin/python bench/browser_upload.py --rows 1000000 --again 5       # ... and five times more: medians

Each run starts its own app server as ``bin/run`` does on the sandbox (``streamlit run app.py`` on
127.0.0.1, a free port, its own sqlite file and secrets). LinkedIn is by default the standalone
sandbox in its OWN process (``python -m linkedin sandbox``, LINKEDIN_API_BASE_URL and
LINKEDIN_OAUTH_BASE_URL pointing at it), so it answers without sharing the app's process;
``--sandbox mounted`` uses the app's built-in one. Each session is a headless Chromium context
signed in as its own demo member (Avery, Vic, Noa; two more ad accounts each, ``POST /_sandbox/portfolio``):

1. the People segments page; the server's idle RSS is read then (every session open, nothing loaded);
2. the generated file (``make_data.contacts``, a seed per session) is chosen; ``checking_s`` is
   from the end of its transfer (the upload request to Streamlit finished) to "Checking N rows"
   on screen, ``report_s`` to the quality report's "Unique to send"; meanwhile another browser
   context loads the app's first page (``probe_during_prepare_s``, against ``probe_idle_s`` before;
   ``--probe none`` leaves it out, so ``report_s`` is the report's alone on the machine's cores);
   with ``--again`` the file is then cleared and chosen once more (``--again N``: N times):
   ``report_again_s`` is the analyst's second upload in the running server (the median of the N,
   each in ``report_again_all_s``), against ``prepare_s`` like for like (the first upload into a
   fresh server is the counterpart of ``prepare_first_s``); ``report_cpu_s`` and
   ``report_again_cpu_s`` are, for the first report's window and the first again, the server's
   CPU seconds, everything else's (the browser, the sandbox) and the server's page faults;
3. a segment is created, Add, "Send to LinkedIn", until "Upload finished." (``send_s``); the app
   server's CPU over the send (utime + stime of /proc/PID/stat) per element accepted is
   ``client_cpu_us_per_element`` (with LinkedIn in its own process, that is all the client's),
   and over the send's wall time ``client_cpu_share``; ``elements_per_s`` the send's rate;
   ``rss_at_send_over_idle_mib`` is the RSS at the click, ``peak_rss_send_over_idle_mib`` the
   peak from it on (the page's results and its plan against the filled segment included);
4. the analyst clears the file (the uploader's x), closes the tab (``--after close``) or chooses
   another file (``--after another``), and the server's RSS is watched for up to a minute:
   ``rss_after_clear_over_idle_mib`` is its last reading, ``back_s`` when it first came within
   150 MB of idle.

VmRSS is sampled every 0.1 s in a thread. ``prepare_s`` is the library's own ``prepare()`` of the
same file in a child process before the browser part (best of three, or of N + 2 with ``--again
N``: the app's server is a long-running process too; ``prepare_first_s`` is the first,
``prepare_median_s`` the median of the others, the like-for-like counterpart of a median of
reports: ``report_again_over_prepare_median``). With several sessions every session
must show its own file, segment and member and none of another's (``crossed``); ``failed``
counts steps that failed, pages that showed an exception and tracebacks in the server's log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import Page, async_playwright, expect  # noqa: E402

from bench.app_server import RssSampler, control as _control, cpu_seconds, start  # noqa: E402
from bench.make_data import contacts  # noqa: E402
from linkedin.sandbox.population import DEMO_MEMBERS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEP = 180_000  # ms for one step on a loaded 2-core machine
SEND = 1_200_000  # ms for sending a million rows while others do the same
WATCH = 60.0  # seconds the RSS is watched after the file is cleared
BACK_MIB = 150  # "back within 150 MB of idle"
MIB = 1024
expect.set_options(timeout=STEP)


def _members(count: int) -> list:
    """The sandbox's demo members (the consent screen lists only them); each is given two ACTIVE
    accounts of their own to manage, so the segment picker offers one of those first."""
    if count > len(DEMO_MEMBERS):
        sys.exit(f"at most {len(DEMO_MEMBERS)} sessions: the sandbox's consent screen has {len(DEMO_MEMBERS)} members")
    return list(DEMO_MEMBERS)[:count]


def library_prepare(path: Path, repeat: int = 3) -> list[float]:
    """Seconds of ``prepare(path, "users")`` in a fresh child process, ``repeat`` times in a row."""
    code = ("import sys, time, json; sys.path.insert(0, sys.argv[1])\n"
            "from linkedin.tables.preparation import prepare\n"
            "out = []\n"
            "for _ in range(int(sys.argv[3])):\n"
            "    t = time.perf_counter(); p = prepare(sys.argv[2], 'users'); out.append(time.perf_counter() - t); del p\n"
            "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path), str(repeat)], check=True,
                          capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- one analyst in the browser ---------------------------------------------------------------

@dataclass
class Session:
    index: int
    member_id: str
    name: str
    csv: Path
    other_csv: Path
    segment: str
    failures: list[str] = field(default_factory=list)
    t: dict[str, float] = field(default_factory=dict)  # monotonic marks
    again: list[tuple[float, float]] = field(default_factory=list)  # (transfer, report) of each upload again
    upload_done: float | None = None
    accepted: int = 0
    seen: str = ""  # the page's text after the send


def _main(page: Page):
    return page.get_by_test_id("stMainBlockContainer")


async def _settled(page: Page, timeout: int = STEP) -> None:
    await expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning",
                                                                  timeout=timeout)


async def _connect(page: Page, s: Session) -> None:
    await page.goto("/")
    await page.get_by_role("link", name="Connect LinkedIn").click()
    await page.locator("select#member").select_option(value=s.member_id)
    await page.get_by_role("button", name="Allow").click()
    await expect(page.get_by_text("Connected to LinkedIn.")).to_be_visible()
    await _settled(page)
    await page.get_by_test_id("stSidebarNavLink").filter(has_text="People segments").click()
    await expect(_main(page).get_by_role("heading", name="People segments", exact=True)).to_be_visible()
    await _settled(page)


# Marks, in the page, when "Checking N rows" and the report's "Unique to send" first show: the
# checking note of a small file may be gone before a poll from here would see it. Only what a
# mutation added or changed is read, as ``textContent`` (no layout): reading the whole page's
# ``innerText`` at every mutation made the browser lay the page out each time, CPU taken from
# the server's check on a 2-core machine and no part of what an analyst's browser does.
WATCH_JS = """(checking) => {
  window.__seen = {};
  const mark = (text) => {
    if (!text) return;
    if (!window.__seen.checking && text.includes(checking)) window.__seen.checking = Date.now();
    if (!window.__seen.report && text.includes("Unique to send")) window.__seen.report = Date.now();
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") mark(r.target.textContent);
      else for (const node of r.addedNodes) mark(node.textContent);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _on_upload(s: Session):
    def seen(request) -> None:
        if "/_stcore/upload_file" in request.url and request.method == "PUT":
            s.upload_done = time.monotonic()  # the event reaches this process within milliseconds
    return seen


async def _choose(page: Page, s: Session, path: Path, rows: int, dialog: bool = False) -> None:
    """Choose the file; mark when its transfer ended, "Checking N rows" showed and the report showed.

    ``dialog``: through the uploader's button and the browser's file dialog, as an analyst does;
    needed for the same file a second time (the input still holds it: setting it again changes nothing)."""
    s.upload_done = None
    await page.evaluate(WATCH_JS, f"Checking {rows:,} rows")
    if dialog:
        async with page.expect_file_chooser() as chosen:
            await _main(page).get_by_test_id("stFileUploaderDropzone").get_by_test_id("stBaseButton-secondary").click()
        await (await chosen.value).set_files(str(path))
    else:
        await page.locator("input[type=file]").set_input_files(str(path))
    await expect(_main(page).get_by_test_id("stMetricLabel").filter(has_text="Unique to send")).to_be_visible()
    seen = await page.evaluate("() => window.__seen")
    now_wall, now = time.time(), time.monotonic()  # the browser's marks are wall-clock ms
    s.t["report"] = now - (now_wall - seen["report"] / 1000) if seen.get("report") else now
    if seen.get("checking"):
        s.t["checking"] = now - (now_wall - seen["checking"] / 1000)
    s.t["transfer"] = s.upload_done or s.t.get("checking", s.t["report"])


async def _clear(page: Page) -> None:
    """The uploader's x, until the rerun has removed the report (the script state alone may not
    have changed yet)."""
    await page.get_by_test_id("stFileChipDeleteBtn").first.click()
    await expect(_main(page).get_by_text("2. Check the data")).to_have_count(0)
    await _settled(page)


async def _send(page: Page, s: Session) -> None:
    box = _main(page).get_by_label("Name of the new segment")
    await box.fill(s.segment)
    await box.press("Enter")
    await _settled(page)
    await _main(page).get_by_role("button", name="Create segment").click()
    await expect(_main(page).get_by_text(re.compile(rf"Segment “{re.escape(s.segment)}” created"))).to_be_visible()
    await _settled(page)
    s.t["send"] = time.monotonic()
    await _main(page).get_by_role("button", name="Send to LinkedIn").click()
    done = _main(page).get_by_text("Upload finished.")
    await expect(done).to_be_visible(timeout=SEND)
    s.t["sent"] = time.monotonic()
    await _settled(page)
    s.seen = await page.get_by_test_id("stApp").inner_text()
    found = re.search(r"Upload finished\.\s*([\d,]+) accepted", s.seen)
    s.accepted = int(found.group(1).replace(",", "")) if found else 0


async def _probe(browser, base: str) -> float:
    """Seconds for a fresh tab to load the app's first page (the sign-in page) and finish its script."""
    context = await browser.new_context(base_url=base, viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    t = time.monotonic()
    await page.goto("/")
    await expect(page.get_by_role("link", name="Connect LinkedIn")).to_be_visible()
    await _settled(page)
    took = time.monotonic() - t
    await context.close()
    return took


@dataclass
class Run:
    rows: int
    sessions: list[Session]
    after: str
    probe: bool = True  # another tab loads the first page during the first file's check
    again: int = 0  # times the file is cleared and chosen again before the send
    probe_idle: float = 0.0
    probe_busy: float | None = None


async def _drive(run: Run, base: str, rss: RssSampler, pid: int, marks: dict) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages: list[Page] = []
        contexts = []
        for s in run.sessions:
            context = await browser.new_context(base_url=base, viewport={"width": 1440, "height": 1000})
            context.set_default_timeout(STEP)
            page = await context.new_page()
            page.on("pageerror", lambda exc, s=s: s.failures.append(f"page error: {exc}"))
            page.on("requestfinished", _on_upload(s))
            contexts.append(context)
            pages.append(page)
        await asyncio.gather(*(_connect(page, s) for page, s in zip(pages, run.sessions)))
        run.probe_idle = await _probe(browser, base)
        await asyncio.sleep(2)
        marks["idle"] = rss.now()

        async def one(page: Page, s: Session) -> None:
            try:
                await _choose(page, s, s.csv, run.rows)
                first = dict(s.t)
                for _ in range(run.again):  # the analyst's next uploads into the running server
                    await _clear(page)
                    await _choose(page, s, s.csv, run.rows, dialog=True)
                    s.again.append((s.t["transfer"], s.t["report"]))
                s.t = first
                await page.screenshot(path=str(ROOT / "test-artifacts" / f"browser_upload_{s.index}_report.png"))
                await _send(page, s)
                await page.screenshot(path=str(ROOT / "test-artifacts" / f"browser_upload_{s.index}_sent.png"),
                                      full_page=True)
            except Exception as exc:  # a failed step is a finding, reported with the others
                s.failures.append(f"step failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                await page.screenshot(path=str(ROOT / "test-artifacts" / f"browser_upload_{s.index}_failed.png"),
                                      full_page=True)

        async def probe_while_checking() -> None:  # from the end of the first file's transfer
            first = run.sessions[0]
            while first.upload_done is None and "report" not in first.t and not first.failures:
                await asyncio.sleep(0.05)
            if "report" not in first.t and run.probe:
                run.probe_busy = await _probe(browser, base)

        marks["start"] = time.monotonic()
        await asyncio.gather(*(one(page, s) for page, s in zip(pages, run.sessions)), probe_while_checking())
        marks["sent"] = time.monotonic()
        marks["cpu"] = cpu_seconds(pid)

        # The file is dropped: cleared, the tab closed, or another file chosen.
        for page, s, context in zip(pages, run.sessions, contexts):
            try:
                if run.after == "clear":
                    await _clear(page)
                elif run.after == "another":
                    kept = dict(s.t)  # the figures are the first file's
                    await _choose(page, s, s.other_csv, 1000)
                    s.t = kept
                elif run.after == "close":
                    await context.close()
            except Exception as exc:
                s.failures.append(f"{run.after} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        marks["dropped"] = time.monotonic()
        if run.after != "close":
            await pages[0].screenshot(path=str(ROOT / "test-artifacts" / f"browser_upload_after_{run.after}.png"),
                                      full_page=True)
        deadline = marks["dropped"] + WATCH
        while time.monotonic() < deadline:
            if rss.now() - marks["idle"] <= BACK_MIB * MIB and "back" not in marks:
                marks["back"] = time.monotonic()
                await asyncio.sleep(3)  # and it stays there
                break
            await asyncio.sleep(0.5)
        marks["after"] = rss.now()
        await browser.close()


def _crossed(sessions: list[Session]) -> list[str]:
    """What a session showed of another's: its segment, file or member; and its own that it did not show."""
    found = []
    for a in sessions:
        if a.failures:
            continue
        if a.segment not in a.seen or a.csv.name not in a.seen:
            found.append(f"session {a.index} does not show its own segment or file")
        for b in sessions:
            if b is not a:
                found += [f"session {a.index} shows session {b.index}'s {m!r}" for m in (b.segment, b.csv.name, b.name)
                          if m in a.seen]
    return found


def measure(rows: int, sessions: int, after: str, mounted: bool, tmp: Path, probe: bool = True,
            again: int = 0) -> dict:
    servers = start(tmp, mounted)
    try:
        _control(servers.control, "/settings", {"segment_visibility_delay_seconds": 0})
        people = []
        for i, member in enumerate(_members(sessions), start=1):
            _control(servers.control, "/portfolio", {"member": member.urn, "accounts": 2, "segments_per_account": 2})
            csv = tmp / f"contacts_{rows}_{i}.csv"
            csv.write_bytes(contacts(rows, seed=100 + i))
            other = tmp / f"other_{i}.csv"
            other.write_bytes(contacts(1000, seed=900 + i))
            people.append(Session(i, member.id, member.name, csv, other, f"Bench {rows:,} of session {i}"))
        times = library_prepare(people[0].csv, repeat=max(3, again + 2))
        run = Run(rows, people, after, probe, again)
        rss = RssSampler(servers.app.pid)
        rss.start()
        marks: dict = {}
        cpu_before_send: list[float] = []

        def on_send_start() -> None:  # the CPU at the first "Send to LinkedIn" click
            while not any("send" in s.t for s in people) and not all(s.failures for s in people):
                time.sleep(0.02)
            cpu_before_send.append(cpu_seconds(servers.app.pid))

        watcher = threading.Thread(target=on_send_start, daemon=True)
        watcher.start()
        asyncio.run(_drive(run, servers.base, rss, servers.app.pid, marks))
        rss.stop()
        log = servers.log.read_text(errors="replace")
    finally:
        servers.stop()
    idle = marks["idle"]
    tracebacks = [t for t in log.split("Traceback (most recent call last):")[1:] if "WebSocketDisconnected" not in t]
    failures = [f"session {s.index}: {f}" for s in people for f in s.failures]
    failures += [f"server log: {t.strip().splitlines()[-1]}" for t in tracebacks]
    crossed = _crossed(people) if sessions > 1 else []
    elements = sum(s.accepted for s in people)
    send_cpu = marks["cpu"] - cpu_before_send[0] if cpu_before_send else None
    first = people[0].t
    ok = [s for s in people if "sent" in s.t]
    agains = [report - transfer for transfer, report in people[0].again]
    send_s = max(s.t["sent"] for s in ok) - min(s.t["send"] for s in ok) if ok else None
    again_s = statistics.median(agains) if agains else None
    steady = statistics.median(times[1:])
    return {
        "rows": rows, "sessions": sessions, "after": after, "sandbox": "mounted" if mounted else "own process",
        "probe": "during the check" if probe else "none",
        "file_mib": round(people[0].csv.stat().st_size / 2**20, 1),
        "idle_rss_mib": round(idle / MIB),
        "peak_rss_over_idle_mib": round((rss.peak(marks["start"]) - idle) / MIB),
        "peak_rss_report_over_idle_mib": round((rss.peak(marks["start"], max((s.t.get("report", 0) for s in people),
                                                                            default=0)) - idle) / MIB),
        "rss_at_send_over_idle_mib": round((rss.peak(min(s.t["send"] for s in ok) - 0.3, min(s.t["send"] for s in ok))
                                             - idle) / MIB) if ok else None,
        "peak_rss_send_over_idle_mib": round((rss.peak(min(s.t["send"] for s in ok)) - idle) / MIB) if ok else None,
        "rss_after_clear_over_idle_mib": round((marks["after"] - idle) / MIB),
        "back_s": round(marks["back"] - marks["dropped"], 1) if "back" in marks else None,
        "prepare_s": round(min(times), 2), "prepare_first_s": round(times[0], 2), "prepare_median_s": round(steady, 2),
        "checking_s": round(first["checking"] - first["transfer"], 2) if "checking" in first else None,
        "report_s": round(first["report"] - first["transfer"], 2) if "report" in first else None,
        "report_over_prepare": round((first["report"] - first["transfer"]) / min(times), 2) if "report" in first
        else None,
        "report_again_s": round(again_s, 2) if agains else None,
        "report_again_all_s": [round(a, 2) for a in agains],
        "report_again_over_prepare": round(again_s / min(times), 2) if agains else None,
        "report_again_over_prepare_median": round(again_s / steady, 2) if agains else None,
        "report_cpu_s": rss.cpu(first["transfer"], first["report"]) if "report" in first else None,
        "report_again_cpu_s": rss.cpu(*people[0].again[0]) if agains else None,
        "report_over_prepare_first": round((first["report"] - first["transfer"]) / times[0], 2) if "report" in first
        else None,
        "probe_idle_s": round(run.probe_idle, 2),
        "probe_during_prepare_s": round(run.probe_busy, 2) if run.probe_busy is not None else None,
        "send_s": round(send_s, 1) if send_s else None,
        "elements": elements,
        "elements_per_s": round(elements / send_s) if send_s and elements else None,
        "client_cpu_us_per_element": round(send_cpu / elements * 1e6, 2) if send_cpu and elements else None,
        "client_cpu_share": round(send_cpu / send_s, 2) if send_cpu and send_s else None,
        "failed": len(failures), "failures": failures[:20], "crossed": crossed,
    }


def _print(fig: dict) -> None:
    print(f"{fig['rows']:,} rows x {fig['sessions']} session(s) ({fig['file_mib']} MiB each), sandbox "
          f"{fig['sandbox']}, then {fig['after']}:")
    print(f"  server RSS idle {fig['idle_rss_mib']} MiB; peak +{fig['peak_rss_over_idle_mib']} MiB "
          f"(+{fig['peak_rss_report_over_idle_mib']} until the report, +{fig['peak_rss_send_over_idle_mib']} from the "
          f"send's click, +{fig['rss_at_send_over_idle_mib']} at it); after {fig['after']} "
          f"+{fig['rss_after_clear_over_idle_mib']} MiB (within {BACK_MIB} MB after {fig['back_s']} s)")
    print(f"  prepare() {fig['prepare_s']} s (first {fig['prepare_first_s']} s, median {fig['prepare_median_s']} s); "
          f"'Checking' after "
          f"{fig['checking_s']} s, report after {fig['report_s']} s ({fig['report_over_prepare']}x prepare, "
          f"{fig['report_over_prepare_first']}x its first)")
    print("    in that window, CPU s of the server, CPU s of the rest, the server's page faults: "
          f"{fig['report_cpu_s']}")
    if fig["report_again_s"] is not None:
        print(f"  the same file again: report after {fig['report_again_s']} s ({fig['report_again_over_prepare']}x "
              f"prepare, {fig['report_again_over_prepare_median']}x its median; each: {fig['report_again_all_s']}); "
              f"in the first's window {fig['report_again_cpu_s']}")
    print(f"  another tab's first page: {fig['probe_idle_s']} s idle, {fig['probe_during_prepare_s']} s during the "
          "preparation")
    print(f"  send {fig['send_s']} s, {fig['elements']:,} elements ({fig['elements_per_s']} a second), server CPU "
          f"{fig['client_cpu_us_per_element']} us an element, {fig['client_cpu_share']} of the send's wall time")
    print(f"  failed {fig['failed']}; crossed between sessions {len(fig['crossed'])}")
    for line in fig["failures"] + fig["crossed"]:
        print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--sessions", type=int, default=1, help="browser sessions sending at once")
    parser.add_argument("--after", choices=("clear", "close", "another"), default="clear",
                        help="what the analysts do once sent: clear the file, close the tab, choose another file")
    parser.add_argument("--sandbox", choices=("own", "mounted"), default="own",
                        help="LinkedIn in its own process (default) or the app's built-in sandbox")
    parser.add_argument("--probe", choices=("during", "none"), default="during",
                        help="another tab loads the first page during the first file's check (default), or none")
    parser.add_argument("--again", type=int, nargs="?", const=1, default=0, metavar="N",
                        help="clear the file after its report and choose it again, N times (default 1): each timed")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    args = parser.parse_args(argv)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    bad = 0
    for rows in args.rows:
        with tempfile.TemporaryDirectory(prefix="browser_upload_") as tmp:
            fig = measure(rows, args.sessions, args.after, args.sandbox == "mounted", Path(tmp), args.probe == "during",
                          args.again)
        print(json.dumps(fig)) if args.json else _print(fig)
        sys.stdout.flush()
        bad += bool(fig["failed"] or fig["crossed"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
