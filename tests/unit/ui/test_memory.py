"""ui.memory: giving a dropped table's memory back works and lowers the process's resident size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa

from ui import memory

ROOT = Path(__file__).resolve().parents[3]


def test_a_dropped_table_goes_back_to_the_system():
    memory.give_back()
    before = memory.rss_mib()
    assert before > 0
    big = pa.array(np.arange(40_000_000, dtype=np.int64))  # 305 MiB in pyarrow's pool
    heap = [bytes(1000) + bytes([i % 256]) for i in range(150_000)]  # ~150 MiB of small objects in glibc's heap
    assert memory.rss_mib() - before > 350
    del big, heap
    memory.give_back()
    assert memory.rss_mib() - before < 60


def test_give_back_soon_runs_once_for_many_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "give_back", lambda: calls.append(1))
    for _ in range(5):
        memory.give_back_soon(delay=0.05)
    memory._pending.join()
    assert calls == [1]


def test_a_table_read_by_arrows_threads_goes_back_once_the_server_chose_its_allocators():
    """Issue 16, goal 1: with pyarrow's bundled mimalloc, a table read by Arrow's pool threads
    inside a session's work thread left 35-58 MiB of its ~250 resident after ``give_back`` here
    (289 MiB in the app's server after a 1M-row file); with the server's choice, 5-7 MiB, at
    once with glibc's malloc, within 1.5 s with jemalloc (its background thread returns the
    rest of the pages on its decay curve: a 1M-row preparation's ~530 MiB in 1.2-1.4 s)."""
    code = (
        "import io, threading, time, pyarrow as pa, pyarrow.csv as csv, pyarrow.compute as pc\n"
        "from ui import memory\n"
        "assert memory.server_allocators()\n"
        "assert memory.server_allocators()  # a second call (the next script run) changes nothing\n"
        "print(pa.default_memory_pool().backend_name)\n"
        "raw = b'email,first,last,company,title,country\\n' + b''.join(\n"
        "    b'p%d@example.com,Ann%d,Lee%d,Acme %d,Engineer %d,US\\n' % (i, i, i, i, i) for i in range(1_000_000))\n"
        "memory.give_back(); before = memory.rss_mib()\n"
        "held = []\n"
        "def work():\n"
        "    t = csv.read_csv(io.BytesIO(raw))\n"
        "    s = pc.utf8_lower(t.column('email'))\n"
        "    held.append(memory.rss_mib() - before)\n"
        "    del t, s\n"
        "w = threading.Thread(target=work); w.start(); w.join()\n"
        "memory.give_back(); start = time.monotonic()\n"
        "while memory.rss_mib() - before >= 20 and time.monotonic() - start < 10:\n"
        "    time.sleep(0.1)\n"
        "print(round(held[0]), round(memory.rss_mib() - before), round(time.monotonic() - start, 1))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    pool, figures = out.stdout.splitlines()[-2:]
    held, after, seconds = figures.split()
    assert pool in ("jemalloc", "system"), pool  # never mimalloc, pyarrow's default here
    assert int(held) > 150 and int(after) < 20 and float(seconds) < 5, (held, after, seconds)


def test_a_threads_heap_top_goes_back_once_the_server_chose_its_allocators():
    """Issue 16, goal 1: glibc keeps a thread heap's free top (``malloc_trim`` does not return it)
    until it passes a threshold that rises with use up to a whole 64 MiB heap (here to 60 MiB,
    after a 30 MiB buffer freed): 20 MiB made and freed in a thread stayed resident after
    ``give_back``; with the server's choice, none.

    With glibc's defaults the outcome varies between processes: the threads pyarrow starts on
    import sometimes leave a small block above the freed 20 MiB, which then sits in a free list
    that ``malloc_trim`` does return (2 to 9 runs in 30 here). So the default case gets up to
    eight fresh processes to show the kept top; the chosen case must return it in every one of three."""
    code = (
        "import sys, threading\n"
        "from ui import memory\n"
        "if sys.argv[1] == 'chosen': memory.server_allocators()\n"
        "big = bytearray(30 << 20); del big  # a large buffer freed, as a table's are: glibc raises its thresholds\n"
        "memory.give_back(); before = memory.rss_mib(); held = []\n"
        "def work():\n"
        "    parts = [b'x' * (1 << 20) for _ in range(20)]\n"
        "    held.append(memory.rss_mib() - before); del parts\n"
        "w = threading.Thread(target=work); w.start(); w.join()\n"
        "memory.give_back()\n"
        "print(round(held[0]), round(memory.rss_mib() - before))\n"
    )

    def run(how: str) -> tuple[int, int]:
        out = subprocess.run([sys.executable, "-c", code, how], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        held, left = map(int, out.stdout.split())
        assert held >= 18, (how, held)  # the work held its 20 MiB
        return held, left

    chosen = [run("chosen") for _ in range(3)]
    assert all(left <= 5 for _, left in chosen), chosen
    default = []
    while len(default) < 8 and not any(left >= 15 for _, left in default):
        default.append(run("default"))
    assert any(left >= 15 for _, left in default), default  # glibc's own rule keeps the top: what the choice is for


def test_the_server_takes_jemalloc_where_pyarrow_has_it_and_glibcs_malloc_where_it_does_not(monkeypatch):
    assert memory._server_pool().backend_name == "jemalloc"  # pyarrow's Linux wheels bundle it

    def missing():
        raise pa.ArrowNotImplementedError("This Arrow build does not enable jemalloc")

    monkeypatch.setattr(pa, "jemalloc_memory_pool", missing)
    assert memory._server_pool().backend_name == "system"
