"""Benchmark: what the garbage collector costs the app's server while an upload's elements are built.

    .venv/bin/python bench/collector.py [--rows 1000000] [--repeat 3]

Each measurement is a child process that loads what the app's server has loaded
(``ui.startup.MODULES``, Streamlit's server included), prepares a contact file of ``--rows``
rows once, then builds every element the way a send does: ``linkedin.sync.upload.source``
asked for the keys of one batch of 5,000 after another (``Sender._elements``). Children
alternate between the server as it was (the collector walks every object of the process)
and as the front doors now run it (``ui.startup.freeze_imports``: one collection, then
``gc.freeze()``). ``gc.callbacks`` count the full collections and time each one: a full
collection holds the GIL, so its length is how long every other analyst's page waits.

Prints, per setting, the best child's CPU seconds to build the elements, the number of full
collections, their total and longest time, and the ratio between the two settings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BATCH = 5000


def _child(path: str, freeze: bool) -> dict:
    import gc
    import importlib

    from ui import startup

    for name in ("streamlit.web.server.server", *startup.MODULES):
        importlib.import_module(name)
    if freeze:
        startup.freeze_imports()
    from linkedin.sync.upload import source
    from linkedin.tables.preparation import prepare

    prepared = prepare(path, "users")
    keys = prepared.keys  # Arrow, like the run's pending items on disk: no list of a million strings
    build = source(prepared)
    full: list[float] = []
    started: list[float] = []

    def watch(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started.append(time.perf_counter())
            else:
                full.append(time.perf_counter() - started.pop())

    tracked = len(gc.get_objects())
    gc.callbacks.append(watch)
    cpu, wall = time.process_time(), time.perf_counter()
    built = 0
    for at in range(0, len(keys), BATCH):
        built += len(build(keys.slice(at, BATCH).to_pylist()))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gc.callbacks.remove(watch)
    return {"freeze": freeze, "cpu": cpu, "wall": wall, "built": built, "full": len(full),
            "full_ms": 1000 * sum(full), "longest_ms": 1000 * max(full, default=0.0), "tracked": tracked}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--child", nargs=2, metavar=("PATH", "FREEZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], args.child[1] == "1")))
        return
    import make_data  # beside this file

    path = args.data_dir / f"contacts_{args.rows}.csv"
    if not path.exists():
        path.write_bytes(make_data.contacts(args.rows))
    results: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(args.repeat):
        for freeze in (False, True):
            out = subprocess.run([sys.executable, __file__, "--child", str(path), "1" if freeze else "0"],
                                 check=True, capture_output=True, text=True, cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
            results[freeze].append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = {freeze: min(runs, key=lambda r: r["cpu"]) for freeze, runs in results.items()}
    print(f"{best[True]['built']:,} contact elements built as a send builds them, batches of {BATCH:,}; "
          f"best of {args.repeat} children each, alternating")
    for freeze, label in ((False, "collector walks everything"), (True, "front door froze its imports")):
        r = best[freeze]
        print(f"  {label:30s} cpu {r['cpu']:5.2f} s  wall {r['wall']:5.2f} s  full collections {r['full']:3d}"
              f"  ({r['full_ms']:,.0f} ms, longest {r['longest_ms']:,.0f} ms)  tracked objects {r['tracked']:,}")
    print(f"  cpu ratio (walks everything / froze): {best[False]['cpu'] / best[True]['cpu']:.2f}x")


if __name__ == "__main__":
    main()
