"""Overlap of segments: how many members the app sent to two segments, by hashed ledger key.

Nothing raw is needed and nothing is sent: the ledger holds, per segment, the SHA-256 key
of every member LinkedIn accepted (``sync.ledger``). Two segments share a member when they
share a key. This counts what the app sent, not LinkedIn's matched audiences (LinkedIn
reports no overlap), and a segment fed by another tool has no keys here.

How it is counted (``compute``): each key becomes a 64-bit fingerprint of its first 16
hex digits (64 bits of the hash; a false match among 2 million keys has odds near 1e-7);
all fingerprints are sorted once, equal ones are adjacent, and each distinct key gets a
bit mask of the segments holding it (the OR of their bits, so a key repeated within a
segment counts once). The matrix is then the masks' counts (``np.bincount``) times the outer product
of their bits: one sort for all pairs instead of one per pair. 20 segments x 100,000 keys
take about 0.33 s from ``S64`` arrays on the 2-core bench machine (bench/overlap.py,
bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

MAX_SEGMENTS = 20  # a matrix an analyst can read, and masks that fit np.bincount's bins


class TooManySegments(ValueError):
    """More segments than the matrix shows."""


@dataclass(frozen=True)
class Overlap:
    """Shared keys of every pair of segments; the diagonal holds each segment's own count."""

    labels: tuple[str, ...]
    counts: np.ndarray  # (n, n) int64: counts[i, j] = keys in both i and j

    @property
    def sizes(self) -> np.ndarray:
        return np.diag(self.counts)

    def shares(self) -> np.ndarray:
        """shares[i, j]: the part of segment i's keys that are also in j (0 when i is empty)."""
        sizes = self.sizes.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(sizes[:, None] > 0, self.counts / sizes[:, None], 0.0)
        return out

    def frame(self) -> pd.DataFrame:
        """The count matrix, segments on both axes."""
        return pd.DataFrame(self.counts, index=list(self.labels), columns=list(self.labels))

    def pairs(self) -> pd.DataFrame:
        """One row per pair: both sizes, shared keys, each side's share, and the union (Jaccard)."""
        rows = []
        shares = self.shares()
        for i in range(len(self.labels)):
            for j in range(i + 1, len(self.labels)):
                both = int(self.counts[i, j])
                union = int(self.counts[i, i] + self.counts[j, j] - both)
                rows.append({"segment_a": self.labels[i], "segment_b": self.labels[j],
                             "size_a": int(self.counts[i, i]), "size_b": int(self.counts[j, j]), "shared": both,
                             "share_of_a": shares[i, j], "share_of_b": shares[j, i],
                             "jaccard": both / union if union else 0.0})
        return pd.DataFrame(rows, columns=["segment_a", "segment_b", "size_a", "size_b", "shared", "share_of_a",
                                           "share_of_b", "jaccard"])

    def venn(self, a: int = 0, b: int = 1) -> dict[str, int]:
        """Two segments as a Venn diagram's three regions."""
        both = int(self.counts[a, b])
        return {"only_a": int(self.counts[a, a]) - both, "both": both, "only_b": int(self.counts[b, b]) - both}


def fingerprints(keys: Sequence[str] | np.ndarray) -> np.ndarray:
    """64-bit fingerprints of 64-hex-digit keys (``S64`` arrays or strings)."""
    arr = np.asarray(keys, dtype="S64") if not (isinstance(keys, np.ndarray) and keys.dtype == "S64") else keys
    if not len(arr):
        return np.zeros(0, dtype=np.uint64)
    words = np.ascontiguousarray(np.ascontiguousarray(arr).view(np.uint8).reshape(-1, 64)[:, :16]).view(np.uint64)
    return words[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ words[:, 1]


def compute(keys: Mapping[str, Iterable[str] | np.ndarray]) -> Overlap:
    """The overlap of up to ``MAX_SEGMENTS`` segments given as label -> their ledger keys."""
    labels = tuple(keys)
    if len(labels) > MAX_SEGMENTS:
        raise TooManySegments(f"The overlap shows up to {MAX_SEGMENTS} segments at once; {len(labels)} were chosen.")
    n = len(labels)
    prints = [fingerprints(k if isinstance(k, np.ndarray) else list(k)) for k in keys.values()]
    if n == 0 or not sum(len(p) for p in prints):
        return Overlap(labels, np.zeros((n, n), dtype=np.int64))
    values = np.concatenate(prints)
    bits = np.concatenate([np.full(len(p), 1 << i, dtype=np.int64) for i, p in enumerate(prints)])
    order = np.argsort(values, kind="stable")
    values, bits = values[order], bits[order]
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    masks = np.bitwise_or.reduceat(bits, starts)  # a key repeated within one segment counts once
    tally = np.bincount(masks, minlength=1)
    present = np.flatnonzero(tally)
    member = ((present[:, None] >> np.arange(n)) & 1).astype(np.int64)  # (distinct masks, n)
    counts = (member * tally[present][:, None]).T @ member
    return Overlap(labels, counts)


def of_segments(ledger, segments: Mapping[str, int | str]) -> Overlap:
    """The overlap of segments (label -> segment id) from a ``sync.ledger.Ledger``."""
    return compute({label: ledger.key_bytes(seg_id) for label, seg_id in segments.items()})  # sorted S64, no strings
