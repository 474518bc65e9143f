"""The overlap arithmetic: pairs, shares, Venn regions, from hashed keys only."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from linkedin.insights.overlap import MAX_SEGMENTS, TooManySegments, compute, fingerprints


def key(n: int) -> str:
    return hashlib.sha256(f"member-{n}".encode()).hexdigest()


def keys(numbers) -> list[str]:
    return [key(n) for n in numbers]


def test_three_segments_count_every_pair_and_their_own_size():
    found = compute({"A": keys(range(0, 100)), "B": keys(range(50, 200)), "C": keys(range(1000, 1010))})
    assert found.labels == ("A", "B", "C")
    assert found.counts.tolist() == [[100, 50, 0], [50, 150, 0], [0, 0, 10]]
    assert found.frame().equals(pd.DataFrame([[100, 50, 0], [50, 150, 0], [0, 0, 10]], index=list("ABC"),
                                             columns=list("ABC")))


def test_shares_are_of_the_row_segment_and_venn_regions_add_up():
    found = compute({"A": keys(range(0, 100)), "B": keys(range(50, 200))})
    assert found.shares().tolist() == [[1.0, 0.5], [50 / 150, 1.0]]
    assert found.venn() == {"only_a": 50, "both": 50, "only_b": 100}
    pair = found.pairs().iloc[0].to_dict()
    assert pair == {"segment_a": "A", "segment_b": "B", "size_a": 100, "size_b": 150, "shared": 50, "share_of_a": 0.5,
                    "share_of_b": 50 / 150, "jaccard": 50 / 200}


def test_a_key_repeated_within_a_segment_counts_once_and_empty_segments_are_zero():
    found = compute({"A": keys([1, 1, 2]), "B": [], "C": keys([2, 3])})
    assert found.counts.tolist() == [[2, 0, 1], [0, 0, 0], [1, 0, 2]]
    assert found.shares()[1].tolist() == [0.0, 0.0, 0.0]


def test_nothing_at_all_is_an_all_zero_matrix():
    assert compute({"A": [], "B": []}).counts.tolist() == [[0, 0], [0, 0]]
    assert compute({}).counts.shape == (0, 0)


def test_twenty_segments_agree_with_python_sets():
    rng = np.random.default_rng(3)
    sets = {f"S{i}": set(rng.choice(5000, size=rng.integers(0, 800), replace=False).tolist()) for i in range(MAX_SEGMENTS)}
    found = compute({label: keys(sorted(s)) for label, s in sets.items()})
    expected = [[len(a & b) for b in sets.values()] for a in sets.values()]
    assert found.counts.tolist() == expected


def test_more_than_twenty_segments_is_refused_in_words():
    with pytest.raises(TooManySegments, match="up to 20 segments at once; 21 were chosen"):
        compute({f"S{i}": [] for i in range(21)})


def test_fingerprints_take_s64_arrays_and_strings_alike():
    as_text = keys(range(5))
    assert fingerprints(as_text).tolist() == fingerprints(np.array(as_text, dtype="S64")).tolist()
    assert len(set(fingerprints(as_text).tolist())) == 5
