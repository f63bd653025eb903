"""The search box's keys: what an incident is found under, and what a typed query may be.

Both sides go through the same normalisers as filing and watch-list screening
(`fraudops.core.chinese`): full-width input folded, resident IDs checked, phones to E.164,
Traditional names to Simplified, names keyed by their pinyin (canonical syllable order,
so "Wang Xiaoming", "xiaoming wang" and 王小明 meet) and initials, web addresses to their
normalised form and registrable domain. A query is classified into every kind it can be
(a string of 11 digits may be a phone or an account number) and looked up by exact key:
`SearchKey` has a btree on (key, kind), and nothing here ever scans with `LIKE`.

Pure functions of the objects' fields: no queries (the data migration that builds the keys
of existing incidents calls `incident_keys` on its historical models).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from fraudops.core import chinese

from .choices import IdType, SearchKeyKind, VehicleKind

K = SearchKeyKind
Pair = tuple[str, str]
KEY_MAX = 255
QUERY_MAX = 200

_NUMBER_RE = re.compile(r"(?:FI-?(\d{4})-?|(\d{4})-)(\d{1,6})")
_DIGITS_RE = re.compile(r"\d{8,32}")
_DOCUMENT_RE = re.compile(r"[0-9A-Z]{5,32}")
_LETTERS_RE = re.compile(r"[a-z]{2,6}")


def _key(value: str) -> str:
    return value[:KEY_MAX]


def _upper(value: str) -> str:
    return chinese.compact(value).upper()


def name_pairs(name: str) -> set[Pair]:
    """The keys a stored name is found under: the Simplified name, its pinyin (canonical
    order), its initials (canonical and written order) and, for a Latin name, its words
    sorted."""
    if not name:
        return set()
    keys = chinese.name_keys(name)
    pairs: set[Pair] = set()
    if keys["simplified"]:
        pairs.add((K.NAME, _key(keys["simplified"].casefold())))
    if keys["pinyin_compact"]:
        pairs.add((K.PINYIN, _key(keys["pinyin_compact"])))
    if keys["initials"]:
        pairs.add((K.INITIALS, _key(keys["initials"])))
        written = chinese.name_syllables(name)
        if written:
            pairs.add((K.INITIALS, _key("".join(s[0] for s in written))))
    if keys["latin_folded"]:
        pairs.add((K.LATIN, _key(keys["latin_folded"])))
    return pairs


def _document_pairs(id_type: str, id_number: str) -> set[Pair]:
    if not id_number:
        return set()
    number = _upper(id_number)
    pairs: set[Pair] = {(K.DOCUMENT, _key(number))}
    if id_type == IdType.USCC and len(number) == 18:
        # A unified social credit code carries the organisation code in characters 9-17.
        pairs.add((K.DOCUMENT, number[8:17]))
    return pairs


def _url_pairs(value: str) -> set[Pair]:
    try:
        normalized, domain = chinese.normalize_url(value)
    except ValidationError:
        return set()
    return {(K.URL, _key(normalized)), (K.DOMAIN, _key(domain))}


def incident_keys(
    incident: Any, *, parties: Iterable[Any], accounts: Iterable[Any], vehicles: Iterable[Any]
) -> set[Pair]:
    """Every (kind, key) an incident is found under, from its fields and its parties',
    accounts' and fraud vehicles' (already normalised at filing)."""
    pairs: set[Pair] = {(K.NUMBER, incident.number.upper())}
    serial = _NUMBER_RE.fullmatch(incident.number.upper())
    if serial:
        # The serial alone ("123" of FI-2026-000123): what people read out on the phone.
        pairs.add((K.NUMBER, str(int(serial.group(3)))))
    if incident.external_reference:
        pairs.add((K.REFERENCE, _key(_upper(incident.external_reference))))
    for party in parties:
        pairs |= name_pairs(party.name)
        pairs |= _document_pairs(party.id_type, party.id_number)
        if party.phone:
            pairs.add((K.PHONE, _key(party.phone)))
    for account in accounts:
        pairs.add((K.ACCOUNT, _key(_upper(account.number))))
        pairs |= name_pairs(account.holder_name)
    for vehicle in vehicles:
        if vehicle.kind == VehicleKind.PHISHING_URL:
            pairs |= _url_pairs(vehicle.normalized or vehicle.value)
        elif vehicle.kind == VehicleKind.FRAUD_PHONE and vehicle.normalized:
            pairs.add((K.PHONE, _key(vehicle.normalized)))
    return pairs


def _try(normalise: Any, value: str) -> Any:
    try:
        return normalise(value)
    except ValidationError:
        return None


def query_keys(text: str) -> set[Pair]:
    """Every (kind, key) a typed query may mean; empty when there is nothing to look up.

    An incident number (FI-2026-000123, fi2026123, 2026-123, or its serial alone: 123), an
    external reference, a resident ID or other document number, a unified social credit or
    organisation code, a phone, an account or card number, a web address or domain, and a
    name (Simplified or Traditional characters, pinyin with or without spaces in any order,
    initials).
    """
    folded = chinese.fold(text or "").strip()[:QUERY_MAX]
    if not folded:
        return set()
    upper = _upper(folded)
    pairs: set[Pair] = {(K.REFERENCE, _key(upper))}
    number = _NUMBER_RE.fullmatch(folded.upper().replace(" ", ""))
    if upper.isdigit() and len(upper) <= 6:
        pairs.add((K.NUMBER, str(int(upper))))
    if number:
        year = number.group(1) or number.group(2)
        pairs.add((K.NUMBER, f"FI-{year}-{int(number.group(3)):06d}"))

    resident_id = _try(chinese.normalize_id_number, folded)
    if resident_id:
        pairs.add((K.DOCUMENT, resident_id))
    organisation = _try(chinese.normalize_org_identifier, folded)
    if organisation:
        pairs |= _document_pairs(IdType.USCC, organisation)
    if _DOCUMENT_RE.fullmatch(upper):
        pairs.add((K.DOCUMENT, upper))

    phone = _try(chinese.normalize_phone, folded)
    if phone:
        pairs.add((K.PHONE, phone))
    if _DIGITS_RE.fullmatch(upper):
        pairs.add((K.ACCOUNT, upper))

    if "." in folded or "\u3002" in folded:
        pairs |= _url_query_pairs(folded)

    if _try(chinese.normalize_person_name, folded):
        pairs |= _name_query_pairs(folded)
    return pairs


def _url_query_pairs(folded: str) -> set[Pair]:
    """A web address finds that address; a bare host (no path) also every address under its
    registrable domain."""
    try:
        normalized, domain = chinese.normalize_url(folded)
    except ValidationError:
        return set()
    pairs: set[Pair] = {(K.URL, _key(normalized))}
    if "/" not in normalized and "?" not in normalized:
        pairs.add((K.DOMAIN, _key(domain)))
    return pairs


_READINGS_MAX = 12


def _pinyin_readings(folded: str) -> set[Pair]:
    """Pinyin typed without apostrophes reads more than one way: "Junyu" is jun-yu (俊宇)
    or ju-nyu (居女). Every reading's key, so that the one the name was stored under is
    among them."""
    words = [chinese.strip_accents(word).lower() for word in re.split(r"[\s\u00b7'-]+", folded)]
    options = [chinese.pinyin_segmentations(word) for word in words if word]
    if not options or not all(options):
        return set()
    readings: set[Pair] = set()
    for combination in itertools.islice(itertools.product(*options), _READINGS_MAX):
        syllables = " ".join(" ".join(parts) for parts in combination)
        compact = chinese.name_keys(syllables)["pinyin_compact"]
        if compact:
            readings.add((K.PINYIN, _key(compact)))
    return readings


def _name_query_pairs(folded: str) -> set[Pair]:
    keys = chinese.name_keys(folded)
    pairs: set[Pair] = set()
    if keys["simplified"]:
        pairs.add((K.NAME, _key(keys["simplified"].casefold())))
    if keys["pinyin_compact"]:
        pairs.add((K.PINYIN, _key(keys["pinyin_compact"])))
    if keys["latin_folded"]:
        pairs.add((K.LATIN, _key(keys["latin_folded"])))
    if not chinese.HAN_RE.search(folded):
        pairs |= _pinyin_readings(folded)
    letters = folded.replace(" ", "").lower()
    if _LETTERS_RE.fullmatch(letters) and not keys["pinyin_compact"]:
        # Too short to be read as pinyin: "zxl" is 张秀兰's initials.
        pairs.add((K.INITIALS, letters))
    return pairs
