"""Tests for fraudops.core.chinese: Chinese data normalisation and validation.

Runs with or without pytest-django: when no Django settings are configured
(``-p no:django``), minimal ones are set up so lazy messages can be rendered.
"""

import datetime
import os
import socket
import time

import django
from django.apps import apps
from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=True, INSTALLED_APPS=[])
if not apps.ready:
    django.setup()

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum import luhn
from stdnum.cn import ric, uscc

from fraudops.core import chinese
from fraudops.core.chinese import (
    NORMALIZERS,
    fold,
    is_card_number,
    name_keys,
    normalize_account_number,
    normalize_card_number,
    normalize_id_number,
    normalize_mobile,
    normalize_org_code,
    normalize_org_identifier,
    normalize_person_name,
    normalize_phone,
    normalize_url,
    normalize_uscc,
)

# --- helpers ---------------------------------------------------------------


def make_id(birth: str = "19900307", *, area: str = "110105", seq: str = "123") -> str:
    """An ID number with a correct check character, computed by stdnum."""
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "?")


def make_id_ending_in_x() -> str:
    """An ID number whose check character is X (searching the sequence digits)."""
    for n in range(1000):
        number = make_id(seq=f"{n:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives an X check character")


def make_card(prefix: str, length: int) -> str:
    body = prefix.ljust(length - 1, "0")
    return body + luhn.calc_check_digit(body)


