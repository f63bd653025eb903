"""The shared input parsers: one rule per kind of value, refusals named by field and
translated into the person's language."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from fraudops.core.chinese import normalize_mobile
from fraudops.core.errors import InvalidInput
from fraudops.core.parsing import (
    FieldErrors,
    parse_amount,
    parse_choice,
    parse_date,
    parse_datetime,
    parse_prose,
    parse_text,
    parse_with,
)
from incidents.choices import PartyRole


def _refusal(call, language: str = "en") -> dict[str, list[str]]:
    with translation.override(language), pytest.raises(InvalidInput) as refused:
        call()
    return refused.value.fields


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12000.50", Decimal("12000.50")),
        ("12,000.5", Decimal("12000.5")),
        ("１２０００．５０", Decimal("12000.50")),  # typed on a Chinese keyboard
        (Decimal("0.01"), Decimal("0.01")),
        (300, Decimal("300")),
    ],
)
def test_amount_accepts_yuan_with_two_decimals(raw, expected):
    assert parse_amount(raw, field="amount") == expected


@pytest.mark.parametrize("raw", ["0", "0.00", "-1", "1.234", "1e14", "NaN", "Infinity"])
def test_amount_must_be_above_zero_with_two_decimals(raw):
    fields = _refusal(lambda: parse_amount(raw, field="accounts[0].amount"))
    assert fields == {
        "accounts[0].amount": ["Enter a positive amount in yuan with at most two decimals."]
    }


def test_amount_zero_allowed_only_when_asked_and_never_negative():
    assert parse_amount("0", field="amount_lost", allow_zero=True) == Decimal("0")
    with pytest.raises(InvalidInput):
        parse_amount("-0.01", field="amount_lost", allow_zero=True)


def test_amount_not_a_number_is_refused_in_chinese_too():
    assert _refusal(lambda: parse_amount("abc", field="amount")) == {
        "amount": ["Enter an amount in yuan, for example 12000.50."]
    }
    zh = _refusal(lambda: parse_amount("abc", field="amount"), "zh-hans")["amount"][0]
    assert zh != "Enter an amount in yuan, for example 12000.50."
    assert "12000.50" in zh


def test_amount_empty_is_the_default_or_required():
    assert parse_amount("", field="amount") is None
    assert parse_amount(None, field="amount", default=Decimal("0")) == Decimal("0")
    assert _refusal(lambda: parse_amount(" ", field="amount", required=True)) == {
        "amount": ["This field is required."]
    }
    zh = _refusal(lambda: parse_amount("", field="amount", required=True), "zh-hans")
    assert zh["amount"][0] != "This field is required."


# --- dates -----------------------------------------------------------------------------------


def test_date_is_iso_and_folded():
    assert parse_date("２０２７－０６－３０", field="expires_on") == datetime.date(2027, 6, 30)
    assert parse_date(datetime.date(2027, 1, 2), field="d") == datetime.date(2027, 1, 2)
    assert parse_date("", field="d") is None


def test_date_aware_datetime_counts_as_its_local_date():
    late_utc = datetime.datetime(2026, 11, 22, 17, 0, tzinfo=datetime.UTC)  # 01:00 in Shanghai
    assert parse_date(late_utc, field="d") == datetime.date(2026, 11, 23)


def test_date_refusals_in_both_languages():
    assert _refusal(lambda: parse_date("30/06/2027", field="expires_on")) == {
        "expires_on": ["Enter a date such as 2027-06-30."]
    }
    today = datetime.date(2026, 11, 22)
    assert _refusal(lambda: parse_date("2026-11-21", field="review_on", not_before=today)) == {
        "review_on": ["Choose today or a later date."]
    }
    assert parse_date("2026-11-22", field="review_on", not_before=today) == today
    zh = _refusal(lambda: parse_date("x", field="d"), "zh-hans")["d"][0]
    assert zh != "Enter a date such as 2027-06-30." and "2027-06-30" in zh


def test_datetime_without_offset_is_read_in_the_users_zone():
    parsed = parse_datetime("2026-11-22 13:50", field="reported_at")
    assert timezone.is_aware(parsed)
    assert parsed == datetime.datetime(2026, 11, 22, 5, 50, tzinfo=datetime.UTC)
    with timezone.override("UTC"):
        assert parse_datetime("2026-11-22T13:50", field="x").hour == 13
    assert parse_datetime("２０２６－１１－２２ １３:５０", field="x") == parsed


def test_datetime_with_offset_keeps_it():
    parsed = parse_datetime("2026-11-22T13:50:00+00:00", field="x")
    assert parsed == datetime.datetime(2026, 11, 22, 13, 50, tzinfo=datetime.UTC)


@pytest.mark.parametrize("raw", ["yesterday", "2026-02-30 10:00", "2026-11-22 25:00"])
def test_datetime_refused_names_the_field(raw):
    assert _refusal(lambda: parse_datetime(raw, field="reported_at")) == {
        "reported_at": ["Enter a date and time such as 2026-11-22 13:50."]
    }
    zh = _refusal(lambda: parse_datetime(raw, field="reported_at"), "zh-hans")
    assert zh["reported_at"][0] != "Enter a date and time such as 2026-11-22 13:50."


def test_datetime_message_can_be_the_fields_own():
    fields = _refusal(lambda: parse_datetime("x", field="remitted_at", message="When was it sent?"))
    assert fields == {"remitted_at": ["When was it sent?"]}
    assert parse_datetime(None, field="x") is None
    assert _refusal(lambda: parse_datetime("", field="x", required=True)) == {
        "x": ["This field is required."]
    }


# --- text and prose --------------------------------------------------------------------------


def test_text_is_folded_and_its_length_refused_not_cut():
    assert parse_text("  ＡＢＣ　１２３ ", field="ref", max_length=10) == "ABC 123"
    assert _refusal(lambda: parse_text("x" * 11, field="ref", max_length=10)) == {
        "ref": ["Shorten this to at most 10 characters."]
    }
    zh = _refusal(lambda: parse_text("x" * 11, field="ref", max_length=10), "zh-hans")
    assert "10" in zh["ref"][0] and zh["ref"][0] != "Shorten this to at most 10 characters."


def test_text_required_message_can_be_the_fields_own():
    assert _refusal(lambda: parse_text(None, field="ref", required=True)) == {
        "ref": ["This field is required."]
    }
    assert _refusal(
        lambda: parse_prose("  ", field="reason", required=True, required_message="Give a reason.")
    ) == {"reason": ["Give a reason."]}


def test_prose_is_kept_as_typed():
    typed = "客户称：对方自称公安，\r\n要求转账（安全账户）。\n\n\n\n次日报警。  "
    assert parse_prose(typed, field="summary") == (
        "客户称：对方自称公安，\n要求转账（安全账户）。\n\n次日报警。"
    )
    with pytest.raises(InvalidInput):
        parse_prose("长" * 6, field="summary", max_length=5)


# --- choices and normalisers -----------------------------------------------------------------


def test_choice_is_one_of_the_values():
    assert parse_choice("victim", field="role", choices=PartyRole) == "victim"
    assert parse_choice("", field="role", choices=PartyRole, default="other") == "other"
    fields = _refusal(lambda: parse_choice("boss", field="parties[0].role", choices=PartyRole))
    message = fields["parties[0].role"][0]
    assert message.startswith("“boss” is not a valid choice. Use one of: victim, fraudster")
    zh = _refusal(lambda: parse_choice("boss", field="r", choices=PartyRole), "zh-hans")["r"][0]
    assert "boss" in zh and not zh.startswith("“boss” is not")
    assert _refusal(lambda: parse_choice(None, field="r", choices=PartyRole, required=True)) == {
        "r": ["This field is required."]
    }


def test_parse_with_names_the_field_of_a_chinese_normaliser():
    assert parse_with(normalize_mobile, "138 0013 8000", field="phone") == "+8613800138000"
    fields = _refusal(lambda: parse_with(normalize_mobile, "12345", field="parties[1].phone"))
    assert list(fields) == ["parties[1].phone"] and fields["parties[1].phone"]


@translation.override("en")
def test_field_errors_collect_every_refusal_at_once():
    errors = FieldErrors()
    assert errors.collect(parse_amount, "x", field="amount", fallback=Decimal("0")) == 0
    assert errors.collect(parse_date, "2027-06-30", field="d") == datetime.date(2027, 6, 30)
    errors.collect(parse_text, None, field="name", required=True)
    errors.add("name", "Another problem.")
    assert errors
    with pytest.raises(InvalidInput) as refused:
        errors.raise_if_any()
    assert refused.value.fields == {
        "amount": ["Enter an amount in yuan, for example 12000.50."],
        "name": ["This field is required.", "Another problem."],
    }
    FieldErrors().raise_if_any()  # nothing collected: nothing raised
