"""What each kind of entry is about: its fields, their normalisation, its keys.

Pure functions over dicts and Subject-like objects (entries and nominations), shared by the
services, the CSV import and the screening engine so that a value is normalised the same
way wherever it comes from (SPEC §6; chinese.py does the work).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.parsing import (
    FieldErrors,
    parse_choice,
    parse_prose,
    parse_text,
    parse_with,
)

from . import matching
from .choices import ORGANISATION_NAME_KINDS, DocumentType, EntryKind, KeyKind, NameKeyKind

K = EntryKind

SUBJECT_FIELDS = (
    "name",
    "id_number",
    "documents",
    "org_code",
    "account_number",
    "holder_name",
    "bank_name",
    "phone",
    "url",
    "match_whole_domain",
    "reference_number",
    "features",
)

# The fields each kind uses, in the order forms show them.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    K.PERSON: ("name", "id_number", "documents"),
    K.ORGANISATION: ("name", "org_code"),
    K.ACCOUNT: ("account_number", "holder_name", "bank_name"),
    K.PHONE: ("phone",),
    K.WEBSITE: ("url", "match_whole_domain"),
    K.FORGED_BILL: ("features", "reference_number", "name", "org_code"),
    K.FAKE_CARD: ("features", "account_number", "name"),
}

_MAX_NAME = 200
_MAX_FEATURES = 2000
_DOC_RE = re.compile(r"[0-9A-Z]{4,32}")
_BILL_RE = re.compile(r"[0-9A-Z]{6,40}")


def compact_upper(value: object) -> str:
    """Fold, drop spaces and dashes, upper-case: how free-form document numbers compare."""
    return chinese.compact(value or "").upper()


def clean_org_name(value: str) -> str:
    """Organisation names keep digits and brackets; fold and convert to Simplified."""
    text = chinese.name_keys(chinese.fold(value))["simplified"]
    if not 1 <= len(text) <= _MAX_NAME:
        raise ValidationError(
            _("Enter a name of 1 to %(max)d characters.") % {"max": _MAX_NAME},
            code="name_length",
        )
    if not any(ch.isalpha() for ch in text):
        raise ValidationError(_("A name must contain letters."), code="name_characters")
    return text


def _documents(errors: FieldErrors, raw: Any) -> list[dict[str, str]]:
    """Documents as a list of {"type", "number"}; text "passport:E123; other:X9" works too."""
    if raw in (None, "", []):
        return []
    items: list[tuple[str, str]] = []
    if isinstance(raw, str):
        for part in re.split(r"[;\n]+", chinese.fold(raw)):
            if not part.strip():
                continue
            doc_type, sep, number = part.partition(":")
            items.append((doc_type.strip(), number) if sep else (DocumentType.OTHER, doc_type))
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict):
                items.append((str(item.get("type") or DocumentType.OTHER), item.get("number")))
            else:
                errors.add("documents", _("Give each document as a type and a number."))
    else:
        errors.add("documents", _("Give each document as a type and a number."))
    documents = []
    for doc_type, number in items:
        doc_type = errors.collect(
            parse_choice, doc_type, field="documents", choices=DocumentType, required=True
        )
        if doc_type is None:
            continue
        compact = compact_upper(number)
        if not _DOC_RE.fullmatch(compact):
            errors.add(
                "documents",
                _("A document number has 4 to 32 letters and digits; “%(value)s” does not.")
                % {"value": number},
            )
            continue
        documents.append({"type": doc_type, "number": compact})
    return documents


def subject_clean(*, kind: str, raw: dict) -> dict[str, Any]:
    """Validate and normalise a subject of `kind`; raise InvalidInput naming each bad field.

    Fields the kind does not use are blanked. Returns the model fields including
    `value_key`.
    """
    kind = parse_choice(kind, field="kind", choices=K, required=True)
    errors = FieldErrors()
    used = KIND_FIELDS[kind]
    data: dict[str, Any] = {field: "" for field in SUBJECT_FIELDS}
    data["documents"] = []
    data["match_whole_domain"] = True
    data["domain"] = ""

    def text(field: str) -> str:
        return parse_text(raw.get(field) or "", field=field)

    def normalised(field: str, normalise) -> str:
        return errors.collect(parse_with, normalise, text(field), field=field, fallback="")

    if "name" in used and text("name"):
        if kind == K.PERSON:
            data["name"] = normalised("name", chinese.normalize_person_name)
        else:
            data["name"] = normalised("name", clean_org_name)
    if "id_number" in used and text("id_number"):
        data["id_number"] = normalised("id_number", chinese.normalize_id_number)
    if "documents" in used:
        data["documents"] = _documents(errors, raw.get("documents"))
    if "org_code" in used and text("org_code"):
        data["org_code"] = normalised("org_code", chinese.normalize_org_identifier)
    if "account_number" in used and text("account_number"):
        data["account_number"] = normalised("account_number", chinese.normalize_account_number)
    if "holder_name" in used and text("holder_name"):
        data["holder_name"] = normalised("holder_name", chinese.normalize_person_name)
    if "bank_name" in used:
        data["bank_name"] = errors.collect(
            parse_text, raw.get("bank_name") or "", field="bank_name", max_length=100, fallback=""
        )
    if "phone" in used and text("phone"):
        data["phone"] = normalised("phone", chinese.normalize_phone)
    if "url" in used and text("url"):
        result = normalised("url", chinese.normalize_url)
        if result:
            data["url"], data["domain"] = result
            if len(data["url"]) > 500:
                errors.add("url", _("Shorten this web address to at most 500 characters."))
    if "match_whole_domain" in used and "match_whole_domain" in raw:
        value = raw.get("match_whole_domain")
        if isinstance(value, str):
            value = value.strip().lower() not in {"", "0", "false", "no", "n", "否"}
        data["match_whole_domain"] = bool(value)
    if "reference_number" in used and text("reference_number"):
        number = compact_upper(text("reference_number"))
        if _BILL_RE.fullmatch(number):
            data["reference_number"] = number
        else:
            errors.add("reference_number", _("A bill number has 6 to 40 letters and digits."))
    if "features" in used:
        # As typed (Chinese punctuation, line breaks as \n): the digest in `value_key` must
        # not depend on whether the text was pasted with \r\n or \n.
        data["features"] = errors.collect(
            parse_prose,
            raw.get("features"),
            field="features",
            max_length=_MAX_FEATURES,
            fallback="",
        )

    # What each kind needs at least.
    required = {
        K.PERSON: (
            ("name", "id_number", "documents"),
            _("Give a name, an ID number or a document."),
        ),
        K.ORGANISATION: (("name", "org_code"), _("Give a name or a credit code.")),
        K.ACCOUNT: (("account_number",), _("This field is required.")),
        K.PHONE: (("phone",), _("This field is required.")),
        K.WEBSITE: (("url",), _("This field is required.")),
        K.FORGED_BILL: (("features",), _("Describe the forgery's features.")),
        K.FAKE_CARD: (("features",), _("Describe the fake card's features.")),
    }
    needed, message = required[kind]
    if not errors.fields and not any(data[f] for f in needed):
        errors.add(needed[0], message)
    errors.raise_if_any()
    data["value_key"] = value_key(kind, data)
    return data


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def value_key(kind: str, data: dict) -> str:
    """The subject's main normalised value: one open nomination and one active entry each."""
    if kind == K.PERSON:
        if data.get("id_number"):
            main = f"id:{data['id_number']}"
        elif data.get("documents"):
            doc = data["documents"][0]
            main = f"doc:{doc['type']}:{doc['number']}"
        else:
            main = f"name:{data['name']}"
    elif kind == K.ORGANISATION:
        main = f"org:{data['org_code']}" if data.get("org_code") else f"name:{data['name']}"
    elif kind == K.ACCOUNT:
        main = data["account_number"]
    elif kind == K.PHONE:
        main = data["phone"]
    elif kind == K.WEBSITE:
        main = data["url"]
    elif kind == K.FORGED_BILL:
        main = (
            f"bill:{data['reference_number']}"
            if data.get("reference_number")
            else f"features:{_digest(data['features'])}"
        )
    else:
        main = (
            f"card:{data['account_number']}"
            if data.get("account_number")
            else f"features:{_digest(data['features'])}"
        )
    return f"{kind}:{main}"[:300]


