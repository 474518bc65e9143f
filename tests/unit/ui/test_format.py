import pytest

from ui.format import countdown, when


@pytest.mark.parametrize(
    "seconds, text",
    [
        (5184000, "in 60 days 0 h"),
        (86400 + 3600 * 5 + 7, "in 1 day 5 h"),
        (3 * 3600 + 120, "in 3 h 2 min"),
        (65, "in 1 min 5 s"),
        (9, "in 9 s"),
        (-180, "expired 3 min 0 s ago"),
    ],
)
def test_countdown(seconds, text):
    assert countdown(seconds) == text


def test_when_uses_the_viewers_zone_and_survives_bad_zones():
    assert when(0, "UTC") == "1970-01-01 00:00:00 UTC"
    assert when(0, "Europe/Paris") == "1970-01-01 01:00:00 CET"
    assert when(0, "Not/AZone") == "1970-01-01 00:00:00 UTC"
    assert when(None) == "unknown"


def test_plain_shows_outside_text_as_it_is_in_markdown():
    from ui.format import plain

    assert plain('Scope "rw_dmp_segments" [x](http://e) ![i](y) <b>b</b> :red[z] $x$\n:material/home:') == (
        'Scope "rw\\_dmp\\_segments" \\[x\\]\\(http\\:\u2060//e\\) \\!\\[i\\]\\(y\\) \\<b\\>b\\</b\\> \\:\u2060red\\[z\\] '
        '\\$x\\$ \\:\u2060material/home\\:'
    )


def test_plain_keeps_bare_addresses_icons_and_emoji_from_acting():
    from ui.format import JOINER, inert, plain

    assert inert("see https://evil.example, WWW.evil.example or a@evil.example") == (
        f"see https:{JOINER}//evil.example, WWW{JOINER}.evil.example or a@{JOINER}evil.example")
    assert inert(":material/home: :smile: :+1: 10:30 a: b:") == (
        f":{JOINER}material/home: :{JOINER}smile: :{JOINER}+1: 10:{JOINER}30 a: b:")
    assert inert("www1.example") == "www1.example"
    assert plain("mail a@b.example") == f"mail a@{JOINER}b\\.example"


@pytest.mark.parametrize("text", ["`", "a`b", "``x``", "<img src=x>", "[x](http://e)"])
def test_code_shows_any_text_as_one_code_span(text):
    from ui.format import code

    span = code(text)
    fence = span[: len(span) - len(span.lstrip("`"))]
    assert span.endswith(fence) and fence not in span[len(fence):-len(fence)]
    inner = span[len(fence):-len(fence)]
    assert (inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") and inner.strip() else inner) == text
