"""A sync's plan: what it would add, remove and leave alone, as sorted arrays of ledger keys.

``Ledger.plan`` makes one from the ledger and a table's keys; the front doors show it before
anything is sent, and the sender writes its keys down as the run's items. A plan of a million
keys holds a few ``S64`` arrays (``tables.keyarrays``), not a million Python strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa

from linkedin.tables import keyarrays


class Keys:
    """A set of ledger keys, held sorted in one ``S64`` array (``tables.keyarrays``): a plan of a
    million keys holds a few arrays, not a million Python strings in frozensets. Sized, iterable
    (strings, in order) and comparable with a set; ``hexes`` and ``arrow()`` for columnar code."""

    __slots__ = ("hexes",)

    def __init__(self, keys: "Keys | pa.Array | Iterable[str]" = ()) -> None:
        if isinstance(keys, Keys):
            self.hexes = keys.hexes
        else:
            self.hexes = keyarrays.sorted_unique(keyarrays.as_bytes(keys))

    @classmethod
    def of_sorted(cls, hexes: np.ndarray) -> "Keys":
        """Keys already sorted and distinct (a part of another ``Keys``): no sort again."""
        made = cls.__new__(cls)
        made.hexes = hexes
        return made

    def __len__(self) -> int:
        return len(self.hexes)

    def __iter__(self) -> Iterator[str]:
        return keyarrays.strings(self.hexes)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and len(key) <= keyarrays.WIDTH and \
            bool(keyarrays.isin(keyarrays.as_bytes([key]), self.hexes)[0])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Keys):
            return bool(np.array_equal(self.hexes, other.hexes))
        if isinstance(other, (set, frozenset)):
            return len(other) == len(self) and frozenset(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Keys({len(self)} keys)"

    def arrow(self) -> pa.Array:
        """The keys as an Arrow string array (no copy for 64-character keys)."""
        return keyarrays.as_strings(self.hexes)

    def chunks(self, size: int) -> Iterator[list[str]]:
        """The keys in order as lists of at most ``size`` strings."""
        for start in range(0, len(self), size):
            yield list(keyarrays.strings(self.hexes[start:start + size]))


@dataclass(frozen=True)
class Plan:
    """What a sync would do, computed from the ledger before anything is sent. ``add``,
    ``remove`` and ``unchanged`` are ``Keys`` (any iterable of keys given is made one)."""

    mode: str
    add: Keys
    remove: Keys
    unchanged: Keys
    ledger_size: int
    removed_from_ledger: int  # how many of the removes the app had sent itself

    def __post_init__(self) -> None:
        for name in ("add", "remove", "unchanged"):
            if not isinstance(getattr(self, name), Keys):
                object.__setattr__(self, name, Keys(getattr(self, name)))

    @property
    def size_after(self) -> int:
        """Members the app will have sent to the segment once the plan is done."""
        return self.ledger_size + len(self.add) - self.removed_from_ledger

    def summary(self) -> dict[str, int]:
        return {"add": len(self.add), "remove": len(self.remove), "unchanged": len(self.unchanged),
                "in_ledger": self.ledger_size, "after": self.size_after}