def org_code_keys(code: str) -> list[str]:
    """A USCC carries the organisation code in characters 9-17: find either from the other."""
    if len(code) == 18:
        return [code, code[8:17]]
    return [code]


def exact_keys(subject) -> set[tuple[str, str]]:
    """The identifier keys an entry is found under by exact screening."""
    keys: set[tuple[str, str]] = set()
    if subject.id_number:
        keys.add((KeyKind.ID_NUMBER, subject.id_number))
    for doc in subject.documents or []:
        keys.add((KeyKind.DOCUMENT, doc["number"]))
    if subject.org_code:
        keys |= {(KeyKind.ORG_CODE, code) for code in org_code_keys(subject.org_code)}
    if subject.account_number:
        keys.add((KeyKind.ACCOUNT, subject.account_number))
    if subject.phone:
        keys.add((KeyKind.PHONE, subject.phone))
    if subject.url:
        keys.add((KeyKind.URL, subject.url[:255]))
        if subject.match_whole_domain and subject.domain:
            keys.add((KeyKind.DOMAIN, subject.domain))
    if subject.reference_number:
        keys.add((KeyKind.BILL, subject.reference_number))
    return keys


def is_organisation_name(kind: str) -> bool:
    return kind in ORGANISATION_NAME_KINDS


def match_fields(kind: str, name: str) -> dict[str, str]:
    """The entry's stored match_* fields for its name (blank without one)."""
    if not name:
        return {"match_name": "", "match_syllables": "", "match_canonical": ""}
    return matching.stored_fields(name, organisation=is_organisation_name(kind))


def name_index_keys(kind: str, name: str) -> set[tuple[str, str]]:
    if not name:
        return set()
    keys = matching.index_keys(matching.profile(name, organisation=is_organisation_name(kind)))
    return {(NameKeyKind(k), v) for k, v in keys}


def subject_display(subject) -> str:
    """One line that says what the entry is about, for lists and titles."""
    kind = subject.kind
    if kind == K.PERSON:
        parts = [subject.name, subject.id_number] + [d["number"] for d in subject.documents or []]
    elif kind == K.ORGANISATION:
        parts = [subject.name, subject.org_code]
    elif kind == K.ACCOUNT:
        parts = [subject.account_number, subject.holder_name]
    elif kind == K.PHONE:
        parts = [subject.phone]
    elif kind == K.WEBSITE:
        parts = [subject.url]
    elif kind == K.FORGED_BILL:
        parts = [subject.reference_number, subject.name, subject.features[:40]]
    else:
        parts = [subject.account_number, subject.name, subject.features[:40]]
    return " · ".join(p for p in parts if p)


def subject_data(subject) -> dict[str, Any]:
    """The subject's fields as plain data (change feed, audit, CSV)."""
    return {
        "kind": subject.kind,
        **{field: getattr(subject, field) for field in SUBJECT_FIELDS},
        "domain": subject.domain,
    }
