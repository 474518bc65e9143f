"""Benchmark: preparing 1,000,000 contacts and 1,000,000 companies, against a bare hashlib loop.

    .venv/bin/python bench/prepare.py [--rows 1000000] [--repeat 5] [--kind contacts|companies|both] [--before TREE]

For each kind it generates a file with ``bench/make_data.py`` (deterministic; kept in
``--data-dir``), then, in fresh child processes, alternately:

- the **baseline**: a bare ``[hashlib.sha256(v.encode()).hexdigest() for v in values]`` over
  the same normalized values our preparation hashes: the valid plain email addresses
  (contacts) or the canonical identities behind the ledger keys (companies). The values are
  computed first and not timed;
- our **preparation**: ``linkedin.tables.preparation.prepare(path, kind)`` from the file on disk to
  a ``Prepared`` (read, map, normalize, validate, hash, deduplicate, quality report), then
  **elements**: every batch of 5,000 built in LinkedIn's element shape (``Prepared.batches``).

Both run ``RUNS`` (4) times in their process, and both are judged at the steady state of a
running process, the better of the 3rd and 4th run (the app's server prepares one upload
after another). Preparation's first run, which also pays for a fresh process's memory (page
faults: in this VM ~2x the steady state), and its second are printed too. ``--before TREE``
times another checkout's preparation in the same run, alternating with ours (its own
``bench/prepare.py --child`` in that tree), for before/after figures of one change.

It prints the best of ``--repeat`` children for each and the ratio to the baseline's (goal:
preparation at most 2x for contacts, 3x for companies), the median child beside it, the same for CPU time
(``time.process_time``: it counts pyarrow's and DuckDB's threads too), and the peak resident
memory of the preparation process over all its runs (``VmHWM``, or ``resource.getrusage`` off
Linux; goal: under 1 GiB), the interpreter and its imports included.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GIB = 1 << 30
GOAL = {"contacts": 2, "companies": 3}  # preparation's ratio to the baseline (issue "A house a newcomer can read")
RUNS = 4  # preparations (and baseline loops) per process; the steady state is the better of the last two
KIND = {"contacts": "users", "companies": "companies"}


def _baseline(kind: str, path: str) -> dict:
    import hashlib

    import pyarrow.compute as pc

    from linkedin.tables import identifiers, preparation, reader as table

    t = table.read(path)
    if kind == "contacts":
        emails = identifiers.check_emails(t.column("email"))
        values = emails.value.filter(pc.equal(emails.derived, identifiers.RAW)).to_pylist()
    else:
        values = preparation.identities(t, "companies").drop_null().to_pylist()
    del t
    runs = []
    for _ in range(RUNS):  # like preparation: the steady state of a running process
        start, cpu = time.perf_counter(), time.process_time()
        hashed = [hashlib.sha256(v.encode()).hexdigest() for v in values]
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
        del hashed
    steady = min(runs[2:])
    return {"seconds": steady[0], "cpu": steady[1], "first": runs[0][0], "values": len(values)}


def _peak_rss() -> int:
    """This process's peak resident memory in bytes.

    ``VmHWM`` where Linux has it: ``getrusage``'s ``ru_maxrss`` survives fork and exec, so in a
    child it can report the parent's peak instead of its own."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _prepare(kind: str, path: str) -> dict:
    """``RUNS`` preparations in one process, each followed by building its elements: the first is
    a fresh process's (every page of memory new to it), the second a running app's that has
    prepared one file before, the better of the third and fourth the steady state of a running
    app (measured: the first costs ~2x, the second ~1.2x the steady state, later ones alike).
    Like the app's server and the CLI, the process freezes its imports first (``gc.freeze()``,
    ``ui/startup.py``); the collector runs as usual on everything made after."""
    import gc

    from linkedin.tables import preparation

    gc.collect()  # as the front doors run it (ui/startup.py, linkedin/cli.py): the imports frozen
    gc.freeze()
    before = _peak_rss()
    runs = []
    for _ in range(RUNS):
        start, cpu = time.perf_counter(), time.process_time()
        prepared = preparation.prepare(path, KIND[kind])
        prepared_at, prepared_cpu = time.perf_counter(), time.process_time()
        elements = batches = 0
        for _rows, batch in prepared.batches("ADD"):
            elements += len(batch)
            batches += 1
        runs.append((prepared_at - start, time.perf_counter() - prepared_at,
                     prepared_cpu - cpu, time.process_time() - prepared_cpu))
        q = prepared.quality  # only its counts are kept: one preparation's memory at a time
        counts = {"rows": q.rows, "sent": len(prepared), "duplicates": q.duplicates, "rejected": q.rejected_rows}
        del prepared, batch, q
    steady = min(runs[2:])
    return {
        "cold": runs[0][0], "cold_elements": runs[0][1], "second": runs[1][0],
        "prepare": steady[0], "elements": steady[1], "prepare_cpu": steady[2], "elements_cpu": steady[3],
        "peak": _peak_rss(), "imports": before, "batches": batches, "built": elements, **counts,
    }


