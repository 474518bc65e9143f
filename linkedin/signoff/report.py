"""A sign-off run as a report: Markdown (for a ticket or a wiki) and one self-contained HTML page.

Both are built from the ``Run`` alone, so a kept run renders the same later. Every value
that came from LinkedIn or the analyst (segment and account names, messages) is escaped:
Markdown's punctuation and HTML's ``<>&"'``; the HTML page has its CSS inline, loads
nothing, and its Content-Security-Policy forbids scripts and outside resources, so it can be
mailed or attached as is.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime, timezone

from linkedin.signoff.evidence import FAIL, PASS, SKIPPED, Evidence, Run

MARKS = {PASS: "PASS", FAIL: "FAIL", SKIPPED: "SKIPPED"}  # words: a report's emoji are boxes without their font
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def md(value: object) -> str:
    """Text safe in a Markdown paragraph or table cell: one line, HTML and Markdown syntax neutralised."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _where(run: Run) -> str:
    return f"the {run.target}" if run.sandbox else run.target


def _intro(run: Run) -> list[str]:
    return [
        f"Run {run.id}, {when(run.started_at)} to {when(run.finished_at)}, against {_where(run)} "
        f"(LinkedIn-Version {run.version}).",
        "Writing checks: " + ("on (the sandbox)" if run.sandbox else "allowed by the analyst" if run.writing else
                              "off (read-only run)") + f"; test segments named “{run.segment_name} – …”.",
        f"{run.passed} passed, {run.failed} failed, {run.skipped} skipped.",
    ]


def markdown(run: Run) -> str:
    """The run as GitHub-flavoured Markdown."""
    out = ["# LinkedIn Audiences sign-off readiness", ""]
    out += [md(line) + "  " for line in _intro(run)]
    out += ["", f"**{md(run.verdict)}**", "", "| Requirement | What | Result | Calls | Seconds |", "|---|---|---|---|---|"]
    for e in run.evidence:
        out.append(f"| {md(e.id)} | {md(e.title)} | {MARKS.get(e.status, md(e.status))} | {len(e.calls)} | {e.seconds:.2f} |")
    for e in run.evidence:
        out += ["", f"## {md(e.id)} {md(e.title)}: {MARKS.get(e.status, md(e.status))}", "",
                f"{md(when(e.started_at))}, {e.seconds:.2f} s."]
        if e.reason:
            out += ["", f"**Skipped:** {md(e.reason)}"]
        if e.todo:
            out += ["", f"**What to do:** {md(e.todo)}"]
        if e.summary:
            out += ["", "| What came back | |", "|---|---|"]
            out += [f"| {md(k)} | {md(v)} |" for k, v in e.summary]
        if e.calls:
            out += ["", "| # | Call | Status | Request id | Error |", "|---|---|---|---|---|"]
            for i, c in enumerate(e.calls, 1):
                call = f"{c.method} {c.path}" + (f" ({c.note})" if c.note else "")
                out.append(f"| {i} | {md(call)} | {md(c.status if c.status is not None else 'no answer')} | "
                           f"{md(c.request_id or '')} | {md(c.error or '')} |")
    out += ["", "_No token, secret or raw email is part of this report: calls show method, path, status and "
                "LinkedIn's request id only._", ""]
    return "\n".join(out)


_CSS = """
body{font-family:-apple-system,system-ui,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1d2226;line-height:1.45}
h1{color:#0A66C2;margin-bottom:.2rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
p.meta{color:#56687a;margin:.2rem 0}
.verdict{padding:.7rem 1rem;border-radius:8px;font-weight:600;margin:1rem 0}
.verdict.pass{background:#e6f4ea;color:#0d652d}.verdict.fail{background:#fce8e6;color:#a50e0e}
.verdict.skipped{background:#fef7e0;color:#7a5900}
table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.92rem}
th,td{border:1px solid #dfe1e5;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f8}
td.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-weight:600;font-size:.85rem}
.badge.pass{background:#e6f4ea;color:#0d652d}.badge.fail{background:#fce8e6;color:#a50e0e}
.badge.skipped{background:#fef7e0;color:#7a5900}
section{border-top:1px solid #dfe1e5;margin-top:1rem}
.todo{background:#fce8e6;padding:.5rem .8rem;border-radius:6px}.reason{background:#fef7e0;padding:.5rem .8rem;border-radius:6px}
details summary{cursor:pointer;color:#0A66C2}
footer{color:#56687a;font-size:.85rem;margin-top:2rem}
"""