def make_uscc(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def refuse(func, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        func(value, **kwargs)
    return excinfo.value


def full_width(text: str) -> str:
    """What a Chinese IME in full-width mode types for ASCII text."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


VALID_ID = make_id()
VALID_ID_X = make_id_ending_in_x()


# --- fold ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("ＡＢＣｘｙｚ", "ABCxyz"),
        ("王\u3000小明", "王 小明"),
        ("\u3000 138  0013\t8000 \u3000", "138 0013 8000"),
        ("138\u200b0013\ufeff8000", "13800138000"),
        ("", ""),
    ],
)
def test_fold_turns_full_width_and_ideographic_space_into_plain_text(raw, expected):
    assert fold(raw) == expected


# --- resident ID numbers ---------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(VALID_ID, id="plain"),
        pytest.param(f"{VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}", id="spaces"),
        pytest.param(f"{VALID_ID[:6]}-{VALID_ID[6:14]}-{VALID_ID[14:]}", id="dashes"),
        pytest.param(full_width(VALID_ID), id="full-width-digits"),
        pytest.param(f"\u3000{VALID_ID}\u3000", id="ideographic-spaces"),
    ],
)
def test_id_number_accepts_spaces_dashes_and_full_width_digits(raw):
    assert normalize_id_number(raw) == VALID_ID


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(VALID_ID_X[:-1] + "x", id="lower-case-x"),
        pytest.param(full_width(VALID_ID_X[:-1] + "x"), id="full-width-lower-x"),
        pytest.param(VALID_ID_X, id="upper-case-x"),
    ],
)
def test_id_number_upper_cases_trailing_x(raw):
    assert normalize_id_number(raw) == VALID_ID_X


def test_id_number_accepts_stdnum_reference_example():
    assert normalize_id_number("360426199101010071") == "360426199101010071"


def test_id_number_refuses_15_digit_legacy_number_with_its_own_code():
    error = refuse(normalize_id_number, "110105900307123")
    assert error.code == "id_number_legacy"


@pytest.mark.parametrize(
    "raw", ["", VALID_ID[:-1], VALID_ID + "1", "11010519900307"], ids=["empty", "17", "19", "14"]
)
def test_id_number_refuses_wrong_length(raw):
    error = refuse(normalize_id_number, raw)
    assert error.code == "id_number_length"
    assert str(len(raw)) in error.messages[0]


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(VALID_ID[:5] + "A" + VALID_ID[6:], id="letter-inside"),
        pytest.param("X" + VALID_ID[1:], id="x-not-last"),
        pytest.param(VALID_ID[:-1] + "Y", id="bad-last-letter"),
        pytest.param(VALID_ID[:-1] + "#", id="symbol"),
    ],
)
def test_id_number_refuses_bad_characters(raw):
    assert refuse(normalize_id_number, raw).code == "id_number_characters"


@pytest.mark.parametrize(
    "birth",
    ["19900230", "19901301", "19900000", "19900100", "18991231", "20990101"],
    ids=["feb-30", "month-13", "month-00", "day-00", "before-1900", "far-future"],
)
def test_id_number_refuses_impossible_or_future_birth_dates_even_with_valid_checksum(birth):
    assert refuse(normalize_id_number, make_id(birth)).code == "id_number_birth_date"


def test_id_number_refuses_birth_date_after_today_and_accepts_today():
    today = datetime.date(2024, 5, 20)
    assert normalize_id_number(make_id("20240520"), today=today) == make_id("20240520")
    error = refuse(normalize_id_number, make_id("20240521"), today=today)
    assert error.code == "id_number_birth_date"


def test_id_number_accepts_leap_day():
    assert normalize_id_number(make_id("20000229")) == make_id("20000229")


@pytest.mark.parametrize("replacement", ["0", "1", "5", "X"])
def test_id_number_refuses_bad_checksum(replacement):
    if VALID_ID[-1] == replacement:
        replacement = "2"
    assert refuse(normalize_id_number, VALID_ID[:-1] + replacement).code == "id_number_checksum"


def test_id_number_refuses_transposed_digits():
    swapped = VALID_ID[:14] + VALID_ID[15] + VALID_ID[14] + VALID_ID[16:]
    assert swapped != VALID_ID
    assert refuse(normalize_id_number, swapped).code == "id_number_checksum"


# --- mobile and phone numbers ----------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "１３８　００１３　８０００",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "＋８６ １３８００１３８０００",
        "0086 138 0013 8000",
        "008613800138000",
        "8613800138000",
        "(+86) 138.0013.8000",
    ],
)
def test_mobile_accepts_spacing_dashes_full_width_and_country_prefixes(raw):
    assert normalize_mobile(raw) == "+8613800138000"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_mobile_accepts_every_mainland_prefix_13_to_19(prefix):
    assert normalize_mobile(prefix + "912345678") == "+86" + prefix + "912345678"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("12800138000", id="prefix-12"),
        pytest.param("1380013800", id="10-digits"),
        pytest.param("138001380001", id="12-digits"),
        pytest.param("010 6552 9988", id="landline"),
        pytest.param("+852 9123 4567", id="hong-kong"),
        pytest.param("+1 13800138000", id="other-country-code"),
        pytest.param("138OO138OOO", id="letters"),
        pytest.param("", id="empty"),
    ],
)
def test_mobile_refuses_non_mainland_mobile_numbers(raw):
    assert refuse(normalize_mobile, raw).code == "mobile_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 0013 8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("010-6552 9988", "+861065529988"),
        ("(021) 6234 5678", "+862162345678"),
        ("0755 8888 8888", "+8675588888888"),
        ("0086 10 6552 9988", "+861065529988"),
        ("+86 10 6552 9988", "+861065529988"),
        ("+852 9123 4567", "+85291234567"),
        ("+1 650 253 0000", "+16502530000"),
        ("００８５２ ９１２３ ４５６７", "+85291234567"),
    ],
)
def test_phone_accepts_mobiles_landlines_and_international_numbers_as_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12345", "hello", "1-800-FLOWERS", "010-88888888转123", "+86 10 1234"]
)
def test_phone_refuses_invalid_numbers(raw):
    assert refuse(normalize_phone, raw).code == "phone_invalid"


# --- bank cards and accounts -----------------------------------------------

CARD_16 = "4111111111111111"
CARD_19 = make_card("6222020", 19)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4111 1111 1111 1111", CARD_16),
        ("4111-1111-1111-1111", CARD_16),
        (full_width("4111 1111 1111 1111"), CARD_16),
        (CARD_19, CARD_19),
        (" ".join([CARD_19[:4], CARD_19[4:8], CARD_19[8:12], CARD_19[12:]]), CARD_19),
    ],
)
def test_card_number_accepts_spaces_dashes_and_full_width_digits(raw, expected):
    assert normalize_card_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["4111111111111112", CARD_19[:-1] + str((int(CARD_19[-1]) + 1) % 10)]
)
def test_card_number_refuses_luhn_failures(raw):
    assert refuse(normalize_card_number, raw).code == "card_luhn"


@pytest.mark.parametrize(
    "raw", ["378282246310005", make_card("62", 20), ""], ids=["15-amex", "20", "empty"]
)
def test_card_number_refuses_wrong_length_even_when_luhn_passes(raw):
    error = refuse(normalize_card_number, raw)
    assert error.code == "card_length"
    assert str(len(raw)) in error.messages[0]


@pytest.mark.parametrize(
    "raw", ["4111 1111 1111 111O", "4111.1111.1111.1111", "卡4111111111111111"]
)
def test_card_number_refuses_letters_and_symbols(raw):
    assert refuse(normalize_card_number, raw).code == "card_characters"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0200 0012 0900 1234 567", "0200001209001234567"),
        ("1100-1234-5678-9012", "1100123456789012"),
        ("１２３４５６", "123456"),
        ("4111111111111112", "4111111111111112"),  # fails Luhn, still an account
        ("9" * 32, "9" * 32),
    ],
)
def test_account_number_accepts_6_to_32_digits_without_luhn(raw, expected):
    assert normalize_account_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12345", "account_length"),
        ("9" * 33, "account_length"),
        ("", "account_length"),
        ("ABC123456", "account_characters"),
        ("123456/789", "account_characters"),
    ],
)
def test_account_number_refuses_wrong_length_and_non_digits(raw, code):
    assert refuse(normalize_account_number, raw).code == code


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        (CARD_16, True),
        (CARD_19, True),
        ("4111111111111112", False),
        ("378282246310005", False),
        ("4111 1111 1111 1111", False),
        ("", False),
    ],
)
def test_is_card_number_needs_16_to_19_digits_and_luhn(digits, expected):
    assert is_card_number(digits) is expected


# --- organisations -----------------------------------------------------------

USCC_REFERENCE = "91110000600037341L"  # stdnum's documented example
USCC_RURAL = make_uscc("N2330104MF0000000")  # GB 32100 allows letters in positions 1-2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (USCC_REFERENCE, USCC_REFERENCE),
        ("9111 0000 6000 3734 1l", USCC_REFERENCE),
        ("91110000-600037341-L", USCC_REFERENCE),
        (full_width("91110000600037341l"), USCC_REFERENCE),
        (USCC_RURAL.lower(), USCC_RURAL),
    ],
)
def test_uscc_accepts_lower_case_separators_and_full_width(raw, expected):
    assert normalize_uscc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("91110000600037341", "uscc_length"),
        ("91110000600037341LL", "uscc_length"),
        ("9111000060003734IL", "uscc_characters"),  # I is not in the alphabet
        ("911100A0600037341L", "uscc_characters"),  # region must be digits
        ("91110000600037341M", "uscc_checksum"),
        ("91110000600037314L", "uscc_checksum"),
    ],
)
def test_uscc_refuses_bad_length_characters_and_checksum(raw, code):
    assert refuse(normalize_uscc, raw).code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D2143569-X", "D2143569X"),
        ("d2143569-x", "D2143569X"),
        ("ｄ２１４３５６９－ｘ", "D2143569X"),
        ("60003734-1", "600037341"),  # the code embedded in the reference USCC
        ("00000000-0", "000000000"),  # check value 11 is written 0
    ],
)
def test_org_code_accepts_dash_lower_case_and_full_width(raw, expected):
    assert normalize_org_code(raw) == expected


def test_org_code_agrees_with_the_code_embedded_in_a_uscc():
    assert normalize_org_code(USCC_REFERENCE[8:17]) == USCC_REFERENCE[8:17]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("D2143569-1", "org_code_checksum"),
        ("D2143596-X", "org_code_checksum"),
        ("D214356-X", "org_code_length"),
        ("D2143569-XX", "org_code_length"),
        ("D2143569-Y", "org_code_characters"),
        ("#2143569-X", "org_code_characters"),
    ],
)
def test_org_code_refuses_bad_checksum_length_and_characters(raw, code):
    assert refuse(normalize_org_code, raw).code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(USCC_REFERENCE.lower(), USCC_REFERENCE), ("D2143569-X", "D2143569X")],
)
def test_org_identifier_tells_uscc_and_org_code_apart_by_length(raw, expected):
    assert normalize_org_identifier(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("D2143569", "org_identifier_length"),
        ("9111000060003734", "org_identifier_length"),
        ("D2143569-1", "org_code_checksum"),
        ("91110000600037341M", "uscc_checksum"),
    ],
)
def test_org_identifier_refuses_with_the_specific_code(raw, code):
    assert refuse(normalize_org_identifier, raw).code == code


# --- person names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("陳小明", "陈小明"),
        ("歐陽修", "欧阳修"),
        ("王 小明", "王小明"),
        ("王\u3000小\u3000明", "王小明"),
        ("ＷＡＮＧ\u3000Ｘｉａｏｍｉｎｇ", "WANG Xiaoming"),
        ("  John   Smith ", "John Smith"),
        ("阿沛·阿旺晋美", "阿沛·阿旺晋美"),
        ("阿沛 • 阿旺晋美", "阿沛·阿旺晋美"),
        ("阿沛・阿旺晋美", "阿沛·阿旺晋美"),
        ("约翰‧史密斯", "约翰·史密斯"),
        ("O’Brien", "O'Brien"),
        ("Jean-Pierre Dupont", "Jean-Pierre Dupont"),
        ("José Müller", "José Müller"),
        ("李〇", "李〇"),
        ("王", "王"),
    ],
)
def test_person_name_is_folded_simplified_and_spaced(raw, expected):
    assert normalize_person_name(raw) == expected


@pytest.mark.parametrize(
    "raw", ["王小明1", "王小明！", "王小明😀", "Wang_Xiaoming", "王.小明", "王小明@example"]
)
def test_person_name_refuses_digits_and_symbols(raw):
    assert refuse(normalize_person_name, raw).code == "name_characters"


@pytest.mark.parametrize("raw", ["·王小明", "王小明·", "阿沛··阿旺", "-John", "John-", "O''Brien"])
def test_person_name_refuses_misplaced_dots_hyphens_and_apostrophes(raw):
    assert refuse(normalize_person_name, raw).code == "name_separator"


@pytest.mark.parametrize("raw", ["", "\u3000 ", "a" * 65])
def test_person_name_refuses_empty_and_over_64_characters(raw):
    assert refuse(normalize_person_name, raw).code == "name_length"


def test_person_name_accepts_exactly_64_characters():
    assert normalize_person_name("a" * 64) == "a" * 64


# --- name keys -------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "王小明",
        "王 小明",
        "Wang Xiaoming",
        "xiaoming wang",
        "WANGXIAOMING",
        "WANG Xiaoming",
        "Xiao Ming Wang",
        "Xiao-Ming Wang",
        "ＷＡＮＧ\u3000ＸＩＡＯＭＩＮＧ",
        "Wáng Xiǎomíng",
    ],
)
def test_name_keys_pinyin_equal_for_han_and_latin_spellings_in_either_order(raw):
    keys = name_keys(raw)
    assert keys["pinyin"] == "wang xiao ming"
    assert keys["pinyin_compact"] == "wangxiaoming"
    assert keys["initials"] == "wxm"


def test_name_keys_for_han_name():
    assert name_keys("王小明") == {
        "simplified": "王小明",
        "pinyin": "wang xiao ming",
        "pinyin_compact": "wangxiaoming",
        "initials": "wxm",
        "latin_folded": "",
        "tokens": ["王小明"],
    }


def test_name_keys_for_latin_pinyin_name():
    assert name_keys("Xiaoming WANG") == {
        "simplified": "Xiaoming WANG",
        "pinyin": "wang xiao ming",
        "pinyin_compact": "wangxiaoming",
        "initials": "wxm",
        "latin_folded": "wang xiaoming",
        "tokens": ["xiaoming", "wang"],
    }


def test_name_keys_traditional_and_simplified_give_the_same_keys():
    assert name_keys("陳小明") == name_keys("陈小明")
    assert name_keys("陳小明")["simplified"] == "陈小明"


@pytest.mark.parametrize(
    ("spellings", "pinyin"),
    [
        (["欧阳修", "歐陽修", "Ouyang Xiu", "Xiu Ouyang", "OUYANG Xiu"], "ou yang xiu"),
        (["吕布", "Lü Bu", "LYU Bu", "Lv Bu", "Bu Lyu"], "lv bu"),
        (["李伟", "Li Wei", "Wei Li", "LIWEI"], "li wei"),
    ],
    ids=["compound-surname", "u-umlaut-spellings", "two-syllables"],
)
def test_name_keys_pinyin_matches_across_scripts_and_orders(spellings, pinyin):
    assert {name_keys(s)["pinyin"] for s in spellings} == {pinyin}


@pytest.mark.parametrize(
    ("spellings", "surname"),
    [(["曾国藩", "Zeng Guofan", "Guofan Zeng"], "zeng"), (["单田芳", "Shan Tianfang"], "shan")],
)
def test_name_keys_reads_polyphonic_surnames_as_surnames(spellings, surname):
    keys = [name_keys(s)["pinyin"] for s in spellings]
    assert len(set(keys)) == 1
    assert surname in keys[0].split()


def test_name_keys_pinyin_key_is_the_same_for_every_rotation():
    syllables = name_keys("司马光")["pinyin"].split()
    for i in range(len(syllables)):
        rotated = " ".join(syllables[i:] + syllables[:i])
        assert name_keys(rotated)["pinyin"] == "si ma guang"


def test_name_keys_for_non_pinyin_latin_name_has_no_pinyin_and_sorted_tokens():
    keys = name_keys("John  Smith")
    assert keys["pinyin"] == keys["pinyin_compact"] == keys["initials"] == ""
    assert keys["latin_folded"] == "john smith"
    assert name_keys("Smith John")["latin_folded"] == "john smith"


def test_name_keys_latin_folded_drops_accents():
    assert name_keys("José MÜLLER")["latin_folded"] == "jose muller"


def test_name_keys_tokens_split_on_spaces_and_middle_dots():
    assert name_keys("阿沛・阿旺晋美")["tokens"] == ["阿沛", "阿旺晋美"]
    assert name_keys("Jean-Pierre DUPONT")["tokens"] == ["jean-pierre", "dupont"]


@pytest.mark.parametrize("raw", ["", "123!", "😀", "\u3000"])
def test_name_keys_never_raises(raw):
    keys = name_keys(raw)
    assert keys["pinyin"] == ""


def test_name_keys_reuses_one_opencc_converter_and_is_fast():
    name_keys("陳小明")  # warm the lazy converters
    assert chinese._t2s() is chinese._t2s()
    names = ["陳小明", "Xiaoming Wang", "歐陽修", "John Smith", "阿沛·阿旺晋美"] * 200
    started = time.perf_counter()
    for name in names:
        name_keys(name)
    assert time.perf_counter() - started < 2.0  # about 0.1 ms each; generous for slow CI


# --- URLs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://WWW.icbc-verify.com.cn/login?x=1",
            ("icbc-verify.com.cn/login?x=1", "icbc-verify.com.cn"),
        ),
        ("icbc-verify.com.cn", ("icbc-verify.com.cn", "icbc-verify.com.cn")),
        ("www。icbc-verify。com。cn/login/", ("icbc-verify.com.cn/login", "icbc-verify.com.cn")),
        (
            "ｗｗｗ．ｉｃｂｃ－ｖｅｒｉｆｙ．ｃｏｍ．ｃｎ／Ｌｏｇｉｎ",
            ("icbc-verify.com.cn/Login", "icbc-verify.com.cn"),
        ),
        (
            "HTTP://Login.ICBC-Verify.com.cn:80/Secure/Path/#top",
            ("login.icbc-verify.com.cn/Secure/Path", "icbc-verify.com.cn"),
        ),
        ("https://example.com:443/", ("example.com", "example.com")),
        ("https://example.com:8443/a?b=C#frag", ("example.com:8443/a?b=C", "example.com")),
        ("https://example.com/?", ("example.com", "example.com")),
        ("//example.com/a", ("example.com/a", "example.com")),
        ("example.com.", ("example.com", "example.com")),
        ("http://工商银行.中国/", ("工商银行.中国", "工商银行.中国")),
        ("xn--czr93rq40bruk.xn--fiqs8s", ("工商银行.中国", "工商银行.中国")),
        ("https://www.icbc.com.cn@evil.example.com/x", ("evil.example.com/x", "example.com")),
        ("http://192.168.1.10:8080/login", ("192.168.1.10:8080/login", "192.168.1.10")),
        ("http://[2001:DB8::1]/x", ("[2001:db8::1]/x", "2001:db8::1")),
        ("icbc-login.github.io/pay", ("icbc-login.github.io/pay", "icbc-login.github.io")),
        ("my_app.example.co.uk", ("my_app.example.co.uk", "example.co.uk")),
        ("www.com.cn", ("www.com.cn", "www.com.cn")),
    ],
)
def test_url_is_normalised_and_registrable_domain_extracted(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "url_invalid"),
        ("not a url", "url_invalid"),
        ("http://exa mple.com", "url_invalid"),
        ("hello", "url_domain"),
        ("localhost", "url_domain"),
        ("com.cn", "url_domain"),
        ("http://", "url_domain"),
        ("http://-bad-.com", "url_domain"),
        ("http://a..com", "url_domain"),
        ("王小明", "url_domain"),
        ("ftp://example.com", "url_scheme"),
        ("javascript:alert(1)", "url_scheme"),
        ("mailto:someone@example.com", "url_scheme"),
        ("someone@example.com", "url_email"),
        ("example.com:99999", "url_port"),
        ("example.com:0", "url_port"),
    ],
)
def test_url_refuses_things_that_are_not_web_addresses(raw, code):
    assert refuse(normalize_url, raw).code == code


def test_url_domain_lookup_never_touches_the_network(monkeypatch):
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(requests.Session, "send", no_network)
    chinese._tld_extractor.cache_clear()
    try:
        assert normalize_url("https://www.icbc-verify.com.cn/") == (
            "icbc-verify.com.cn",
            "icbc-verify.com.cn",
        )
        extractor = chinese._tld_extractor()
        assert extractor.suffix_list_urls == ()
        assert not extractor._cache.enabled
    finally:
        chinese._tld_extractor.cache_clear()


# --- messages and the normaliser table -------------------------------------


@pytest.mark.parametrize(
    ("func", "raw"),
    [
        (normalize_id_number, "1101051990"),
        (normalize_card_number, "4111"),
        (normalize_account_number, "123"),
        (normalize_uscc, "9111"),
        (normalize_person_name, "a" * 70),
        (normalize_url, "example.com:99999"),
        (normalize_phone, "12345"),
    ],
)
def test_error_messages_render_as_english_sentences_with_their_parameters(func, raw):
    error = refuse(func, raw)
    with translation.override("en"):
        [message] = error.messages
    assert "%(" not in message
    assert message.endswith(".")
    assert error.code


def test_normalizers_map_every_field_kind_to_its_function():
    assert dict(NORMALIZERS) == {
        "id_number": normalize_id_number,
        "mobile": normalize_mobile,
        "phone": normalize_phone,
        "card_number": normalize_card_number,
        "account_number": normalize_account_number,
        "org_code": normalize_org_identifier,
        "uscc": normalize_uscc,
        "person_name": normalize_person_name,
        "url": normalize_url,
    }


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("id_number", VALID_ID, VALID_ID),
        ("mobile", "138 0013 8000", "+8613800138000"),
        ("phone", "010 6552 9988", "+861065529988"),
        ("card_number", "4111 1111 1111 1111", CARD_16),
        ("account_number", "0200 0012", "02000012"),
        ("org_code", "D2143569-X", "D2143569X"),
        ("org_code", USCC_REFERENCE, USCC_REFERENCE),
        ("uscc", USCC_REFERENCE, USCC_REFERENCE),
        ("person_name", "陳小明", "陈小明"),
        ("url", "www.example.com/", ("example.com", "example.com")),
    ],
)
def test_normalizers_can_be_called_uniformly_with_one_value(kind, raw, expected):
    assert NORMALIZERS[kind](raw) == expected


@pytest.mark.parametrize(
    ("raw", "syllables"),
    [
        ("王小明", ["wang", "xiao", "ming"]),
        ("陳小明", ["chen", "xiao", "ming"]),
        ("Xiaoming Wang", ["xiao", "ming", "wang"]),
        ("曾国藩", ["zeng", "guo", "fan"]),
        ("John Smith", []),
        ("", []),
    ],
)
def test_name_syllables_are_in_written_order_without_rotation(raw, syllables):
    assert chinese.name_syllables(raw) == syllables


def test_segment_pinyin_splits_pinyin_words_and_refuses_others():
    assert chinese.segment_pinyin("xiaoming") == ("xiao", "ming")
    assert chinese.segment_pinyin("smith") is None
    assert ("ou", "yang") in chinese.COMPOUND_SURNAME_PINYIN


def test_pinyin_segmentations_lists_the_readings_of_ambiguous_pinyin():
    assert set(chinese.pinyin_segmentations("luanchen")) >= {("luan", "chen"), ("lu", "an", "chen")}
    assert chinese.pinyin_segmentations("xian")[0] == ("xian",)
    assert ("xi", "an") in chinese.pinyin_segmentations("xian")
    assert chinese.pinyin_segmentations("smith") == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "客户称：对方自称公安，要求转账（安全账户）！",
            "客户称：对方自称公安，要求转账（安全账户）！",
        ),
        ("第一行  \r\n第二行\r\n\r\n\r\n\r\n第三行\n", "第一行\n第二行\n\n第三行"),
        ("  前后空白\u200b  ", "前后空白"),
        (None, ""),
    ],
)
def test_prose_keeps_chinese_punctuation_and_line_breaks(raw, expected):
    assert chinese.prose(raw) == expected
