"""Normalise and validate Chinese data for the whole project (SPEC §6).

Incidents call these functions to refuse bad values before anything is saved;
the watch list calls them (and :func:`name_keys`) so that stored values and
screening requests are compared in one canonical form. Every function is pure:
no models, no database, no network.

Every refusal is a :class:`django.core.exceptions.ValidationError` whose
message is a translatable English sentence that says what is wrong and how to
fix it, and whose ``code`` is stable so callers and REST clients can rely on
it. Values typed on Chinese keyboards (full-width digits and letters, the
ideographic space, full-width punctuation) are folded to ASCII first.

The heavier converters (OpenCC, pypinyin data, tldextract) are created lazily,
once per process, so importing this module stays cheap.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

import idna
import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.cn import ric, uscc

if TYPE_CHECKING:
    import tldextract
    from opencc import OpenCC

__all__ = [
    "COMPOUND_SURNAME_PINYIN",
    "HAN",
    "HAN_RE",
    "NORMALIZERS",
    "NameKeys",
    "compact",
    "fold",
    "fold_pinyin",
    "is_card_number",
    "name_keys",
    "name_syllables",
    "normalize_account_number",
    "normalize_card_number",
    "normalize_id_number",
    "normalize_mobile",
    "normalize_org_code",
    "normalize_org_identifier",
    "normalize_person_name",
    "normalize_phone",
    "normalize_url",
    "normalize_uscc",
    "pinyin_segmentations",
    "segment_pinyin",
    "strip_accents",
]

# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------

# Invisible characters that come along when numbers are copied from web pages
# and chat apps; they are not whitespace to str.split(), so drop them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Dashes people type between digit groups. NFKC already maps the full-width
# and small hyphen-minus to "-", but not the typographic dashes.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_CLASS = re.escape(_DASHES)
_SEPARATORS_RE = re.compile(f"[\\s{_DASH_CLASS}]+")
_DASH_RE = re.compile(f"[{_DASH_CLASS}]")


def fold(text: str) -> str:
    """Fold text as typed on a Chinese keyboard into plain, comparable text.

    NFKC turns full-width digits, letters and punctuation (``１３８``,
    ``ＡＢＣ``, ``．``) and the ideographic space U+3000 into their ASCII
    forms; invisible zero-width characters are dropped; runs of whitespace
    become one space and the ends are stripped. Never raises.
    """
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    return " ".join(text.split())


def prose(text: object) -> str:
    """Free text (a summary, a reason, a note) as the person typed it.

    Unlike `fold`, Chinese punctuation and full-width forms are kept (，：；（） read as
    Chinese) and so are line breaks (normalised to a line feed); invisible zero-width
    characters are dropped, trailing spaces trimmed, more than one blank line in a row
    collapsed and the ends stripped. Never raises.
    """
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


_BLANK_LINES_RE = re.compile(r"\n{3,}")


def compact(value: object) -> str:
    """Fold and remove the spaces and dashes people put between digit groups."""
    return _SEPARATORS_RE.sub("", fold(value))  # type: ignore[arg-type]


_compact = compact


# ---------------------------------------------------------------------------
# Resident ID numbers (居民身份证号码)
# ---------------------------------------------------------------------------

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
# China has used UTC+8 without daylight saving since 1991; ID birth dates are
# Chinese calendar dates, so "the future" is judged on Beijing time.
_CHINA_TZ = datetime.timezone(datetime.timedelta(hours=8), "CST")
_EARLIEST_BIRTH_YEAR = 1900


def normalize_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """Return an 18-character resident ID number, or refuse it.

    Spaces, dashes and full-width characters are removed and a trailing ``x``
    is upper-cased. The birth date (characters 7-14) must be a real date,
    not before 1900 and not after ``today`` (Beijing time by default), and the
    ISO 7064 check character must match (computed by ``stdnum.cn.ric``).
    The region prefix is not checked: stdnum's region table lags behind
    re-drawn counties and would refuse genuine IDs, and 18-digit foreigners'
    permanent residence numbers use the same layout with a "9" prefix.
    15-digit first-generation numbers are refused: they carry no check digit.
    """
    number = _compact(value).upper()
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _(
                "15-digit resident ID numbers are no longer accepted; enter the "
                "18-character number from the current (second-generation) ID card."
            ),
            code="id_number_legacy",
        )
    if len(number) != 18:
        raise ValidationError(
            _(
                "Enter an 18-character resident ID number: 17 digits then a digit "
                "or X. You entered %(length)d characters."
            ),
            code="id_number_length",
            params={"length": len(number)},
        )
    if not _ID_RE.fullmatch(number):
        raise ValidationError(
            _(
                "A resident ID number has 17 digits followed by a digit or the "
                "letter X; remove any other letters or symbols."
            ),
            code="id_number_characters",
        )
    if today is None:
        today = datetime.datetime.now(_CHINA_TZ).date()
    try:
        birth = ric.get_birth_date(number)
    except ValueError:  # stdnum's InvalidComponent is a ValueError
        birth = None
    if birth is None or birth.year < _EARLIEST_BIRTH_YEAR or birth > today:
        raise ValidationError(
            _(
                "The birth date in this resident ID number (characters 7 to 14, "
                "YYYYMMDD) is not a real past date; check those digits."
            ),
            code="id_number_birth_date",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _(
                "This resident ID number fails its check (the last character "
                "does not match the others); check it for typing errors."
            ),
            code="id_number_checksum",
        )
    return number


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------

_PHONE_PUNCT_RE = re.compile(f"[\\s{_DASH_CLASS}.()]+")
_MOBILE_RE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")


def normalize_mobile(value: str) -> str:
    """Return a mainland China mobile number in E.164 form (``+86...``).

    A mainland mobile number has 11 digits starting 13 to 19. Accepts spaces,
    dashes, dots, brackets and full-width digits, and the prefixes ``+86``,
    ``0086`` and bare ``86`` (13 digits), because all of those are how the
    same number reaches us from forms, spreadsheets and call logs.
    """
    text = _PHONE_PUNCT_RE.sub("", fold(value))
    match = _MOBILE_RE.fullmatch(text)
    if match is None:
        raise ValidationError(
            _(
                "Enter an 11-digit mainland China mobile number starting with 13 "
                "to 19, for example 138 0013 8000 (a +86 or 0086 prefix is allowed)."
            ),
            code="mobile_invalid",
        )
    return "+86" + match.group(1)


def normalize_phone(value: str) -> str:
    """Return any valid phone number in E.164 form, mainland China by default.

    Mainland mobiles go through :func:`normalize_mobile` (so ``86138...``
    works too); anything else is parsed by ``phonenumbers`` with CN as the
    default region, so landlines need their area code (``010 6552 9988``) and
    foreign numbers need ``+`` or ``00`` and the country code. Letters are
    refused rather than read as a keypad word. An extension, if phonenumbers
    recognises one, is not part of E.164 and is dropped.
    """
    text = fold(value)
    try:
        return normalize_mobile(text)
    except ValidationError:
        pass
    error = ValidationError(
        _(
            "Enter a valid phone number: a mainland mobile (e.g. 138 0013 8000), "
            "a landline with its area code (e.g. 010 6552 9988), or an "
            "international number starting with + and the country code."
        ),
        code="phone_invalid",
    )
    if not text or re.search(r"[^\W\d_]", text):
        raise error
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise error from None
    if not phonenumbers.is_valid_number(parsed):
        raise error
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# ---------------------------------------------------------------------------
# Bank cards and accounts
# ---------------------------------------------------------------------------

_DIGITS_RE = re.compile(r"[0-9]*")  # empty input is a length error, not a character one


def normalize_card_number(value: str) -> str:
    """Return a bank card number as 16 to 19 ASCII digits with a valid Luhn digit.

    UnionPay, Visa and Mastercard numbers all end in a Luhn check digit, so a
    failing one is a typing error, not a card.
    """
    number = _compact(value)
    if not _DIGITS_RE.fullmatch(number):
        raise ValidationError(
            _(
                "A bank card number may contain only digits (spaces and dashes are "
                "fine); remove letters and other symbols."
            ),
            code="card_characters",
        )
    if not 16 <= len(number) <= 19:
        raise ValidationError(
            _(
                "A bank card number has 16 to 19 digits; this one has %(length)d. "
                "Check for missing or extra digits."
            ),
            code="card_length",
            params={"length": len(number)},
        )
    if not luhn.is_valid(number):
        raise ValidationError(
            _(
                "This bank card number fails its check digit (Luhn check); check "
                "it for typing errors."
            ),
            code="card_luhn",
        )
    return number


def normalize_account_number(value: str) -> str:
    """Return a bank account number as 6 to 32 ASCII digits.

    No Luhn check: corporate settlement accounts do not carry one. Use
    :func:`is_card_number` to tell whether the result is also a card number.
    """
    number = _compact(value)
    if not _DIGITS_RE.fullmatch(number):
        raise ValidationError(
            _(
                "An account number may contain only digits (spaces and dashes are "
                "fine); remove letters and other symbols."
            ),
            code="account_characters",
        )
    if not 6 <= len(number) <= 32:
        raise ValidationError(
            _(
                "An account number has 6 to 32 digits; this one has %(length)d. "
                "Check for missing or extra digits."
            ),
            code="account_length",
            params={"length": len(number)},
        )
    return number


def is_card_number(digits: str) -> bool:
    """Tell whether already-normalised digits look like a card number.

    True for 16 to 19 ASCII digits that pass Luhn; never raises.
    """
    return (
        isinstance(digits, str)
        and _DIGITS_RE.fullmatch(digits) is not None
        and 16 <= len(digits) <= 19
        and luhn.is_valid(digits)
    )


# ---------------------------------------------------------------------------
# Organisations: USCC (统一社会信用代码) and organisation code (组织机构代码)
# ---------------------------------------------------------------------------

# GB 32100-2015 alphabet: digits and capital letters except I, O, S, V, Z.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_RE = re.compile(f"[{_USCC_ALPHABET}]{{2}}[0-9]{{6}}[{_USCC_ALPHABET}]{{10}}")

_ORG_CODE_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_uscc(value: str) -> str:
    """Return an 18-character unified social credit code, upper-cased.

    The check character is computed by ``stdnum.cn.uscc``. The format check
    is ours: stdnum requires digits in positions 1-2, but GB 32100 also issues
    letters there (``A`` military, ``N`` rural collectives, ``Y`` other), and
    refusing those would refuse real organisations.
    """
    code = _compact(value).upper()
    if len(code) != 18:
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters; this one has "
                "%(length)d. Check for missing or extra characters."
            ),
            code="uscc_length",
            params={"length": len(code)},
        )
    if not _USCC_RE.fullmatch(code):
        raise ValidationError(
            _(
                "A unified social credit code uses digits and capital letters "
                "except I, O, S, V and Z, with digits in positions 3 to 8; check "
                "for mistyped characters."
            ),
            code="uscc_characters",
        )
    if code[-1] != uscc.calc_check_digit(code):
        raise ValidationError(
            _(
                "This unified social credit code fails its check (the last "
                "character does not match the others); check it for typing errors."
            ),
            code="uscc_checksum",
        )
    return code


def _org_code_check_char(body: str) -> str:
    """GB 11714 check character for the 8-character body (stdnum has no module)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_org_code(value: str) -> str:
    """Return a 9-character organisation code without its dash (``D2143569X``).

    The code is printed as ``XXXXXXXX-C``; the ninth character is the GB 11714
    check digit (weights 3,7,9,10,5,8,4,2 over values 0-9, A=10 ... Z=35;
    ``11 - sum % 11``, where 10 is written X and 11 is written 0).
    """
    code = _compact(value).upper()
    if len(code) != 9:
        raise ValidationError(
            _(
                "An organisation code has 9 characters: 8 digits or capital "
                "letters, then a check digit or X (for example D2143569-X)."
            ),
            code="org_code_length",
        )
    if not _ORG_CODE_RE.fullmatch(code):
        raise ValidationError(
            _(
                "An organisation code may contain only digits and capital "
                "letters, and must end in a digit or X; remove other characters."
            ),
            code="org_code_characters",
        )
    if code[-1] != _org_code_check_char(code[:8]):
        raise ValidationError(
            _(
                "This organisation code fails its check (the last character does "
                "not match the others); check it for typing errors."
            ),
            code="org_code_checksum",
        )
    return code


