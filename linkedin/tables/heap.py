"""Heap: keep the large blocks a preparation frees for the next one, instead of giving them back.

Preparing a million rows allocates and frees a few hundred MB in large blocks (numpy arrays,
the file's bytes). By default glibc maps every block over 128 KiB-32 MiB on its own and
unmaps it when freed, and each thread gets its own arena, so the next preparation faults
every page in again; in the development VM that is ~60,000 page faults and 0.1-0.4 s of
kernel time (page zeroing) per preparation, as much as the hashing itself. ``keep_freed_memory``
raises the mmap and trim thresholds and uses one arena for all threads (Streamlit prepares on
a script thread), so freed blocks are reused. Measured with ``bench/prepare.py``: the second
preparation of 1,000,000 contacts in a process, best of 6, 0.92 s -> 0.78 s (0.83 s -> 0.71 s
on a worker thread).

The price: the process keeps its high-water mark of heap (about 0.8 GB after preparing a
million rows) until it exits, which a server that prepares such files again reuses.

Where it is set: the app's server gets the same three values from ``bin/run`` as glibc's
environment variables (``MALLOC_ARENA_MAX``, ``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_``), read before any thread exists; the CLI and the benchmarks call
``keep_freed_memory()`` first thing; a library user may call it too. Elsewhere than glibc
(macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import threading

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8  # glibc's malloc.h
_MMAP_THRESHOLD = 1 << 30  # blocks up to 1 GiB come from the heap (bin/run: MALLOC_MMAP_THRESHOLD_)
_TRIM_THRESHOLD = (1 << 31) - 1  # free memory at the top of the heap is kept (MALLOC_TRIM_THRESHOLD_)

_lock = threading.Lock()
_done: bool | None = None


def keep_freed_memory() -> bool:
    """Tune glibc's allocator as described above, once per process; True when it applies."""
    global _done
    with _lock:
        if _done is None:
            _done = _tune()
        return _done


def _tune() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl has no mallopt thresholds
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    applied = all(mallopt(param, value) == 1 for param, value in (
        (_M_MMAP_THRESHOLD, _MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, _TRIM_THRESHOLD), (_M_ARENA_MAX, 1),
    ))
    if not applied:
        log.info("glibc refused a malloc setting; freed memory is given back as usual")
    return applied