def _h(value: object) -> str:
    return html_lib.escape(str(value), quote=True)


def _badge(status: str) -> str:
    css = status if status in MARKS else "skipped"
    return f'<span class="badge {css}">{_h(MARKS.get(status, status))}</span>'


def _section(e: Evidence) -> str:
    parts = [f'<section id="{_h(e.id)}"><h2>{_h(e.id)} {_h(e.title)} {_badge(e.status)}</h2>',
             f'<p class="meta">{_h(when(e.started_at))}, {e.seconds:.2f} s, {len(e.calls)} call(s)</p>']
    if e.reason:
        parts.append(f'<p class="reason"><strong>Skipped:</strong> {_h(e.reason)}</p>')
    if e.todo:
        parts.append(f'<p class="todo"><strong>What to do:</strong> {_h(e.todo)}</p>')
    if e.summary:
        rows = "".join(f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in e.summary)
        parts.append(f"<table>{rows}</table>")
    if e.calls:
        rows = "".join(
            f"<tr><td>{i}</td><td>{_h(c.method)}</td><td class=\"path\">{_h(c.path)}"
            + (f"<br><small>{_h(c.note)}</small>" if c.note else "")
            + f"</td><td>{_h(c.status if c.status is not None else 'no answer')}</td>"
              f"<td>{_h(c.request_id or '')}</td><td>{_h(c.error or '')}</td><td>{c.ms:.0f}</td></tr>"
            for i, c in enumerate(e.calls, 1))
        parts.append(f"<details><summary>{len(e.calls)} call(s)</summary><table><tr><th>#</th><th>Method</th>"
                     f"<th>Path</th><th>Status</th><th>Request id</th><th>Error</th><th>ms</th></tr>{rows}</table>"
                     "</details>")
    parts.append("</section>")
    return "".join(parts)


def html(run: Run) -> str:
    """The run as one HTML page: inline CSS, nothing loaded from anywhere, every value escaped."""
    verdict = FAIL if run.failed else SKIPPED if run.skipped else PASS
    overview = "".join(
        f'<tr><td><a href="#{_h(e.id)}">{_h(e.id)}</a></td><td>{_h(e.title)}</td><td>{_badge(e.status)}</td>'
        f"<td>{len(e.calls)}</td><td>{e.seconds:.2f}</td></tr>" for e in run.evidence)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>Sign-off readiness {_h(when(run.started_at))}</title><style>{_CSS}</style></head><body>"
        "<h1>LinkedIn Audiences sign-off readiness</h1>"
        + "".join(f'<p class="meta">{_h(line)}</p>' for line in _intro(run))
        + f'<div class="verdict {verdict}">{_h(run.verdict)}</div>'
        "<table><tr><th>Requirement</th><th>What</th><th>Result</th><th>Calls</th><th>Seconds</th></tr>"
        f"{overview}</table>"
        + "".join(_section(e) for e in run.evidence)
        + "<footer>No token, secret or raw email is part of this report: calls show method, path, status and "
          "LinkedIn's request id only.</footer></body></html>"
    )


def filename(run: Run, extension: str) -> str:
    """``signoff-2026-11-30-1840.md``."""
    stamp = datetime.fromtimestamp(run.started_at, timezone.utc).strftime("%Y-%m-%d-%H%M")
    return f"signoff-{stamp}.{extension}"
