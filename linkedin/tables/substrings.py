"""Substrings: parts of the values of a string column (spans), searched and cut out without copying the column.

A span is a pair of byte positions (start, end) in a column's data buffer, inside one row's
value. ``urls`` narrows each value to its host, slug or organization id by moving the two ends
with numpy, asks where a character is (``Column.find``) or what a pyarrow kernel says of each
span (``Column.apply``), and finally copies the spans out as a string column (``Column.gather``).

The trick ``apply`` and ``gather`` share (``Column._view``): spans taken from successive rows lie
in order in the buffer, so the offsets ``start0, end0, start1, end1, ...`` describe a valid Arrow
string array over the very same bytes, whose even elements are the spans. Its odd elements (the
bytes between two spans) are marked null, so kernels skip them. Building it costs two integers a
span and no copy; ``gather`` copies each span once, with ``take``, and spreads them back over the
rows with new offsets (the bytes are not copied again).

Why: Arrow has no kernel that takes a different slice of every value, and cutting with splits,
regex captures or masked replaces copies the column at every step. Measured on the benchmark's
million websites (2 cores): ``take`` of the spans 11 ms and a kernel over them ~10 ms, where
``extract_regex`` of the host alone costs 420 ms and ``split_pattern`` 31 ms a cut.

Positions are absolute (in the data buffer), in the dtype of the column's offsets (int32 for a
string column, int64 for a large one). Every span given must lie inside its row's value and the
spans must come in row order (``ends[i] <= starts[i + 1]``). Nothing here knows URLs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class Column:
    """A string or large string array seen as bytes: row ``i``'s value is
    ``data[offsets[i]:offsets[i + 1]]`` where ``valid[i]`` (nothing copied)."""

    def __init__(self, values: pa.Array):
        if pa.types.is_string(values.type):
            width, kind = 4, np.int32
        elif pa.types.is_large_string(values.type):
            width, kind = 8, np.int64
        else:
            raise TypeError(f"expected a string array, not {values.type}")
        _, offsets, data = values.buffers()
        n = len(values)
        self.values = values
        self.offsets = np.frombuffer(offsets, dtype=kind, count=n + 1, offset=values.offset * width) if n \
            else np.zeros(1, kind)
        self.data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
        self.valid = values.is_valid().to_numpy(zero_copy_only=False) if values.null_count else np.ones(n, bool)
        self._counts: dict[int, int] = {}  # how many times the column holds a byte (``find`` asks again)
        self._positions: dict[int, np.ndarray] = {}  # where it holds a rare byte

    @property
    def bytes(self) -> np.ndarray:
        """The bytes of the values, from the first row's to the last's."""
        return self.data[self.offsets[0]:self.offsets[-1]]

    def ascii_only(self) -> bool:
        """Whether no value holds a non-ASCII character (one numpy pass over the bytes)."""
        return not len(self.bytes) or int(self.bytes.max()) < 0x80

    def find(self, starts: np.ndarray, ends: np.ndarray, pattern: str) -> np.ndarray:
        """Where ``pattern`` first occurs in each span (absolute), -1 where it does not.

        Two ways to the same answer, chosen for speed. A pattern whose first byte the column
        holds less than half as many times as there are spans is found with numpy: its positions
        in the whole buffer, then a binary search per span (``@`` in a million websites: 2 ms,
        where ``find_substring`` scans every span to its end, 25 ms). A common one is found by
        ``find_substring`` over the spans (``/``: 11 ms; numpy would need 12 ms only to list the
        positions, and as much again to search them)."""
        if not len(starts):
            return np.zeros(0, self.offsets.dtype)
        needle = pattern.encode()
        if needle[0] not in self._counts:
            self._counts[needle[0]] = int(np.count_nonzero(self.bytes == needle[0]))
        if 2 * self._counts[needle[0]] >= len(starts):
            at = self.apply(starts, ends, lambda v: pc.find_substring(v, pattern))
            return np.where(at >= 0, starts + at, -1).astype(starts.dtype, copy=False)
        if needle[0] not in self._positions:
            self._positions[needle[0]] = np.flatnonzero(self.bytes == needle[0]).astype(starts.dtype) + self.offsets[0]
        found = self._positions[needle[0]]
        for k, byte in enumerate(needle[1:], start=1):  # the rest of the pattern follows
            found = found[found + k < self.offsets[-1]]
            found = found[self.data[found + k] == byte]
        if not len(found):
            return np.full(len(starts), -1, dtype=starts.dtype)
        next_one = np.searchsorted(found, starts)  # the first occurrence at or after each start
        at = found[np.minimum(next_one, len(found) - 1)]
        inside = (next_one < len(found)) & (at + len(needle) <= ends)
        return np.where(inside, at, -1).astype(starts.dtype, copy=False)

    def find_any(self, starts: np.ndarray, ends: np.ndarray, chars: str) -> np.ndarray:
        """Where the first of ``chars`` occurs in each span, -1 where none does: one ``find`` a
        character (cheaper than a regex's ``[...]`` search, ~60 ns a value)."""
        first = np.full(len(starts), -1, dtype=starts.dtype)
        for char in chars:
            at = self.find(starts, ends, char)
            first = np.where((at >= 0) & ((first < 0) | (at < first)), at, first)
        return first

    def past(self, starts: np.ndarray, ends: np.ndarray, chars: str) -> np.ndarray:
        """Where each span's leading run of ``chars`` (ASCII) ends: its first other byte, or its end."""
        return ends - self.apply(starts, ends, lambda v: pc.binary_length(pc.ascii_ltrim(v, chars)))

    def only(self, starts: np.ndarray, ends: np.ndarray, chars: str) -> np.ndarray:
        """Whether each span holds nothing but ``chars`` (ASCII; an empty span does): trimming
        them leaves nothing (5x cheaper than a regex ``^[...]*$``)."""
        return self.apply(starts, ends, lambda v: pc.binary_length(pc.ascii_trim(v, chars))) == 0

    def apply(self, starts: np.ndarray, ends: np.ndarray, kernel: Callable[[pa.Array], pa.Array]) -> np.ndarray:
        """``kernel`` applied to each span, as numpy: a pyarrow function giving one number or bool
        a string (``pc.ascii_is_decimal``, ``pc.find_substring``...; nulls in, nulls out)."""
        if not len(starts):
            return np.zeros(0, bool)
        return _even(kernel(self._view(starts, ends)))

    def gather(self, starts: np.ndarray, ends: np.ndarray, present: np.ndarray, prefix: str = "") -> pa.Array:
        """A string array of ``prefix`` + each row's span where ``present``, null elsewhere (a large
        string array past 2 GiB). Only the present rows' spans are read, and copied once."""
        n = len(starts)
        if not prefix and self._whole_values(starts, ends, present):
            return self.values  # nothing was cut: no copy
        rows = np.flatnonzero(present)
        if not len(rows):
            return pa.nulls(n, pa.string())
        size = int(np.sum(ends[rows] - starts[rows], dtype=np.int64)) + len(prefix.encode()) * len(rows)
        wanted = pa.string() if size < 2**31 else pa.large_string()
        taken = self._view(starts[rows], ends[rows]).take(pa.array(np.arange(0, 2 * len(rows), 2, dtype=np.int64)))
        if taken.type != wanted:
            taken = taken.cast(wanted)
        if prefix:
            taken = pc.utf8_replace_slice(taken, 0, 0, prefix)  # 3x cheaper than a join
        if len(rows) == n:
            return taken
        # the absent rows become nulls of no length between the taken values: new offsets, same bytes
        kind = np.int32 if wanted == pa.string() else np.int64
        _, taken_offsets, data = taken.buffers()
        lengths = np.zeros(n, dtype=kind)
        lengths[rows] = np.diff(np.frombuffer(taken_offsets, dtype=kind, count=len(rows) + 1))
        offsets = np.zeros(n + 1, dtype=kind)
        np.cumsum(lengths, out=offsets[1:])
        cls = pa.StringArray if wanted == pa.string() else pa.LargeStringArray
        return cls.from_buffers(n, pa.py_buffer(offsets), data, pa.py_buffer(np.packbits(present, bitorder="little")))

    def _whole_values(self, starts: np.ndarray, ends: np.ndarray, present: np.ndarray) -> bool:
        """Whether the spans of the present rows are the whole values, and the present rows the valid ones."""
        return self.values.type == pa.string() and np.array_equal(present, self.valid) \
            and bool(np.all(((starts == self.offsets[:-1]) & (ends == self.offsets[1:])) | ~present))

    def _view(self, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
        """The array of ``2 * len(starts) - 1`` elements over the column's bytes whose element
        ``2i`` is span ``i`` and whose odd elements are null (the module docstring says why)."""
        large = pa.types.is_large_string(self.values.type)
        offsets = np.empty(2 * len(starts), dtype=np.int64 if large else np.int32)
        offsets[0::2] = starts
        offsets[1::2] = ends
        count = len(offsets) - 1
        valid = np.full((count + 7) // 8, 0b01010101, dtype=np.uint8)  # even elements only
        data = self.values.buffers()[2] or pa.py_buffer(b"")
        cls = pa.LargeStringArray if large else pa.StringArray
        return cls.from_buffers(count, pa.py_buffer(offsets), data, pa.py_buffer(valid))


def _even(result: pa.Array) -> np.ndarray:
    """The even elements of a kernel's answer on a ``_view``, as numpy (read from the buffer: the
    odd elements are null, and ``to_numpy`` would make floats or objects of the whole array)."""
    buf, n, offset = result.buffers()[1], len(result), result.offset
    if pa.types.is_boolean(result.type):
        bits = np.unpackbits(np.frombuffer(buf, np.uint8), bitorder="little")
        return bits[offset:offset + n:2].astype(bool)
    kind = result.type.to_pandas_dtype()
    return np.frombuffer(buf, dtype=kind, count=offset + n)[offset::2]
