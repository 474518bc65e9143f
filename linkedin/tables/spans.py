"""Spans: new string columns made of parts of other string columns, by compiled loops.

Arrow has no kernel that takes a different slice of every value (with a prefix in front);
as a run of pyarrow kernels it costs several passes and copies over the whole column.
``urls`` uses ``gather`` to turn the hosts, slugs and ids it finds into columns. The loops
are compiled by numba (cached on disk) and release the GIL.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from numba import njit


def buffers(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bytes, offsets, valid) of a string or large string array, the bytes not copied."""
    if pa.types.is_string(values.type):
        width, kind = 4, np.int32
    elif pa.types.is_large_string(values.type):
        width, kind = 8, np.int64
    else:
        raise TypeError(f"expected a string array, not {values.type}")
    _, offsets_buf, data_buf = values.buffers()
    n = len(values)
    offsets = np.frombuffer(offsets_buf, dtype=kind, count=n + 1, offset=values.offset * width) if n \
        else np.zeros(1, kind)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None and data_buf.size else np.zeros(1, np.uint8)
    valid = values.is_valid().to_numpy(zero_copy_only=False) if values.null_count else np.ones(n, bool)
    return data, offsets, valid


def gather(data: np.ndarray, starts: np.ndarray, ends: np.ndarray, present: np.ndarray, prefix: str = "") -> pa.Array:
    """A string array of ``prefix`` + ``data[starts[i]:ends[i]]`` where ``present``, null elsewhere."""
    n = len(starts)
    head = _bytes(prefix)
    offsets = np.empty(n + 1, dtype=np.int64)
    total = _span_offsets(starts, ends, present, len(head), offsets)
    out = np.empty(max(total, 1), dtype=np.uint8)
    _copy_spans(data, starts, offsets, head, out)
    validity = None if present.all() else pa.array(present).buffers()[1]
    return _strings(n, offsets, out, validity)


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8) if text else np.zeros(0, np.uint8)


def _strings(n: int, offsets: np.ndarray, data: np.ndarray, validity) -> pa.Array:
    """A string array (a large one past 2 GiB) over these buffers."""
    if offsets[-1] < 2**31:
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data), validity)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data), validity)


# -- the compiled loops ----------------------------------------------------------------------------
@njit(nogil=True, cache=True)
def _span_offsets(starts, ends, present, extra, offsets):  # pragma: no cover - compiled
    """Fill ``offsets`` with the running lengths of the present spans, each ``extra`` longer; the total."""
    total = 0
    offsets[0] = 0
    for i in range(len(starts)):
        if present[i]:
            total += ends[i] - starts[i] + extra
        offsets[i + 1] = total
    return total


@njit(nogil=True, cache=True)
def _copy_spans(data, starts, offsets, head, out):  # pragma: no cover - compiled
    extra = len(head)
    for i in range(len(starts)):
        at = offsets[i]
        size = offsets[i + 1] - at
        if size == 0:
            continue
        out[at:at + extra] = head
        s = starts[i]
        out[at + extra:at + size] = data[s:s + size - extra]