def _child(what: str, kind: str, path: str, tree: Path = ROOT) -> dict:
    out = subprocess.run(
        [sys.executable, str(tree / "bench" / "prepare.py"), "--child", what, kind, path], check=True,
        capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(kind: str, rows: int, repeat: int, data_dir: Path, before: Path | None = None) -> dict:
    import make_data  # beside this file

    path = data_dir / f"{kind}_{rows}.csv"
    if not path.exists():  # made by its own process, so this one stays small
        data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(Path(make_data.__file__)), kind, "--rows", str(rows), "--out", str(path)],
                       check=True, capture_output=True)
    base, prep, old = [], [], []
    for _ in range(repeat):  # alternate, so a busy moment on the machine hurts both alike
        base.append(_child("baseline", kind, str(path)))
        prep.append(_child("prepare", kind, str(path)))
        if before is not None:
            old.append(_child("prepare", kind, str(path), tree=before))
    best_base = min(b["seconds"] for b in base)
    extra = {}
    if old:
        extra = {"before": min(p["prepare"] for p in old),
                 "before_median": statistics.median(p["prepare"] for p in old),
                 "before_with_elements": min(p["prepare"] + p["elements"] for p in old),
                 "before_peak": max(p["peak"] for p in old)}
    return {
        **extra, "prepare_median": statistics.median(p["prepare"] for p in prep),
        "baseline_median": statistics.median(b["seconds"] for b in base),
        "baseline_cpu": min(b["cpu"] for b in base), "prepare_cpu": min(p["prepare_cpu"] for p in prep),
        "with_elements_cpu": min(p["prepare_cpu"] + p["elements_cpu"] for p in prep),
        "kind": kind, "rows": rows, "file_mb": path.stat().st_size / 1e6, "baseline": best_base,
        "hashed": base[0]["values"], "prepare": min(p["prepare"] for p in prep),
        "cold": min(p["cold"] for p in prep), "second": min(p["second"] for p in prep),
        "baseline_first": min(b["first"] for b in base), "elements": min(p["elements"] for p in prep),
        "with_elements": min(p["prepare"] + p["elements"] for p in prep),
        "cold_with_elements": min(p["cold"] + p["cold_elements"] for p in prep), "peak": max(p["peak"] for p in prep),
        "imports": max(p["imports"] for p in prep), **{k: prep[0][k] for k in ("sent", "batches", "duplicates", "rejected")},
    }


def report(r: dict) -> str:
    base, base_cpu = r["baseline"], r["baseline_cpu"]
    ratio = r["prepare"] / base

    def line(label: str, seconds: float, cpu: float | None = None, note: str = "") -> str:
        cpu_part = f"   cpu {cpu:5.2f} s {cpu / base_cpu:5.2f}x" if cpu is not None else ""
        return f"  {label:<58} {seconds:5.2f} s {seconds / base:5.2f}x{cpu_part}{note}"

    return "\n".join([
        f"{r['kind']}: {r['rows']:,} rows ({r['file_mb']:.0f} MB CSV) -> {r['sent']:,} to send in {r['batches']} batches "
        f"({r['duplicates']:,} duplicates, {r['rejected']:,} rejected)",
        line(f"baseline: bare hashlib.sha256 loop, {r['hashed']:,} values", base, base_cpu,
             f"   first loop in its process {r['baseline_first']:.2f} s"),
        line("prepare (read, normalize, validate, hash, dedupe, report)", r["prepare"], r["prepare_cpu"],
             f"   goal <= {GOAL[r['kind']]}x: {'met' if ratio <= GOAL[r['kind']] else 'NOT met'}"),
        line("  median child instead of the best", r["prepare_median"],
             note=f"   {r['prepare_median'] / r['baseline_median']:.2f}x the baseline's median"),
        line("  + elements (every batch of 5,000 built)", r["with_elements"], r["with_elements_cpu"]),
        line("prepare, second run in a process", r["second"]),
        line("prepare, first run in a fresh process", r["cold"]),
        line("  + elements, first run in a fresh process", r["cold_with_elements"]),
        *([line("before (--before): prepare", r["before"],
                note=f"   median {r['before_median']:.2f} s, peak {r['before_peak'] / (1 << 20):.0f} MiB"),
           line("before (--before):   + elements", r["before_with_elements"],
                note=f"   ours {r['with_elements'] / r['before_with_elements'] - 1:+.0%}")]
          if "before" in r else []),
        f"  peak memory (RSS; interpreter and imports: {r['imports'] / (1 << 20):.0f} MiB)"
        f"{'':<14}{r['peak'] / (1 << 20):5.0f} MiB   goal < 1024 MiB: {'met' if r['peak'] < GIB else 'NOT met'}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="preparation benchmark (see the module docstring)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kind", choices=("contacts", "companies", "both"), default="both")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "linkedin-bench")
    parser.add_argument("--json", action="store_true", help="print the raw numbers as JSON too")
    parser.add_argument("--before", type=Path, metavar="TREE",
                        help="also time the preparation of another checkout (e.g. a git worktree of main) in this run")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, kind, path = args.child
        print(json.dumps(_baseline(kind, path) if what == "baseline" else _prepare(kind, path)))
        return 0
    kinds = ("contacts", "companies") if args.kind == "both" else (args.kind,)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {args.repeat} child processes each, "
          f"each at its steady state (the better of its runs 3 and 4) unless said otherwise")
    for kind in kinds:
        result = run(kind, args.rows, args.repeat, args.data_dir, args.before)
        print(report(result))
        if args.json:
            print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
