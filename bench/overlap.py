"""Benchmark: the overlap of 20 segments x 100,000 hashed keys each (``linkedin.insights.overlap``).

Keys are SHA-256 hex strings as the ledger holds them; neighbouring segments share a third
of their keys. Times ``compute`` from the keys as ``S64`` arrays (what ``of_segments`` hands
it) and from Python strings, best of ``--repeat``, and checks the result against Python sets
on a sample pair.

    .venv/bin/python bench/overlap.py [--segments 20] [--keys 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linkedin.insights.overlap import compute  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=20)
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    step = args.keys * 2 // 3  # each segment shares a third of its keys with the next
    universe = step * (args.segments - 1) + args.keys
    pool = np.array([hashlib.sha256(str(i).encode()).hexdigest() for i in range(universe)], dtype="S64")
    arrays = {f"segment {i}": pool[i * step:i * step + args.keys] for i in range(args.segments)}
    strings = {label: [k.decode() for k in keys] for label, keys in arrays.items()}
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}: {args.segments} segments x {args.keys:,} keys")
    found = compute(arrays)
    a, b = set(strings["segment 0"]), set(strings["segment 1"])
    assert found.counts[0, 1] == len(a & b) and found.counts[0, 0] == len(a), "overlap disagrees with Python sets"
    print(f"compute from S64 arrays     {best(lambda: compute(arrays), args.repeat) * 1000:>8.0f} ms")
    print(f"compute from Python strings {best(lambda: compute(strings), args.repeat) * 1000:>8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
