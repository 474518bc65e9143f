"""Ledger keys as numpy fixed-width bytes (``S64``): sorted, compared and looked up with no
Python object per key.

A ledger key is a SHA-256 in hex, 64 ASCII characters. A million of them as Python strings
are ~110 MB of small objects (and as a dict or a frozenset ~30-40 MB more), created and freed
at every plan and every send: the server's heap kept much of that memory after the session
let go of it (``bench/README.md``, issue 16). As one ``S64`` array they are 64 MB in one
block, a view of the Arrow array's own buffer when every key is 64 characters wide.

Keys shorter than 64 characters (tests use "k1") are padded with NUL bytes, which sort
before any character and are dropped again when read back; a longer key is refused.

Sorting: numpy sorts ``S64`` a byte string at a time (a million keys: 0.24 s, ``np.unique``
1.5 s); sorting the first eight characters as one big-endian 64-bit word is 0.13 s and gives
the same order whenever no two keys share those characters (for SHA-256 keys, 64 bits of
the hash), which ``order`` checks, falling back to the full sort when two do.

    hexes = as_bytes(prepared.keys)         # zero copy
    table = sorted_unique(hexes)
    at = find(table, as_bytes(["ab12..."]))  # positions in ``table``, -1 where absent
"""

from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WIDTH = 64
DTYPE = np.dtype(f"S{WIDTH}")


