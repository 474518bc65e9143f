"""ui.memory: giving a dropped table's memory back works and lowers the process's resident size."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ui import memory


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
