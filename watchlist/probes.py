"""What a screened party is probed with: its fields normalised into the exact identifier
keys and the name query the screening engine looks up. Pure: no database.

Shared by the screening engine (`screening.py`) and the list's search box
(`selectors.entry_list`), so a value typed into either is read the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

from fraudops.core import chinese

from . import matching
from .choices import KeyKind
from .subjects import compact_upper, org_code_keys

MAX_FIELD_LENGTH = 500

T = TypeVar("T")


@dataclass
class PreparedParty:
    exact: list[tuple[str, str, str]]  # (field, key kind, normalised value)
    name: matching.NameQuery | None
    invalid: list[str]
    canonical: str  # what the digest is computed over


def _try(func: Callable[[str], T], value: str) -> T | None:
    try:
        return func(value)
    except ValidationError:
        return None


def prepare_party(raw: dict[str, Any]) -> PreparedParty:
    """Normalise one party's fields into the keys to probe. Invalid values are reported
    (`invalid_fields`) and probe nothing: every stored identifier is a valid one."""
    exact: list[tuple[str, str, str]] = []
    invalid: list[str] = []
    canonical: list[str] = []

    def value(name: str) -> str:
        return chinese.fold(str(raw.get(name) or ""))[:MAX_FIELD_LENGTH]

    code: str | None  # an org-code key of an id number, then the org code typed in
    if text := value("id_number"):
        number = _try(chinese.normalize_id_number, text)
        if number:
            exact.append(("id_number", KeyKind.ID_NUMBER, number))
        org = _try(chinese.normalize_org_identifier, text) if not number else None
        for code in org_code_keys(org) if org else []:
            exact.append(("id_number", KeyKind.ORG_CODE, code))
        document = compact_upper(text)
        exact.append(("id_number", KeyKind.DOCUMENT, document))
        if not number and not org and not document:
            invalid.append("id_number")
        canonical.append(f"id_number={number or document}")
    if text := value("org_code"):
        code = _try(chinese.normalize_org_identifier, text)
        if code:
            exact += [("org_code", KeyKind.ORG_CODE, c) for c in org_code_keys(code)]
        else:
            invalid.append("org_code")
        canonical.append(f"org_code={code or compact_upper(text)}")
    if text := value("phone"):
        phone = _try(chinese.normalize_phone, text)
        if phone:
            exact.append(("phone", KeyKind.PHONE, phone))
        else:
            invalid.append("phone")
        canonical.append(f"phone={phone or compact_upper(text)}")
    if text := value("account"):
        number = _try(chinese.normalize_account_number, text)
        if number:
            exact.append(("account", KeyKind.ACCOUNT, number))
        else:
            invalid.append("account")
        canonical.append(f"account={number or compact_upper(text)}")
    if text := value("url"):
        result = _try(chinese.normalize_url, text)
        if result:
            url, domain = result
            exact += [("url", KeyKind.URL, url[:255]), ("url", KeyKind.DOMAIN, domain)]
        else:
            invalid.append("url")
        canonical.append(f"url={result[0] if result else text}")
    if text := value("bill_number"):
        exact.append(("bill_number", KeyKind.BILL, compact_upper(text)))
        canonical.append(f"bill_number={compact_upper(text)}")
    name = None
    if text := value("name"):
        name = matching.name_query(text)
        canonical.append(f"name={name.person.simplified if name else text}")
    return PreparedParty(exact=exact, name=name, invalid=invalid, canonical="|".join(canonical))
