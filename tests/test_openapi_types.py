"""The OpenAPI document types every input as it is (issue 10, item 8): amounts are decimal
strings with a pattern, datetimes `date-time`, dates `date`, choices enums, booleans
booleans, ids integers; a request field is a bare `type: string` only when it is genuinely
free text (listed below with the reason). A generated client can then validate before it
sends.

The rules are generic: they walk every request body of every operation under /api/v1/
(JSON, form and multipart; nested objects and arrays; `$ref`, `allOf`, `oneOf`), so an
endpoint added later is checked without touching this file. When it fails, the message
names the operation, the schema and the field, and what to do:

- type the field: `fraudops/core/api/fields.py` (AmountField, DateTimeStringField,
  DateStringField, ChoiceStringField, CodeField: they document the type and leave the
  parsing to the service) or a typed DRF field (IntegerField, BooleanField, ChoiceField);
- or, if it really is free text, add its name to FREE_TEXT with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

API_PREFIX = "/api/v1/"
WRITE_METHODS = ("post", "put", "patch", "delete")

# Request fields that are free text, by name, with the reason. Prose is checked by the
# services (`parse_prose`: kept as typed, too long refused); identifiers by `chinese.py`
# (SPEC §6: full-width digits, spaces and separators are accepted, so no pattern can say
# what is valid without refusing what a Chinese keyboard types).
FREE_TEXT: dict[str, str] = {
    # prose
    "summary": "prose: the incident's account of what happened",
    "reason": "prose: why",
    "note": "prose",
    "notes": "prose",
    "detail": "prose: core banking's detail on a confirmation",
    "description": "prose: what an uploaded file shows",
    "instruction": "prose: the instruction to the level below",
    "fraud_script_detail": "prose: the script in the victim's words",
    "summary_amendment": "prose: what is added to the account of what happened",
    "request": "prose: what a complainant asks for",
    "findings": "prose: what a complaint's investigation found",
    "finding": "prose: what the level above's review found",
    "text": "prose: a complaint's reply",
    "body": "prose: a comment, with @username mentions in it",
    # names and references typed as they are written
    "name": "a person's or organisation's name (Simplified, Traditional, pinyin)",
    "name_zh": "an incident type's Chinese name (the playbook schema checks it has Chinese)",
    "name_en": "an incident type's English name (the playbook schema checks it has none)",
    "description_zh": "prose: what an incident type covers, in Chinese",
    "description_en": "prose: what an incident type covers, in English",
    "holder_name": "a person's name",
    "payee_name": "a person's name",
    "bank_name": "another bank's name",
    "payee_bank": "another bank's name",
    "external_reference": "another system's reference, in its own format",
    "remittance_reference": "the payment system's reference, in its own format",
    "reference": "core banking's reference, in its own format",
    # identifiers, validated and normalised by the service (SPEC §6)
    "id_number": "an ID document number (resident ID, passport, …)",
    "phone": "a phone number as typed (mobile, landline, +86 …)",
    "number": "an account or card number as typed",
    "account": "an account or card number as typed (screening)",
    "payee_account_number": "an account or card number as typed",
    "value": "a fraud vehicle: a URL, phone number or text of an advert",
    "url": "a web address as typed (with or without scheme)",
    "org_code": "an organisation code or unified social credit code as typed",
    "bill_number": "a bill's number as printed",
}

# What fields named like these must be. A name that matches none and is a string must be
# typed some other way (enum, format, pattern) or be in FREE_TEXT.
AMOUNT = re.compile(r"(^|_)amount(_|$)")
CHOICE_NAMES = {
    "kind",
    "role",
    "state",
    "status",
    "outcome",
    "channel",
    "fraud_script",
    "id_type",
    "staff_role",
    "result",
    "transition",
    "expected_state",
    "decision",
    "level",
}
BOOLEAN_NAMES = {"serious", "at_this_bank", "all", "immediate", "awaiting_review"}
INTEGER_NAMES = {"task", "party", "ids"}

# Known fields, checked by name and place so the walk is not vacuous: (path, field) → rule.
KNOWN: dict[tuple[str, str], str] = {
    ("/api/v1/incidents/", "occurred_at"): "datetime",
    ("/api/v1/incidents/", "amount_lost"): "decimal",
    ("/api/v1/incidents/", "amount_recovered"): "decimal",
    ("/api/v1/incidents/", "amount_prevented"): "decimal",
    ("/api/v1/incidents/", "channel"): "enum",
    ("/api/v1/incidents/", "fraud_script"): "enum",
    ("/api/v1/incidents/", "outcome"): "enum",
    ("/api/v1/incidents/", "serious"): "boolean",
    ("/api/v1/incidents/", "id_type"): "enum",
    ("/api/v1/incidents/", "at_this_bank"): "boolean",
    ("/api/v1/incidents/", "party"): "integer",
    ("/api/v1/control-requests/", "amount"): "decimal",
    ("/api/v1/control-requests/", "kind"): "enum",
    ("/api/v1/reversal-requests/", "amount"): "decimal",
    ("/api/v1/reversal-requests/", "remitted_at"): "datetime",
    ("/api/v1/immediate-stop-payments/", "amount"): "decimal",
    ("/api/v1/immediate-stop-payments/", "account"): "integer",
    ("/api/v1/control-requests/{number}/review/", "outcome"): "enum",
    ("/api/v1/freeze-instructions/{id}/confirm/", "result"): "enum",
    ("/api/v1/watchlist/nominations/", "review_on"): "date",
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _is_blank_or_null(alternative: dict[str, Any]) -> bool:
    """The alternatives drf-spectacular adds for allow_blank / allow_null."""
    enum = alternative.get("enum")
    if enum is not None and all(v in ("", None) for v in enum):
        return True
    return alternative.get("maxLength") == 0 or alternative.get("type") == "null"


def _alternatives(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """The field's real type(s): through $ref, allOf and oneOf, less the blank and null
    alternatives; each merged with the field's own keys (format, pattern, enum, …)."""
    node = _resolve(schema, node)
    own = {k: v for k, v in node.items() if k not in ("allOf", "oneOf", "anyOf")}
    if "allOf" in node:
        merged = dict(own)
        for part in node["allOf"]:
            merged.update(_resolve(schema, part))
        return [merged]
    if "oneOf" in node or "anyOf" in node:
        found = []
        for part in node.get("oneOf", node.get("anyOf", [])):
            part = _resolve(schema, part)
            if not _is_blank_or_null(part):
                found.extend({**own, **alt} for alt in _alternatives(schema, part))
        return found
    return [node]


