"""heap.keep_freed_memory: freed large blocks are reused instead of faulted in again (glibc)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Allocate and touch 64 MiB twice; print the page faults the second time cost.
_CHILD = """
import resource, sys
sys.path.insert(0, '.')
if sys.argv[1] == 'tuned':
    from linkedin.tables import heap
    assert heap.keep_freed_memory() and heap.keep_freed_memory()  # applies, once
def touch():
    block = bytearray(64 << 20)  # zero-filled by the allocator: every page touched
    block[::4096] = b'x' * len(block[::4096])
    del block
touch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
touch()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    return int(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="glibc's allocator only (a no-op elsewhere); CI is Linux")
def test_a_freed_block_is_reused_instead_of_faulted_in_again():
    plain, tuned = _faults("plain"), _faults("tuned")
    assert plain > 8000  # 64 MiB mapped afresh: ~16,000 pages of 4 KiB
    assert tuned < plain / 10



def test_bin_run_gives_the_server_the_same_settings():
    import re

    from linkedin.tables import heap

    script = (Path(__file__).resolve().parents[3] / "bin" / "run").read_text()
    found = dict(re.findall(r'export (MALLOC_\w+)="\$\{\w+:-(\d+)\}"', script))
    assert found == {
        "MALLOC_ARENA_MAX": "1",
        "MALLOC_MMAP_THRESHOLD_": str(heap._MMAP_THRESHOLD),
        "MALLOC_TRIM_THRESHOLD_": str(heap._TRIM_THRESHOLD),
    }
