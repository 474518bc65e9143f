"""digests.sha256_hexes: DuckDB's column hashing gives exactly hashlib's digests, in order."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pytest

from linkedin.tables import digests


def _hashlib(values):
    return [hashlib.sha256(v.encode()).hexdigest().encode() for v in values]


# Enough values to go through DuckDB, and a few to go through hashlib: both paths agree.
SIZES = [3, digests.SMALL + 1, 50_000]


@pytest.mark.parametrize("n", SIZES)
def test_digests_equal_hashlib_in_order(n):
    values = [f"user{i}@example{i % 7}.com" for i in range(n)]
    values[0] = "testing@testing.com"  # linkedin-api.md §6
    out = digests.sha256_hexes(pa.array(values))
    assert out.dtype == np.dtype("S64")
    assert out.tolist() == _hashlib(values)
    assert out[0] == b"584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c777"


@pytest.mark.parametrize("n", SIZES)
def test_unicode_nul_and_empty_strings_hash_as_their_utf8_bytes(n):
    odd = ["", "é", "a\x00b", "名前@例え.jp", "\U0001f600", " spaced "]
    values = (odd * (n // len(odd) + 1))[:max(n, len(odd))]
    assert digests.sha256_hexes(pa.array(values)).tolist() == _hashlib(values)


@pytest.mark.parametrize("n", SIZES)
def test_where_and_hashed(n):
    values = [f"v{i}" for i in range(n)]
    where = np.array([i % 3 != 0 for i in range(n)])
    hashed = np.zeros(n, dtype=bool)
    for i in range(1, n, 5):  # already a digest: passes through
        values[i] = hashlib.sha256(f"pre{i}".encode()).hexdigest()
        hashed[i] = True
    out = digests.sha256_hexes(pa.array(values), where=where, hashed=hashed)
    expected = [values[i].encode() if hashed[i] else hashlib.sha256(values[i].encode()).hexdigest().encode()
                for i in range(n) if where[i]]
    assert out.tolist() == expected


@pytest.mark.parametrize("n", SIZES)
def test_a_value_per_row_from_several_columns_with_prefixes(n):
    emails = [f"e{i}@x.com" if i % 4 else None for i in range(n)]
    ids = [f"{i:032x}" if i % 4 == 0 else None for i in range(n)]
    names = [f"a\tb{i}" for i in range(n)]
    choice = np.array([1 if i % 4 == 0 else (0 if i % 7 else 2) for i in range(n)], dtype=np.int8)
    choice[::13] = -1  # not matched: skipped
    hashed = np.zeros(n, dtype=bool)
    for i in range(5, n, 28):  # choice 0 there: a pre-hashed email in the email column
        emails[i] = hashlib.sha256(f"pre{i}".encode()).hexdigest()
        hashed[i] = choice[i] == 0
    columns = [pa.array(emails, pa.string()), pa.array(ids, pa.string()), pa.array(names)]
    out = digests.sha256_choice(columns, choice, prefixes=["", "GOOGLE_AID:", "NAME:"], hashed=hashed)
    expected = []
    for i in range(n):
        if choice[i] < 0:
            continue
        value = [emails[i], "GOOGLE_AID:" + (ids[i] or ""), "NAME:" + names[i]][choice[i]]
        expected.append(value.encode() if hashed[i] else hashlib.sha256(value.encode()).hexdigest().encode())
    assert out.tolist() == expected


def test_a_prefix_is_a_literal_whatever_it_holds():
    values = [f"x{i}" for i in range(digests.SMALL + 10)]
    out = digests.sha256_choice([pa.array(values)], np.zeros(len(values), np.int8), prefixes=["it's || 'x' --"])
    assert out.tolist() == _hashlib(["it's || 'x' --" + v for v in values])


@pytest.mark.parametrize("n", SIZES)
def test_a_null_among_the_values_taken_is_refused(n):
    values = [f"v{i}" for i in range(n)]
    values[-1] = None
    with pytest.raises(ValueError, match="empty cells"):
        digests.sha256_hexes(pa.array(values, pa.string()))
    where = np.ones(n, dtype=bool)
    where[-1] = False  # the null is not taken: fine
    assert len(digests.sha256_hexes(pa.array(values, pa.string()), where=where)) == n - 1


@pytest.mark.parametrize("n", SIZES)
def test_a_value_marked_hashed_must_be_a_digest(n):
    values = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)]
    values[1] = "not-a-digest"
    with pytest.raises(ValueError, match="64 hex digits"):
        digests.sha256_hexes(pa.array(values), hashed=np.ones(n, dtype=bool))


def test_nothing_to_hash():
    assert digests.sha256_hexes(pa.array([], pa.string())).tolist() == []
    assert digests.sha256_hexes(pa.array(["a", "b"]), where=np.zeros(2, dtype=bool)).tolist() == []


def test_chunked_and_large_string_columns():
    values = [f"x{i}" for i in range(5000)]
    chunked = pa.chunked_array([values[:100], values[100:]])
    assert digests.sha256_hexes(chunked).tolist() == _hashlib(values)
    assert digests.sha256_hexes(pa.array(values, pa.large_string())).tolist() == _hashlib(values)


def test_threads_hash_at_once():
    from concurrent.futures import ThreadPoolExecutor

    columns = [[f"t{t}-{i}" for i in range(20_000)] for t in range(4)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda v: digests.sha256_hexes(pa.array(v)).tolist(), columns))
    assert results == [_hashlib(v) for v in columns]


@pytest.mark.parametrize("n", SIZES)
def test_drop_cuts_characters_before_the_prefix(n):
    urns = [f"urn:li:organization:{i}" for i in range(n)]
    urns[0] = "urn:li:organization:名前"  # characters after the cut may be anything
    out = digests.sha256_choice([pa.array(urns)], np.zeros(n, np.int8), prefixes=["ORGANIZATION:"],
                                drops=[len("urn:li:organization:")])
    assert out.tolist() == _hashlib(["ORGANIZATION:" + u[len("urn:li:organization:"):] for u in urns])