def _fields(
    schema: dict[str, Any], node: dict[str, Any], where: str, seen: frozenset[int] = frozenset()
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, field name, its type) of every property of a request body, nested ones too."""
    node = _resolve(schema, node)
    if id(node) in seen:
        return
    seen = seen | {id(node)}
    for alternative in _alternatives(schema, node):
        if alternative.get("type") == "array" and "items" in alternative:
            yield from _fields(schema, alternative["items"], where, seen)
        for name, prop in (alternative.get("properties") or {}).items():
            if _resolve(schema, prop).get("readOnly"):
                continue
            for typed in _alternatives(schema, prop):
                yield where, name, typed
                if typed.get("type") in ("object", "array") or "properties" in typed:
                    yield from _fields(schema, typed, f"{where}.{name}", seen)


def _request_fields(schema: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(path, "METHOD path body", field, type) for every request field under /api/v1/."""
    for path, operations in schema["paths"].items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in operations.items():
            if method not in WRITE_METHODS or "requestBody" not in operation:
                continue
            for content_type, body in operation["requestBody"]["content"].items():
                ref = body["schema"].get("$ref", "").rsplit("/", 1)[-1] or "inline"
                where = f"{method.upper()} {path} ({content_type}) {ref}"
                for place, name, typed in _fields(schema, body["schema"], where):
                    yield path, place, name, typed


def _is_decimal(t: dict[str, Any]) -> bool:
    return t.get("type") == "number" or (
        t.get("type") == "string" and t.get("format") == "decimal" and bool(t.get("pattern"))
    )


RULES = {
    "decimal": (_is_decimal, "a decimal string: type string, format decimal, with a pattern"),
    "datetime": (
        lambda t: t.get("type") == "string" and t.get("format") == "date-time",
        "type string, format date-time",
    ),
    "date": (
        lambda t: t.get("type") == "string" and t.get("format") == "date",
        "type string, format date",
    ),
    "enum": (lambda t: bool(t.get("enum")), "an enum of its choices"),
    "boolean": (lambda t: t.get("type") == "boolean", "type boolean"),
    "integer": (
        lambda t: (
            t.get("type") == "integer"
            or (t.get("type") == "array" and t.get("items", {}).get("type") == "integer")
        ),
        "type integer",
    ),
}


