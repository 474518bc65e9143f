"""The sandbox's pure Rest.li 2.0 query decoder, table-driven (the inverse of linkedin.api.restli)."""

from __future__ import annotations

import pytest

from linkedin.api import restli
from linkedin.sandbox.restli_query import DecodeError, decode, leaf, raw_params


@pytest.mark.parametrize("raw, value", [
    ("urn%3Ali%3AsponsoredAccount%3A123", "urn:li:sponsoredAccount:123"),
    ("urn:li:sponsoredAccount:123", "urn:li:sponsoredAccount:123"),  # bare URN, as Airbyte sends
    ("List(urn%3Ali%3AsponsoredAccount%3A1)", ["urn:li:sponsoredAccount:1"]),
    ("List(urn%3Ali%3AsponsoredAccount%3A1,urn%3Ali%3AsponsoredAccount%3A2)",
     ["urn:li:sponsoredAccount:1", "urn:li:sponsoredAccount:2"]),
    ("List()", []),
    ("()", {}),
    ("(status:(values:List(ACTIVE,DRAFT)))", {"status": {"values": ["ACTIVE", "DRAFT"]}}),
    ("(k2:urn%3Ali%3Aapp%3A123,k3:List(1,2))", {"k2": "urn:li:app:123", "k3": ["1", "2"]}),
    ("(test:false,name:(values:List(Brand%20US)))", {"test": "false", "name": {"values": ["Brand US"]}}),
    ("(k:urn:li:x:1)", {"k": "urn:li:x:1"}),  # raw colons in a record value
    ("List((a:1),(a:2))", [{"a": "1"}, {"a": "2"}]),
    ("Brand+US", "Brand US"),
    ("a%2Bb", "a+b"),
    ("%28not%20structure%29", "(not structure)"),
    ("List(a%2Cb)", ["a,b"]),
    ("", ""),
    ("Listing", "Listing"),
    ("(k:)", {"k": ""}),
])
def test_decode(raw, value):
    assert decode(raw) == value


@pytest.mark.parametrize("raw", [
    "List(a", "(a:1", "(a)", "(a:1,a:2)", "(:1)", "List(a)b", "a)", "a(b)", "(a:1)x", "List(a,,b", "((a:1))",
    "%ff", "(%ff:1)", "List(%C3)",
])
def test_decode_rejects_bad_syntax(raw):
    with pytest.raises(DecodeError):
        decode(raw)


@pytest.mark.parametrize("value", [
    "urn:li:sponsoredAccount:123",
    ["urn:li:sponsoredAccount:1", "urn:li:sponsoredAccount:2"],
    {"status": {"values": ["ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED"]}},
    {"k": "a value, with (parens): and 100% of it"},
    {"nested": {"list": [{"x": "y"}, "z"]}},
])
def test_round_trip_with_our_encoder(value):
    assert decode(restli.encode(value)) == value


def test_leaf_and_raw_params():
    params = raw_params(b"q=search&search=(status:(values:List(ACTIVE)))&account=urn%3Ali%3A1&q2=&flag")
    assert params == {"q": ["search"], "search": ["(status:(values:List(ACTIVE)))"], "account": ["urn%3Ali%3A1"],
                      "q2": [""], "flag": [""]}
    assert leaf("urn%3Ali%3A1") == "urn:li:1"
    with pytest.raises(DecodeError):
        leaf("List(1)")