def normalize_org_identifier(value: str) -> str:
    """Accept either an 18-character USCC or a 9-character organisation code.

    They are told apart by length after folding; since 2015 the USCC replaces
    the organisation code, but older documents still carry the latter.
    """
    length = len(_compact(value))
    if length == 18:
        return normalize_uscc(value)
    if length == 9:
        return normalize_org_code(value)
    raise ValidationError(
        _(
            "Enter an 18-character unified social credit code or a 9-character "
            "organisation code (for example D2143569-X)."
        ),
        code="org_identifier_length",
    )


# ---------------------------------------------------------------------------
# Person names
# ---------------------------------------------------------------------------

# Han ideographs: 〇, Extension A, the URO, compatibility ideographs, and the
# supplementary and tertiary ideographic planes (extensions B and later).
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_HAN_RE = re.compile(f"[{_HAN}]")
#: The Han (CJK ideograph) ranges, for a regular-expression character class, and a pattern
#: matching one Han character.
HAN = _HAN
HAN_RE = _HAN_RE
_HAN_GAP_RE = re.compile(f"(?<=[{_HAN}]) (?=[{_HAN}])")
_MIDDLE_DOTS = dict.fromkeys(map(ord, "\u2022\u2027\u2219\u22c5\u30fb"), "\u00b7")
_APOSTROPHES = dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u00b4`"), "'")
_DOT_SPACING_RE = re.compile(" ?\u00b7 ?")
_NAME_SEPARATORS = "\u00b7-'"
_NAME_MAX_LENGTH = 64


@functools.cache
def _t2s() -> OpenCC:
    """The one Traditional -> Simplified converter (loads its dictionaries once).

    After construction OpenCC.convert only reads its tables, so sharing one
    instance between threads is safe.
    """
    from opencc import OpenCC  # heavy (dictionaries): loaded on first use, see the docstring

    return OpenCC("t2s")


def _clean_name(value: object) -> str:
    """Fold, unify separators, convert to Simplified and fix spacing. Never raises."""
    text = fold(value)  # type: ignore[arg-type]
    text = text.translate(_MIDDLE_DOTS).translate(_APOSTROPHES)
    text = _DASH_RE.sub("-", text)
    if _HAN_RE.search(text):
        text = _t2s().convert(text)
    text = _DOT_SPACING_RE.sub("\u00b7", text)
    return _HAN_GAP_RE.sub("", text)


def _is_name_letter(ch: str) -> bool:
    return ch.isalpha() or ch == "\u3007" or unicodedata.category(ch).startswith("M")


def normalize_person_name(value: str) -> str:
    """Return a person's name in one canonical written form, or refuse it.

    Folded (full-width Latin becomes ASCII), Traditional characters converted
    to Simplified (``陳小明`` -> ``陈小明``) so one person is one entry, no
    spaces between Han characters (``王 小明`` -> ``王小明``), single spaces
    kept between Latin words, and the middle dots used in minority and
    transliterated foreign names (``·``, ``•``, ``‧``, ``・``) unified to
    ``·``. Letters of any script are allowed, plus hyphens and apostrophes
    inside Latin names (``O'Brien``, ``Jean-Pierre``); digits and other
    symbols are refused. Latin letter case is kept as typed.
    """
    name = _clean_name(value)
    if not 1 <= len(name) <= _NAME_MAX_LENGTH:
        raise ValidationError(
            _("Enter a name of 1 to %(max)d characters; this one has %(length)d."),
            code="name_length",
            params={"max": _NAME_MAX_LENGTH, "length": len(name)},
        )
    if any(not (_is_name_letter(ch) or ch == " " or ch in _NAME_SEPARATORS) for ch in name):
        raise ValidationError(
            _(
                "A name may contain only letters (Chinese or Latin), spaces, a "
                "middle dot (·), hyphens and apostrophes; remove digits and symbols."
            ),
            code="name_characters",
        )
    for index, ch in enumerate(name):
        if ch in _NAME_SEPARATORS and not (
            0 < index < len(name) - 1
            and _is_name_letter(name[index - 1])
            and _is_name_letter(name[index + 1])
        ):
            raise ValidationError(
                _(
                    "A middle dot (·), hyphen or apostrophe in a name must stand "
                    "between two letters; remove extra or trailing ones."
                ),
                code="name_separator",
            )
    return name


# --- Matching keys ---------------------------------------------------------

# Surnames whose everyday reading differs from pypinyin's default reading of
# the character; applied to the first character of a Han name only.
_SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "覃": "qin",
    "缪": "miao",
    "种": "chong",
    "翟": "zhai",
    "秘": "bi",
    "繁": "po",
    "员": "yun",
    "召": "shao",
    "黑": "he",
    "句": "gou",
    "隗": "wei",
    "折": "she",
    "薄": "bo",
    "卜": "bu",
    "藏": "zang",
    "郇": "xun",
    "阚": "kan",
    "长": "chang",
    "粘": "nian",
    "祭": "zhai",
    "都": "du",
}
# Two-character surnames pypinyin already reads correctly as phrases, and
# whose first character must not get the single-surname reading above.
_HAN_COMPOUND_SURNAMES = frozenset({"长孙", "单于"})

# Compound surnames (as pinyin pairs) that rarely occur inside given names;
# they win the canonical rotation outright.
_COMPOUND_SURNAME_PINYIN = frozenset(
    {
        ("ou", "yang"),
        ("si", "ma"),
        ("zhu", "ge"),
        ("shang", "guan"),
        ("si", "tu"),
        ("xia", "hou"),
        ("mu", "rong"),
        ("ling", "hu"),
        ("huang", "fu"),
        ("yu", "chi"),
        ("duan", "mu"),
    }
)
# The commonest mainland surnames by frequency, as tone-less pinyin (homophones
# such as 张/章 share a slot). Only used to pick a stable rotation.
_SURNAMES_BY_FREQUENCY = (
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo "
    "he lin gao luo zheng liang xie song tang han feng deng cao peng zeng "
    "xiao tian dong pan yuan cai jiang yu du ye cheng wei su lv ding ren "
    "lu yao shen zhong cui tan fan liao shi jin jia xia fu fang zou xiong "
    "bai meng qin qiu hou yin xue yan duan lei long tao mao hao gu gong "
    "shao wan qian dai mo kong xiang chang kang yi qiao lai wen niu hong "
    "ou ge ni zhan"
)
_SURNAME_RANK = {
    syllable: rank for rank, syllable in enumerate(_SURNAMES_BY_FREQUENCY.split(), start=1)
}
_UNKNOWN_SURNAME_RANK = len(_SURNAME_RANK) + 1

# Passport and informal spellings of ü syllables, mapped to pypinyin's "v".
_PINYIN_ALIASES = {
    "lyu": "lv",
    "nyu": "nv",
    "lyue": "lve",
    "nyue": "nve",
    "lue": "lve",
    "nue": "nve",
}
_MAX_SYLLABLE = 6  # zhuang, chuang, shuang
_LATIN_TOKEN_RE = re.compile(f"[{_HAN}]+|[^\\s{_HAN}{re.escape(_NAME_SEPARATORS)}]+")


@functools.cache
def _pinyin_syllables() -> frozenset[str]:
    """Every tone-less pinyin syllable pypinyin can produce (about 420).

    Derived from pypinyin's own character table so Latin input is segmented
    with exactly the syllables lazy_pinyin emits; the vowel-less interjections
    (m, n, ng, hm, hng) and ê are left out so they never split a real name.
    """
    # pypinyin's tables are heavy: loaded on first use, so importing this module stays cheap.
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    toned: set[str] = set()
    for readings in pinyin_dict.values():
        toned.update(readings.split(","))
    plain = {to_normal(reading) for reading in toned}
    return frozenset(s for s in plain if s.isascii() and s.isalpha() and re.search("[aeiouv]", s))


@functools.lru_cache(maxsize=8192)
def _segment_pinyin(token: str) -> tuple[str, ...] | None:
    """Split a lower-case Latin token such as ``xiaoming`` into pinyin syllables.

    Dynamic programming over the syllable set: fewest syllables wins, then
    fewest vowel-initial syllables after the first (written pinyin would need
    an apostrophe there, so ``fangan`` reads fan|gan). None if not pinyin.
    """
    syllables = _pinyin_syllables()
    best: list[tuple[tuple[int, int], tuple[str, ...]] | None] = [None] * (len(token) + 1)
    best[0] = ((0, 0), ())
    for start in range(len(token)):
        current = best[start]
        if current is None:
            continue
        (count, vowel_starts), parts = current
        for end in range(start + 1, min(start + _MAX_SYLLABLE, len(token)) + 1):
            piece = token[start:end]
            piece = _PINYIN_ALIASES.get(piece, piece)
            if piece not in syllables:
                continue
            cost = (count + 1, vowel_starts + (start > 0 and piece[0] in "aeo"))
            if best[end] is None or cost < best[end][0]:  # type: ignore[index]
                best[end] = (cost, (*parts, piece))
    final = best[len(token)]
    return None if final is None else final[1]


def strip_accents(text: str) -> str:
    """Lower-case and drop accents (José -> jose, Müller -> muller)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_pinyin(token: str) -> str:
    """Lower-case and drop tone marks, writing ü as v the way pypinyin does (Lǚ -> lv)."""
    decomposed = unicodedata.normalize("NFD", token.lower()).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_strip_accents = strip_accents
_fold_pinyin = fold_pinyin


def _name_syllables(name: str) -> list[str] | None:
    """Tone-less syllables of a cleaned name in written order; None if not pinyin."""
    from pypinyin import lazy_pinyin  # heavy: loaded on first use (see the docstring)

    has_han = _HAN_RE.search(name) is not None
    result: list[str] = []
    for position, run in enumerate(_LATIN_TOKEN_RE.findall(name)):
        if _HAN_RE.match(run):
            syllables = [s.lower() for s in lazy_pinyin(run)]
            if (
                position == 0
                and "\u00b7" not in name
                and run[:2] not in _HAN_COMPOUND_SURNAMES
                and run[0] in _SURNAME_READINGS
            ):
                syllables[0] = _SURNAME_READINGS[run[0]]
            result.extend(syllables)
            continue
        folded = _fold_pinyin(run)
        segmented = _segment_pinyin(folded) if folded.isascii() else None
        if segmented is not None:
            result.extend(segmented)
        elif has_han:
            result.append(folded)  # e.g. a Latin nickname beside Han characters
        else:
            return None
    return result


def _canonical_rotation(syllables: list[str]) -> list[str]:
    """Rotate the syllable cycle to start at its most likely surname.

    Surname-first (王小明, "WANG Xiaoming") and surname-last ("Xiaoming Wang")
    spellings are rotations of one cycle; choosing the rotation that starts
    with a compound surname, else the most frequent surname, else the
    alphabetically first, gives every rotation the same key.
    """

    def rank(rotation: list[str]) -> tuple[int, list[str]]:
        if tuple(rotation[:2]) in _COMPOUND_SURNAME_PINYIN:
            return (0, rotation)
        return (_SURNAME_RANK.get(rotation[0], _UNKNOWN_SURNAME_RANK), rotation)

    rotations = (syllables[i:] + syllables[:i] for i in range(len(syllables)))
    return min(rotations, key=rank)


class NameKeys(TypedDict):
    """Keys for fuzzy name matching; empty strings mean "not applicable"."""

    simplified: str
    pinyin: str
    pinyin_compact: str
    initials: str
    latin_folded: str
    tokens: list[str]


def name_keys(name: str) -> NameKeys:
    """Return the keys the watch list matches names on. Never raises.

    - ``simplified``: the cleaned name, as :func:`normalize_person_name` would
      store it (but without refusing anything).
    - ``pinyin``: tone-less syllables, space-joined, in a canonical rotation:
      the name is read as a cycle of syllables and rotated to start at a
      compound surname (欧阳, 司马 ...) if one is present, else at the most
      frequent surname syllable, ties broken alphabetically. So 王小明,
      "Wang Xiaoming", "xiaoming wang" and "WANGXIAOMING" all give
      ``"wang xiao ming"``. It is a matching key, not for display: when a
      given-name syllable is the commoner surname the key starts there
      (曾国藩 -> ``"guo fan zeng"``), but it does so for every spelling and
      order, which is what matching needs. Latin input is read as
      pinyin (tone marks, ü/v/yu spellings accepted); a Latin name that is
      not pinyin ("John Smith") gets ``""`` here and in the next two keys.
    - ``pinyin_compact``: the same syllables without spaces.
    - ``initials``: first letter of each syllable (``"wxm"``).
    - ``latin_folded``: for names without Han characters, lower-cased,
      accent-free words sorted and space-joined (``"smith john"``); ``""``
      for Han names.
    - ``tokens``: the words of ``simplified``, lower-cased, in written order
      (split on spaces and middle dots).

    The first call in a process loads pypinyin and OpenCC (about 0.2 s);
    later calls take well under a millisecond.
    """
    simplified = _clean_name(name)
    tokens = [t.lower() for t in re.split("[ \u00b7]+", simplified) if t]
    has_han = _HAN_RE.search(simplified) is not None
    syllables = _name_syllables(simplified) if simplified else None
    canonical = _canonical_rotation(syllables) if syllables else []
    return {
        "simplified": simplified,
        "pinyin": " ".join(canonical),
        "pinyin_compact": "".join(canonical),
        "initials": "".join(s[0] for s in canonical),
        "latin_folded": "" if has_han else " ".join(sorted(map(_strip_accents, tokens))),
        "tokens": tokens,
    }


#: Compound surnames as pinyin pairs (欧阳 -> ("ou", "yang")), for matchers.
COMPOUND_SURNAME_PINYIN = _COMPOUND_SURNAME_PINYIN


def segment_pinyin(word: str) -> tuple[str, ...] | None:
    """Split one lower-case, accent-free Latin word into pinyin syllables, or None.

    ``"xiaoming"`` -> ``("xiao", "ming")``; ``"smith"`` -> None. Cached; a few microseconds.
    """
    return _segment_pinyin(word)


@functools.lru_cache(maxsize=4096)
def pinyin_segmentations(word: str, limit: int = 6) -> tuple[tuple[str, ...], ...]:
    """Every way (up to `limit`, fewest syllables first) to split a lower-case Latin word
    into pinyin syllables. Written without apostrophes, pinyin is ambiguous: ``"luanchen"``
    is lu-an-chen or luan-chen, ``"xian"`` is xian or xi-an. ``()`` if it is not pinyin."""
    syllables = _pinyin_syllables()
    found: list[tuple[str, ...]] = []

    def walk(start: int, parts: tuple[str, ...]) -> None:
        if len(found) >= limit * 4:
            return
        if start == len(word):
            found.append(parts)
            return
        for end in range(start + 1, min(start + _MAX_SYLLABLE, len(word)) + 1):
            piece = _PINYIN_ALIASES.get(word[start:end], word[start:end])
            if piece in syllables:
                walk(end, (*parts, piece))

    walk(0, ())
    found.sort(key=len)
    return tuple(found[:limit])


def name_syllables(name: str) -> list[str]:
    """Return a name's tone-less pinyin syllables in written order. Never raises.

    Unlike ``name_keys()["pinyin"]`` there is no canonical rotation: ``"王小明"``
    gives ``["wang", "xiao", "ming"]`` and ``"Xiaoming Wang"`` gives
    ``["xiao", "ming", "wang"]``, one syllable per Han character, with the
    same surname readings (曾 -> ``zeng``). The watch list aligns these with
    the characters to tell a homophone from a typo. ``[]`` when the name is
    Latin but not pinyin ("John Smith") or empty.
    """
    simplified = _clean_name(name)
    return (_name_syllables(simplified) if simplified else None) or []


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")
# "mailto:x", "javascript:x", "data:x" - but not "example.com:8080".
_OPAQUE_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(?![0-9])")
_WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = frozenset({80, 443})
_ASCII_LABEL_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")


@functools.cache
def _tld_extractor() -> tldextract.TLDExtract:
    """Offline registrable-domain splitter, built once.

    ``suffix_list_urls=()`` stops tldextract fetching the Public Suffix List
    and ``cache_dir=None`` stops it writing a cache, so it always uses the
    snapshot bundled with the package: no network, no disk. Private suffixes
    (github.io, blogspot.com ...) are included because each site under them
    has a different owner, which is what a fraud watch list cares about.
    """
    import tldextract  # heavy (suffix list snapshot): loaded on first use

    return tldextract.TLDExtract(
        suffix_list_urls=(),
        cache_dir=None,
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


def _url_error(message: Any, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _domain_error() -> ValidationError:
    return _url_error(
        _(
            "Enter a web address with a complete domain name, such as "
            "example.com.cn, or an IP address."
        ),
        "url_domain",
    )


def _normalize_host(host: str) -> str:
    """Lower-case, validate and Unicode-decode a host name label by label."""
    labels = []
    for label in host.split("."):
        if label.isascii() and not label.startswith("xn--"):
            # Plain ASCII: check it directly, allowing the underscores that
            # DNS (unlike IDNA) permits in sub-domains.
            if not _ASCII_LABEL_RE.fullmatch(label):
                raise _domain_error()
            labels.append(label)
            continue
        try:
            labels.append(idna.decode(idna.encode(label, uts46=True)))
        except (idna.IDNAError, UnicodeError):
            raise _domain_error() from None
    return ".".join(labels)


def normalize_url(value: str) -> tuple[str, str]:
    """Return ``(normalised_url, registrable_domain)`` for a web address.

    Designed so that the many ways an analyst pastes one phishing address
    compare equal:

    - the scheme is dropped (only http and https are accepted; ``mailto:``,
      ``javascript:`` and the like are refused), and a missing scheme is fine;
    - the host is lower-cased, full-width dots (``。``, ``．``) become ``.``,
      a trailing root dot and a leading ``www.`` are removed;
    - internationalised hosts are kept in Unicode: punycode input
      (``xn--...``) is decoded, so ``工商银行.中国`` and its punycode form give
      the same key; ``idna.encode`` gives back the ASCII form when needed;
    - ports 80 and 443 are dropped (the result has no scheme, so both count
      as default); other ports are kept;
    - ``user:password@`` is dropped when a scheme is given (the classic
      ``https://bank.com@evil.com`` disguise resolves to evil.com); without
      a scheme, ``name@host`` is refused as an e-mail address;
    - the path is kept with its case, minus a trailing slash; the query is
      kept, the fragment is dropped (it never reaches the server);
    - IPv4/IPv6 hosts are accepted and are their own registrable domain.

    The registrable domain comes from tldextract's bundled Public Suffix List
    snapshot (offline): ``'https://WWW.icbc-verify.com.cn/login?x=1'`` gives
    ``('icbc-verify.com.cn/login?x=1', 'icbc-verify.com.cn')``.
    """
    text = fold(value)
    if not text or " " in text:
        raise _url_error(
            _(
                "Enter a web address such as example.com or "
                "https://example.com/login; it cannot contain spaces."
            ),
            "url_invalid",
        )
    scheme_match = _SCHEME_RE.match(text)
    if scheme_match is not None:
        if scheme_match.group(1).lower() not in _WEB_SCHEMES:
            raise _scheme_error()
        rest = text[scheme_match.end() :]
    elif _OPAQUE_SCHEME_RE.match(text):
        raise _scheme_error()
    else:
        rest = text.removeprefix("//")

    end_of_authority = re.search("[/?#]", rest)
    cut = len(rest) if end_of_authority is None else end_of_authority.start()
    authority, remainder = rest[:cut], rest[cut:]

    if "@" in authority:
        if scheme_match is None:
            raise _url_error(
                _(
                    "This looks like an e-mail address; enter a web address such "
                    "as example.com instead."
                ),
                "url_email",
            )
        authority = authority.rpartition("@")[2]

    host, port = _split_host_port(authority)
    host = host.replace("\u3002", ".").lower().removesuffix(".")
    if not host:
        raise _domain_error()

    registrable: str
    ip = _parse_ip(host)
    if ip is not None:
        registrable = str(ip)
        host = f"[{ip}]" if ip.version == 6 else registrable
    else:
        host = _normalize_host(host)
        parts = _tld_extractor()(host)
        if not parts.domain or not parts.suffix:
            raise _domain_error()
        registrable = parts.top_domain_under_public_suffix
        if parts.subdomain == "www" or parts.subdomain.startswith("www."):
            host = host[len("www.") :]

    path, _q, query = remainder.partition("#")[0].partition("?")
    normalized = host
    if port is not None and port not in _DEFAULT_PORTS:
        normalized += f":{port}"
    normalized += path.rstrip("/")
    if query:
        normalized += f"?{query}"
    return normalized, registrable


def _scheme_error() -> ValidationError:
    return _url_error(
        _(
            "Only web addresses (http:// or https://) are accepted; check the "
            "part before the colon."
        ),
        "url_scheme",
    )


def _split_host_port(authority: str) -> tuple[str, int | None]:
    """Split ``host[:port]`` (or ``[v6]:port``) and validate the port."""
    if authority.startswith("["):
        host, bracket, after = authority[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise _domain_error()
        port_text = after[1:] if after else None
    elif ":" in authority:
        host, _colon, port_text = authority.rpartition(":")
    else:
        host, port_text = authority, None
    if port_text is None:
        return host, None
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _url_error(
            _(
                "The port in this web address is not valid; it must be a number "
                "from 1 to 65535, or leave it out."
            ),
            "url_port",
        )
    return host, int(port_text)


def _parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Uniform access for forms and serializers
# ---------------------------------------------------------------------------

#: Field kind -> normaliser. Each takes the raw value and returns the value to
#: store or raises ValidationError. All return ``str`` except "url", which
#: returns ``(normalised_url, registrable_domain)``. "org_code" accepts either
#: a USCC or an organisation code, as SPEC §6 treats them as one field.
NORMALIZERS: dict[str, Callable[[str], Any]] = {
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
