"""Table-driven Rest.li 2.0 encoding (cases from LinkedIn's own client's encoder tests)."""

import pytest

from linkedin.api import restli


@pytest.mark.parametrize(
    "value, expected",
    [
        ("urn:li:sponsoredAccount:123", "urn%3Ali%3AsponsoredAccount%3A123"),
        ("a b,c", "a%20b%2Cc"),
        (123, "123"),
        (True, "true"),
        (False, "false"),
        ([1, 2], "List(1,2)"),
        ([], "List()"),
        ({"k2": "urn:li:app:123", "k3": [1, 2]}, "(k2:urn%3Ali%3Aapp%3A123,k3:List(1,2))"),
        ({"status": {"values": ["ACTIVE", "DRAFT"]}}, "(status:(values:List(ACTIVE,DRAFT)))"),
        (["urn:li:sponsoredAccount:1"], "List(urn%3Ali%3AsponsoredAccount%3A1)"),
        ("(x)", "%28x%29"),
    ],
)
def test_encode(value, expected):
    assert restli.encode(value) == expected


def test_query_keeps_fields_raw_and_drops_none():
    q = restli.query({"q": "search", "fields": "id,name", "skip": None, "account": "urn:li:x:1"})
    assert q == "q=search&fields=id,name&account=urn%3Ali%3Ax%3A1"


def test_urn_round_trip():
    assert restli.urn("sponsoredAccount", 42) == "urn:li:sponsoredAccount:42"
    assert restli.urn_id("urn:li:sponsoredAccount:42") == "42"