def _rule_for(name: str) -> str | None:
    if AMOUNT.search(name):
        return "decimal"
    if name.endswith("_at"):
        return "datetime"
    if name.endswith("_on"):
        return "date"
    if name in CHOICE_NAMES:
        return "enum"
    if name in BOOLEAN_NAMES or name.startswith(("is_", "has_")):
        return "boolean"
    if name in INTEGER_NAMES or name.endswith("_id"):
        return "integer"
    return None


HOW_TO_TYPE = (
    "type it with fraudops/core/api/fields.py (AmountField, DateTimeStringField, "
    "DateStringField, ChoiceStringField, CodeField) or a typed DRF field"
)


def _bare_string(t: dict[str, Any]) -> bool:
    return (
        t.get("type") == "string"
        and not t.get("format")
        and not t.get("enum")
        and not t.get("pattern")
    )


def type_problems(schema: dict[str, Any]) -> list[str]:
    """Every request field that is not typed as it is, with what to do about it."""
    problems = []
    for _path, where, name, typed in _request_fields(schema):
        rule = _rule_for(name)
        if rule is not None:
            check, wanted = RULES[rule]
            if not check(typed):
                shown = {k: typed[k] for k in ("type", "format", "pattern", "enum") if k in typed}
                problems.append(
                    f"{where}: field {name!r} looks like {rule} and must be {wanted}; it is "
                    f"{shown}. {HOW_TO_TYPE}."
                )
            continue
        if _bare_string(typed) and name not in FREE_TEXT:
            problems.append(
                f"{where}: field {name!r} is a bare `type: string`. Either {HOW_TO_TYPE}, or, "
                f"if it is genuinely free text, add {name!r} to FREE_TEXT in "
                f"tests/test_openapi_types.py with the reason."
            )
    return problems


def test_every_request_field_is_typed_as_it_is(schema):
    problems = type_problems(schema)
    assert not problems, "\n".join(problems)


def test_a_free_string_field_added_later_fails_the_rule():
    """The rule itself: an endpoint nobody listed, with an untyped amount, time, choice and
    a bare string, is caught field by field (and its free text is not)."""
    body = {
        "type": "object",
        "properties": {
            "amount_paid": {"type": "string"},
            "paid_at": {"type": "string"},
            "kind": {"type": "string"},
            "flavour": {"type": "string"},
            "reason": {"type": "string"},
            "nested": {
                "type": "array",
                "items": {"type": "object", "properties": {"serious": {"type": "string"}}},
            },
        },
    }
    fake = {
        "paths": {
            "/api/v1/new-thing/": {
                "post": {"requestBody": {"content": {"application/json": {"schema": body}}}}
            }
        },
        "components": {"schemas": {}},
    }
    problems = type_problems(fake)
    assert len(problems) == 5, problems
    for name in ("amount_paid", "paid_at", "kind", "flavour", "serious"):
        assert any(f"field {name!r}" in p for p in problems), name
    assert all("POST /api/v1/new-thing/" in p for p in problems)


def test_the_known_fields_are_there_with_their_types(schema):
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path, _where, name, typed in _request_fields(schema):
        found.setdefault((path, name), []).append(typed)
    problems = []
    for (path, name), rule in KNOWN.items():
        check, wanted = RULES[rule]
        if (path, name) not in found:
            problems.append(f"{path}: no request field {name!r} (renamed? update KNOWN)")
        elif not all(check(t) for t in found[(path, name)]):
            problems.append(f"{path}: {name!r} must be {wanted}: {found[(path, name)]}")
    assert not problems, "\n".join(problems)


def test_amount_pattern_takes_the_canonical_form_and_refuses_the_rest(schema):
    amount = next(
        t
        for path, _where, name, t in _request_fields(schema)
        if path == "/api/v1/reversal-requests/" and name == "amount"
    )
    pattern = re.compile(amount["pattern"])
    assert all(pattern.match(v) for v in ("0.01", "50000", "50000.00", "99999999999999.99"))
    assert not any(pattern.match(v) for v in ("-1", "1.234", "1e5", "", "abc"))


def test_free_text_is_listed_with_a_reason():
    assert all(reason.strip() for reason in FREE_TEXT.values())
    overlaps = [n for n in FREE_TEXT if _rule_for(n) is not None]
    assert not overlaps, f"typed by name, cannot be free text: {overlaps}"
