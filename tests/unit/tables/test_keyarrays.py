import hashlib
import json

import numpy as np
import pyarrow as pa
import pytest

from linkedin.tables import keyarrays


def hexes(*words: str) -> list[str]:
    return [hashlib.sha256(w.encode()).hexdigest() for w in words]


def test_a_string_array_of_64_character_keys_is_viewed_without_a_copy():
    keys = pa.array(hexes("a", "b", "c"))
    viewed = keyarrays.as_bytes(keys)
    assert viewed.dtype == np.dtype("S64") and not viewed.flags.owndata
    assert viewed.tolist() == [k.encode() for k in hexes("a", "b", "c")]
    assert keyarrays.as_bytes(keys.slice(1)).tolist() == [k.encode() for k in hexes("b", "c")]


def test_short_keys_are_padded_and_read_back_as_given_and_long_ones_refused():
    assert list(keyarrays.strings(keyarrays.as_bytes(pa.array(["k1", "legacy"])))) == ["k1", "legacy"]
    assert keyarrays.as_strings(keyarrays.as_bytes(["k1", "b"])).to_pylist() == ["k1", "b"]
    with pytest.raises(ValueError, match="longer than 64"):
        keyarrays.as_bytes(["x" * 65])


def test_sorted_unique_sorts_as_python_sorts_strings_and_drops_repeats():
    words = hexes(*map(str, range(200))) + ["k2", "k10", "k1"] + hexes("7")
    assert list(keyarrays.strings(keyarrays.sorted_unique(keyarrays.as_bytes(words)))) == sorted(set(words))


def test_keys_sharing_their_first_eight_characters_still_sort_and_are_found():
    shared = ["abcdefgh" + s for s in ("z", "b", "", "a")] + ["abcdefg", "b"]
    assert list(keyarrays.strings(keyarrays.sorted_unique(keyarrays.as_bytes(shared)))) == sorted(shared)
    index = keyarrays.Index(keyarrays.as_bytes(shared))
    wanted = keyarrays.as_bytes(["abcdefgha", "abcdefgh", "abcdefghz", "abcdefghq", "b", "c"])
    assert index.find(wanted).tolist() == [3, 2, 0, -1, 5, -1]
    assert list(keyarrays.strings(index.in_order())) == sorted(shared)


def test_an_index_finds_each_key_in_the_arrays_own_order():
    keys = hexes(*map(str, range(1000)))
    index = keyarrays.Index(keyarrays.as_bytes(pa.array(keys)))
    wanted = [keys[7], hexes("absent")[0], keys[999], keys[0]]
    assert index.find(keyarrays.as_bytes(wanted)).tolist() == [7, -1, 999, 0]
    assert list(keyarrays.strings(index.in_order())) == sorted(keys)
    assert keyarrays.Index(keyarrays.as_bytes([])).find(keyarrays.as_bytes(["a"])).tolist() == [-1]


def test_isin_says_which_keys_a_sorted_table_holds():
    table = keyarrays.sorted_unique(keyarrays.as_bytes(["b", "d"]))
    assert keyarrays.isin(keyarrays.as_bytes(["a", "b", "c", "d", "e"]), table).tolist() == [
        False, True, False, True, False]


def test_a_json_array_is_written_only_of_64_character_keys_with_nothing_to_escape():
    keys = hexes("a", "b")
    assert json.loads(keyarrays.json_array(keyarrays.as_bytes(keys))) == keys
    assert keyarrays.json_array(keyarrays.as_bytes(["k1"])) is None
    assert keyarrays.json_array(keyarrays.as_bytes(['"' * 64])) is None
    assert keyarrays.json_array(keyarrays.as_bytes([])) is None
