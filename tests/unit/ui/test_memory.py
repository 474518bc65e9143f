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


def test_a_table_read_in_a_finished_thread_goes_back_once_the_server_chose_its_allocators():
    """Issue 16, goal 1: pyarrow's mimalloc keeps a finished thread's pages until it is collected
    from the thread that loaded pyarrow. A 1M-row table read as the app reads a file (on a work
    thread, ``threads=False``), dropped, then ``give_back`` from a third thread, as the app's
    timers call it: all of its ~126 MiB stayed with the defaults here; with the pool's release
    on the server's loop, 11 MiB."""
    code = (
        "import asyncio, sys, threading\n"
        "from linkedin.tables import reader\n"
        "from ui import memory\n"
        "raw = b'email,first,last,company,title,country\\n' + b''.join(\n"
        "    b'p%d@example.com,Ann%d,Lee%d,Acme %d,Engineer %d,US\\n' % (i, i, i, i, i) for i in range(1_000_000))\n"
        "async def serve():\n"
        "    if sys.argv[1] == 'chosen':\n"
        "        assert memory.server_allocators(asyncio.get_running_loop())\n"
        "        assert memory.server_loop() is asyncio.get_running_loop()\n"
        "    memory.give_back(); before = memory.rss_mib(); held = []\n"
        "    def work():\n"
        "        table = reader.read(raw, name='people.csv', threads=False)\n"
        "        held.append(memory.rss_mib() - before)\n"
        "        del table\n"
        "    w = threading.Thread(target=work); w.start(); w.join()\n"
        "    await asyncio.to_thread(memory.give_back)  # another thread's call: the loop runs the release\n"
        "    print(round(held[0]), round(memory.rss_mib() - before))\n"
        "asyncio.run(serve())\n"
    )
    figures = {}
    for how in ("default", "chosen"):
        out = subprocess.run([sys.executable, "-c", code, how], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        figures[how] = tuple(map(int, out.stdout.split()))
    assert figures["default"][0] > 100 and figures["chosen"][0] > 100, figures  # the table was there
    assert figures["default"][1] > 100, figures  # mimalloc's own rule keeps it: what the choice is for
    assert figures["chosen"][1] < 30, figures


def test_give_back_from_another_thread_waits_for_the_loop_and_not_forever(monkeypatch):
    """The release runs on the loop's thread and ``give_back`` returns once it ran; a loop that
    has stopped turning costs at most ``RELEASE_WAIT`` and a warning, never a hang."""
    import asyncio
    import threading

    seen = []
    monkeypatch.setattr(memory, "_release_here", lambda: seen.append(threading.get_ident()))
    monkeypatch.setattr(memory, "RELEASE_WAIT", 0.3)
    monkeypatch.setattr(memory, "_LIBC", None)  # glibc's thresholds stay this process's
    loop = asyncio.new_event_loop()
    turning = threading.Thread(target=loop.run_forever, daemon=True)
    turning.start()
    try:
        monkeypatch.setattr(memory, "_main", (loop, turning.ident))
        memory.give_back()
        assert seen == [turning.ident]
        loop.call_soon_threadsafe(loop.stop)
        turning.join(5)
        memory.give_back()  # the loop is open but nobody runs it
        assert seen == [turning.ident]
    finally:
        loop.close()
    memory.give_back()  # closed: released where it is called
    assert seen[-1] == threading.get_ident()


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
        "import asyncio, sys, threading\n"
        "from ui import memory\n"
        "if sys.argv[1] == 'chosen': memory.server_allocators(asyncio.new_event_loop())  # called here: released here\n"
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
