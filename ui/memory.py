"""Give a dropped table's memory back to the operating system, when a session lets go of one.

A session's prepared table of a million rows is hundreds of MB, in pyarrow's memory pool and in
glibc's heap (Python objects, numpy arrays). Freed, it stays with the process: pyarrow's pool
keeps what it freed for later allocations, and glibc returns the top of its heap only, so a
server that prepared one large upload would keep its peak for good (issue 16: 1.4 GB after a
1M-row upload). When a session drops such a table (the file is cleared, another replaces it, a
closed tab is shut down) ``give_back`` asks both, explicitly, once: a collection for what a
cycle still holds, ``release_unused`` for pyarrow's pool, ``malloc_trim`` for glibc's free
pages. It takes a few ms to tens of ms, so it runs when work is dropped, never per script run.

Both only give back what is free where they can reach it, and a table is read and prepared by
threads (a session's work thread, Arrow's and DuckDB's). So the server's process makes two
choices once, at start-up (``server_allocators``, from the app's lifespan on the server's event
loop), each measured on the analyst's path (``bench/browser_upload.py``, figures in
bench/README.md, issue 16):

- pyarrow keeps its bundled mimalloc, the fastest of its pools here (a 1M-row file read and
  prepared in 0.61-0.65 s, against 0.75-0.78 s with glibc's malloc, pyarrow's "system" pool,
  and 0.73-0.75 s with its jemalloc), and its release runs on the server's main thread, the
  event loop's, which loaded pyarrow. mimalloc keeps what a thread's heap freed until that
  thread allocates again, or, once the thread has ended, until a collection from the thread
  it counts as main: from any other thread ``release_unused`` left 558-600 MiB of a dropped
  1M-row preparation resident, from the main thread 128-138 MiB, most of it in the heaps of
  Arrow's pool threads, which live on. So the app parses a file on the session's work thread
  alone (``reader.read(..., threads=False)``, ~0.1 s more for a million rows): a 1M-row table
  read that way went back to 11 MiB of its 126, against none of it with the defaults.
  ``give_back`` from another thread waits up to ``RELEASE_WAIT`` seconds for the loop to run it.
- glibc trims a thread's heap top once 8 MiB of it are free (``M_TRIM_THRESHOLD``).
  ``malloc_trim`` returns free pages inside every heap but never a thread heap's top, and
  glibc's own threshold for that rises with its dynamic mmap threshold up to 64 MiB, a whole
  thread heap (a work thread's numpy arrays and Python objects stayed). Fixing one threshold
  ends glibc's dynamic adjustment, so the mmap threshold is fixed too, at 32 MiB, the ceiling
  glibc's own rule reaches after the first large free: big buffers stay in the heap (left at
  128 KiB, each would be a fresh mapping, its pages faulted in again at every preparation).

The arena count and every other setting stay glibc's defaults; the library, the CLI and
notebooks keep every default (no loop given: ``release_unused`` runs on the calling thread).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import threading

import pyarrow as pa

log = logging.getLogger(__name__)

_lock = threading.Lock()


def _libc():
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return lib if lib is not None and hasattr(lib, "malloc_trim") else None  # glibc only (not musl)


_LIBC = _libc()


def give_back() -> None:
    """Collect, then hand pyarrow's and glibc's free memory back to the system (thread-safe).

    In the server, pyarrow's part runs on the event loop's thread (``server_allocators``): this
    call waits for it there, at most ``RELEASE_WAIT`` seconds."""
    with _lock:
        gc.collect()
    _release_pool()
    if _LIBC is not None:
        with _lock:
            _LIBC.malloc_trim(0)


def _release_pool() -> None:
    loop, on = _main
    if loop is None or on == threading.get_ident():
        _release_here()
        return
    done = threading.Event()

    def release() -> None:
        try:
            _release_here()
        finally:
            done.set()

    try:
        loop.call_soon_threadsafe(release)
    except RuntimeError:  # the loop has closed (the server is stopping): release here, as elsewhere
        _release_here()
        return
    if not done.wait(RELEASE_WAIT):
        log.warning("pyarrow's pool was not released within %.0f s: the event loop is busy", RELEASE_WAIT)


def _release_here() -> None:
    try:
        pa.default_memory_pool().release_unused()
    except Exception as err:  # an allocator without it: nothing to give back this way
        log.debug("pyarrow pool release: %s", err)


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
TRIM_FROM = 8 << 20  # free bytes at a heap's top that glibc returns at once
MMAP_FROM = 32 << 20  # buffers this large or larger get a mapping of their own
RELEASE_WAIT = 5.0  # seconds ``give_back`` waits for the event loop to release pyarrow's pool
_main: tuple[asyncio.AbstractEventLoop | None, int | None] = (None, None)  # the loop, its thread's ident


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The loop pyarrow's pool is released on (``server_allocators``); None: the calling thread."""
    return _main[0]


def server_allocators(loop: asyncio.AbstractEventLoop) -> bool:
    """From now on, pyarrow's pool is released on ``loop``'s thread and glibc trims a thread's
    heap top past ``TRIM_FROM``, so that ``give_back`` returns a dropped table's memory whichever
    thread used it (the why and the figures: the module's docstring).

    For the app's server only, called once from its lifespan, on the event loop's thread, which
    must be the thread that loaded pyarrow: the server's main thread, which imports app.py, and
    this module, before any session's thread exists. Returns False where the C library is not glibc (glibc's part is left
    out; the pool's release still moves to the loop)."""
    global _main
    with _lock:
        _main = (loop, threading.get_ident())
        if _LIBC is None:
            return False
        _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_FROM)
        _LIBC.mallopt(M_TRIM_THRESHOLD, TRIM_FROM)
    return True


def rss_mib() -> float:
    """This process's resident memory in MiB (Linux /proc), for logs and tests; 0.0 elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


_pending: threading.Timer | None = None
SOON = 2.0  # seconds: Streamlit lets go of a script run's widgets' data (download callables) after the run


def give_back_soon(delay: float = SOON) -> None:
    """``give_back`` once Streamlit has ended the current script run (one pending call at most).

    What a session drops inside a script run is still referenced by that run's widgets until
    Streamlit cleans them up after it (a download button's deferred callable holds its table)."""
    global _pending
    with _lock:
        if _pending is not None and _pending.is_alive():
            return
        _pending = threading.Timer(delay, give_back)
        _pending.daemon = True
        _pending.start()