def as_bytes(keys: pa.Array | pa.ChunkedArray | Iterable[str]) -> np.ndarray:
    """Keys as an ``S64`` array: a view of an Arrow string array whose keys are all 64 characters
    (no copy), else a copy; an ``S64`` array as it is. ValueError for a key longer than 64
    characters or not ASCII."""
    if isinstance(keys, np.ndarray) and keys.dtype == DTYPE:
        return keys
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    if isinstance(keys, pa.Array):
        n = len(keys)
        if n == 0:
            return np.zeros(0, DTYPE)
        if keys.null_count:
            raise ValueError("a key is missing")
        if pa.types.is_string(keys.type):
            offsets = np.frombuffer(keys.buffers()[1], np.int32)[keys.offset:keys.offset + n + 1]
            if offsets[-1] - offsets[0] == WIDTH * n and bool((np.diff(offsets) == WIDTH).all()):
                data = np.frombuffer(keys.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
                return data.view(DTYPE)
        if pc.max(pc.binary_length(keys.cast(pa.binary()))).as_py() > WIDTH:
            raise ValueError(f"a key is longer than {WIDTH} characters")
        return np.array(keys.to_pylist(), DTYPE)
    values = list(keys)
    if any(len(k) > WIDTH for k in values):
        raise ValueError(f"a key is longer than {WIDTH} characters")
    return np.array(values, DTYPE) if values else np.zeros(0, DTYPE)


def as_strings(hexes: np.ndarray) -> pa.Array:
    """An ``S64`` array as an Arrow string array: no copy when every key is 64 characters."""
    hexes = np.ascontiguousarray(hexes, DTYPE)
    n = len(hexes)
    if n and bool(hexes.view(np.uint8).reshape(n, WIDTH)[:, -1].all()):
        offsets = np.arange(0, WIDTH * (n + 1), WIDTH, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(hexes))
    return pa.array(list(strings(hexes)), pa.string())


def json_unsafe(data: np.ndarray) -> np.ndarray:
    """Per byte (``uint8``), True where JSON cannot take it between quotes as it is: anything but
    printable ASCII, and the quote and the backslash (comparisons: ~7x a lookup table's speed)."""
    return (data < 0x20) | (data > 0x7E) | (data == 0x22) | (data == 0x5C)


def json_array(hexes: np.ndarray) -> str | None:
    """The keys as one JSON array of strings, ``["ab…", "cd…"]`` without spaces, written from
    their bytes (sqlite's ``json_each`` reads it back a row each, with no Python object per key);
    None unless every key is 64 characters of printable ASCII other than a quote or backslash."""
    n = len(hexes)
    rows = np.ascontiguousarray(hexes, DTYPE).view(np.uint8).reshape(n, WIDTH)
    if not n or bool(json_unsafe(rows).any()):
        return None
    out = np.empty((n, WIDTH + 3), np.uint8)
    out[:, 0] = out[:, WIDTH + 1] = ord('"')
    out[:, 1:WIDTH + 1] = rows
    out[:, WIDTH + 2] = ord(",")
    return "[" + out.tobytes()[:-1].decode("ascii") + "]"


def full_width(hexes: np.ndarray) -> bool:
    """True when every key of an ``S64`` array is 64 characters (a SHA-256 hex), none shorter."""
    return not len(hexes) or bool(np.ascontiguousarray(hexes).view(np.uint8).reshape(-1, WIDTH)[:, -1].all())


def strings(hexes: np.ndarray, *, chunk: int = 10_000) -> Iterator[str]:
    """The keys as Python strings, made a chunk at a time (for the few callers that iterate)."""
    for start in range(0, len(hexes), chunk):
        yield from (b.decode("ascii") for b in hexes[start:start + chunk].tolist())


def prefixes(hexes: np.ndarray) -> np.ndarray:
    """The first eight bytes of each key as one big-endian word (``>u8``): compares as the bytes do."""
    rows = np.ascontiguousarray(hexes, DTYPE).view(np.uint8).reshape(-1, WIDTH)
    return np.ascontiguousarray(rows[:, :8]).view(">u8").reshape(-1)


def order(hexes: np.ndarray) -> np.ndarray:
    """Positions that sort ``hexes`` (stable), by their first eight bytes unless two share them;
    keys already in order (a run's batch) are seen so in one pass, with no sort."""
    if len(hexes) < 2:
        return np.arange(len(hexes))
    words = prefixes(hexes)
    if bool((words[1:] > words[:-1]).all()):
        return np.arange(len(hexes))
    by = np.argsort(words, kind="stable")
    ranked = words[by]
    if bool((ranked[1:] == ranked[:-1]).any()):
        return np.argsort(hexes, kind="stable")
    return by


def sorted_unique(hexes: np.ndarray) -> np.ndarray:
    """The distinct keys, sorted."""
    ranked = np.ascontiguousarray(hexes[order(hexes)], DTYPE)
    if len(ranked) < 2:
        return ranked
    keep = np.concatenate(([True], ranked[1:] != ranked[:-1]))
    return ranked if keep.all() else ranked[keep]


def find(table: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` sits in the sorted ``table`` (int64), -1 where it is not there."""
    if not len(table):
        return np.full(len(wanted), -1, np.int64)
    at = np.searchsorted(table, wanted).astype(np.int64)
    inside = at < len(table)
    hit = np.zeros(len(wanted), bool)
    hit[inside] = table[at[inside]] == wanted[inside]
    at[~hit] = -1
    return at


def meets(wanted: np.ndarray, words: np.ndarray) -> bool:
    """Whether any of the sorted words ``wanted`` is among the sorted ``words`` (``prefixes`` of two
    key arrays: no key of one is in the other unless this is True)."""
    if not len(wanted) or not len(words):
        return False
    at = np.searchsorted(words, wanted)
    inside = at < len(words)
    return bool((words[at[inside]] == wanted[inside]).any())


def isin(hexes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """True where a key of ``hexes`` is in the sorted ``table``."""
    return find(table, hexes) >= 0


class Index:
    """Where each key sits in an ``S64`` array left in its own order (a prepared table's keys):
    the keys' first eight bytes sorted, and their positions, 16 bytes a key (a dict of a million
    keys to rows was ~200 MB of Python objects). A lookup is a binary search on those words,
    then a compare of the whole key; keys sharing their first eight bytes are walked."""

    def __init__(self, hexes: np.ndarray) -> None:
        self.hexes = np.ascontiguousarray(hexes, DTYPE)
        self.by = order(self.hexes)
        self.prefixes = prefixes(self.hexes)[self.by]

    def in_order(self) -> np.ndarray:
        """The keys sorted (``S64``), taken in the index's order: no sort again."""
        return self.hexes[self.by]

    def find(self, wanted: np.ndarray) -> np.ndarray:
        """Positions in the array of each wanted key (int64), -1 where it is not there."""
        n = len(self.hexes)
        out = np.full(len(wanted), -1, np.int64)
        if not n or not len(wanted):
            return out
        words = prefixes(wanted)
        at = np.searchsorted(self.prefixes, words)
        inside = at < n
        near = np.zeros(len(wanted), bool)
        near[inside] = self.prefixes[at[inside]] == words[inside]
        candidates = self.by[at[near]]
        hit = self.hexes[candidates] == wanted[near]
        out[np.flatnonzero(near)[hit]] = candidates[hit]
        for i in np.flatnonzero(near)[~hit]:  # a shared first eight bytes: walk the equal words
            j = at[i] + 1
            while j < n and self.prefixes[j] == words[i]:
                if self.hexes[self.by[j]] == wanted[i]:
                    out[i] = self.by[j]
                    break
                j += 1
        return out
