"""The Accept header parser behind GET /v/{token}: RFC 9110 quality values, case, specificity."""
import pytest

from chalicelib.api.negotiation import MediaRange, best_media_type, parse_accept

HTML, JSON = "text/html; charset=utf-8", "application/json; charset=utf-8"
PAGE_OR_JSON = (HTML, JSON)


@pytest.mark.parametrize("accept, chosen", [
    # absent, empty or anything-goes: the server's default (the page)
    (None, "text/html"),
    ("", "text/html"),
    ("*/*", "text/html"),
    ("text/html", "text/html"),
    ("application/json", "application/json"),
    # quality values decide, whatever the order
    ("application/json, text/html;q=0.1", "application/json"),
    ("text/html;q=0.1, application/json", "application/json"),
    ("application/json;q=0.5, text/html;q=0.9", "text/html"),
    ("application/json;q=0.901, text/html;q=0.9", "application/json"),
    # case does not matter, nor spaces around the separators
    ("Application/JSON", "application/json"),
    ("TEXT/HTML ; Q=0.2 , APPLICATION/JSON ; Q=0.3", "application/json"),
    # q=0 refuses a type even when a wildcard would take it
    ("text/html;q=0, */*", "application/json"),
    ("*/*;q=0, application/json", "application/json"),
    ("text/*;q=0, application/*;q=0.1", "application/json"),
    # equal quality: the more specific range wins, then the server's order
    ("application/json, */*", "application/json"),
    ("application/json, text/*", "application/json"),
    ("application/json, text/html", "text/html"),
    ("application/json, text/plain, */*", "application/json"),  # what axios and fetch send
    # a browser's header asks for the page
    ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", "text/html"),
    # parameters must be carried by the offered type to match it
    ("text/html;level=1, application/json;q=0.5", "application/json"),
    ("application/json;charset=UTF-8", "application/json"),
    ("application/json;charset=latin1", None),
])
def test_the_preferred_type_follows_quality_specificity_then_server_order(accept, chosen):
    # GIVEN an Accept header WHEN the page or JSON is offered THEN the client's preference wins
    assert best_media_type(accept, PAGE_OR_JSON) == {"text/html": HTML, "application/json": JSON,
                                                     None: None}[chosen]


@pytest.mark.parametrize("accept", ["image/png", "text/html;q=0", "text/html;q=0, application/json;q=0",
                                    "application/xml, text/plain"])
def test_nothing_acceptable_is_none(accept):
    # GIVEN a client that accepts neither offered type THEN the caller decides (no guess here)
    assert best_media_type(accept, PAGE_OR_JSON) is None


@pytest.mark.parametrize("accept", ["garbage", "text", "/json", ";q=1", "text/html;q=2",
                                    "text/html;q=0.1234", "text/html;q=abc", "*/html", ",,,"])
def test_malformed_ranges_are_left_out(accept):
    # GIVEN a header whose only element is malformed THEN it is as if there were none
    assert parse_accept(accept) == []
    assert best_media_type(accept, PAGE_OR_JSON) == HTML


def test_a_malformed_element_does_not_spoil_the_others():
    assert best_media_type("text/html;q=abc, application/json;q=0.2", PAGE_OR_JSON) == JSON


def test_parsing_lowercases_and_keeps_parameters_before_q():
    # WHEN a range with parameters, a quality and an extension is parsed
    [parsed] = parse_accept('Text/HTML; Level="1"; q=0.7; ext=x')
    # THEN type, subtype and parameter names are lower-case; q and what follows are not parameters
    assert parsed == MediaRange("text", "html", (("level", "1"),), 0.7)
    assert [r.specificity for r in parse_accept("*/*, text/*, text/html, text/html;level=1")] == [0, 1, 2, 3]
