"""Every message template, rendered with its worst-case values and the production short-link
host, costs the SMS parts it is allowed (docs/notifications.md); the segment counter follows
3GPP TS 23.038 (GSM-7 basic and extension tables, UCS-2; 160/153 and 70/67)."""
from __future__ import annotations

import pytest

from chalicelib.domain import notifications as notices
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.issuance import SHORT_CODE_CHARS
from chalicelib.domain.licence_numbers import MAX_SEQUENCE, format_number
from chalicelib.domain.payments import REFERENCE_PREFIX
from chalicelib.domain.sms_segments import GSM7, UCS2, segments, size

# A production short-link host at the length docs/notifications.md allows (20 characters).
SHORT_LINK_HOST = "rukhsa.alexandria.eg"
assert len(SHORT_LINK_HOST) == notices.SHORT_LINK_HOST_MAX


def worst_case_values() -> dict[str, str]:
    """The longest value each template field can take."""
    longest_district = max((d.code for d in load_catalogue().districts), key=len)
    return {
        "link": notices.short_link(f"https://{SHORT_LINK_HOST}/", "Z" * SHORT_CODE_CHARS),
        "number": format_number(longest_district, 9999, MAX_SEQUENCE),
        "amount": notices.egp(99_999_999_99),  # EGP 99,999,999.99: beyond any fee or fine
        "receipt": f"{REFERENCE_PREFIX}{'F' * 20}",  # usecases/payments.new_payment_id
        "valid_until": "2026-12-31",
        "reason": "سبب " * 250,  # an officer's reason, as long as the API lets it be (1000)
    }


@pytest.mark.parametrize("name", sorted(notices.TEMPLATES))
def test_every_template_with_worst_case_values_fits_its_parts(name):
    # GIVEN a template and the longest values it may carry
    template = notices.TEMPLATES[name]
    values = worst_case_values()
    # WHEN it is rendered
    text = notices.render(name, values)
    # THEN it is UCS-2 (Arabic), Arabic first with a short English part, and within its parts
    measured = size(text)
    assert measured.encoding == UCS2
    assert measured.segments == template.segments, (name, measured, text)
    assert "\u0600" <= text[0] <= "\u06ff"
    english = text.rstrip(".").split()[-1]
    assert english.isascii() and english.isalpha(), text
    # AND every value it names is in the text, whole unless the template may cut it
    for field in template.values - {template.cut}:
        assert values[field] in text


@pytest.mark.parametrize("name", sorted(n for n, t in notices.TEMPLATES.items() if t.cut))
def test_a_free_text_value_is_cut_with_an_ellipsis_only_when_it_does_not_fit(name):
    short = notices.render(name, {"reason": "الرسم الهندسي ناقص"})
    assert "الرسم الهندسي ناقص" in short and notices.ELLIPSIS not in short
    assert segments(short) == 1
    cut = notices.render(name, worst_case_values())
    assert notices.ELLIPSIS in cut and segments(cut) == 2


def test_only_the_templates_carrying_an_officers_reason_take_two_parts():
    two = sorted(name for name, t in notices.TEMPLATES.items() if t.segments == 2)
    assert two == [notices.APPLICATION_REJECTED, notices.APPLICATION_RETURNED]


def test_a_template_needs_every_value_it_names():
    with pytest.raises(KeyError):
        notices.render(notices.FINE_NOTICE, {"amount": "10.00"})
    with pytest.raises(notices.UnknownTemplate):
        notices.render("no_such_template", {})


def test_the_link_never_carries_a_scheme():
    assert notices.short_link("https://rukhsa.alexandria.eg/", "ABC") == "rukhsa.alexandria.eg/s/ABC"
    assert notices.short_link("127.0.0.1:8000/api", "ABC") == "127.0.0.1:8000/api/s/ABC"


# ---------------------------------------------------------------- the 3GPP TS 23.038 counter

@pytest.mark.parametrize("length, parts", [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3)])
def test_gsm7_holds_160_alone_and_153_per_part(length, parts):
    text = "a" * length
    assert size(text) == size(text).__class__(GSM7, length, parts)


def test_gsm7_extension_characters_cost_two_septets_and_are_never_split():
    assert size("€" * 80).units == 160 and segments("€" * 80) == 1
    assert segments("€" * 81) == 2
    # 152 septets then an escape pair: the pair does not fit the first part's last septet
    assert segments("a" * 152 + "€" + "a" * 152) == 3
    assert segments("a" * 152 + "€" + "a" * 151) == 2


@pytest.mark.parametrize("length, parts", [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3),
                                           (201, 3), (202, 4)])
def test_ucs2_holds_70_alone_and_67_per_part(length, parts):
    text = "ع" * length
    assert (size(text).encoding, size(text).units, segments(text)) == (UCS2, length, parts)


def test_one_character_outside_gsm7_makes_the_whole_text_ucs2():
    assert size("Licence issued").encoding == GSM7
    assert size("Licence issued ✓").encoding == UCS2
    assert size("`").encoding == UCS2  # the grave accent is not in the default alphabet


def test_an_astral_character_is_two_ucs2_units_and_is_never_split():
    assert size("😀").units == 2
    assert segments("ع" * 66 + "😀" + "ع" * 2) == 1  # 70 units in one message
    assert segments("ع" * 66 + "😀" + "ع" * 3) == 2  # 71: the pair opens the second part
    assert segments("ع" * 66 + "😀" + "ع" * 66) == 3  # the pair moves to the second part
