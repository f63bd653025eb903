"""Input fields that say in the OpenAPI document what they take, while leaving the checking
to the services (issue 10, item 8).

Input serializers check structure only; the services parse values with the shared kit
(`fraudops.core.parsing`), which is more lenient than any schema (thousands separators,
full-width digits, an offset-less time in the user's zone) and names every bad field in one
answer, in the user's language, exactly as the browser does. So these fields accept text
like `CharField` and pass it on unchanged, and only their schema is typed: a generated
client validates the canonical form before it sends.

| field | OpenAPI |
|---|---|
| `AmountField` | `type: string, format: decimal, pattern: AMOUNT_PATTERN` (yuan, ≤ 2 decimals) |
| `DateTimeStringField` | `type: string, format: date-time` (ISO 8601) |
| `DateStringField` | `type: string, format: date` |
| `ChoiceStringField(choices=…)` | `type: string, enum: [the values]` (and `""` if blank) |
| `CodeField(pattern=…)` | `type: string, pattern: …` (an incident number, a unit or type code) |

`tests/test_openapi_types.py` walks every request body and fails on a bare `type: string`
that is not listed there as genuinely free text: use one of these (or a typed DRF field).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Yuan with at most two decimals, below 10^14, not negative (parse_amount's canonical form).
AMOUNT_PATTERN = r"^\d{1,14}(\.\d{1,2})?$"
INCIDENT_NUMBER_PATTERN = r"^FI-\d{4}-\d{6}$"
UNIT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"
TYPE_CODE_PATTERN = r"^[a-z][a-z0-9_]*$"


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": AMOUNT_PATTERN, "example": "50000.00"}
)
class AmountField(serializers.CharField):
    """An amount in yuan, as a decimal string ("50000.00"); the service parses it."""


@extend_schema_field(OpenApiTypes.DATETIME)
class DateTimeStringField(serializers.CharField):
    """An ISO 8601 date and time; without an offset it is in the user's zone (the service
    parses it with `parse_datetime`)."""


@extend_schema_field(OpenApiTypes.DATE)
class DateStringField(serializers.CharField):
    """An ISO 8601 date (the service parses it with `parse_date`)."""


class ChoiceStringField(serializers.CharField):
    """One of `choices` (a TextChoices class, or values): documented as an enum, checked by
    the service (`parse_choice`) so that one answer names every bad field."""

    def __init__(self, *, choices: Any, **kwargs: Any) -> None:
        pairs: Iterable[Any] = getattr(choices, "choices", choices)
        # What a ChoiceField would hold (value → label), so the document names the enum
        # as it names the same choices elsewhere (ENUM_NAME_OVERRIDES match on them).
        self.choice_pairs = serializers.ChoiceField(choices=list(pairs)).choices
        super().__init__(**kwargs)


class CodeField(serializers.CharField):
    """A code or number with a known shape (an incident number, a unit code): documented
    with its pattern, resolved by the service."""

    def __init__(self, *, pattern: str, **kwargs: Any) -> None:
        self.schema_pattern = pattern
        super().__init__(**kwargs)


# drf-spectacular's extension base registers subclasses in an untyped __init_subclass__.
class ChoiceStringFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = ChoiceStringField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        as_choice = serializers.ChoiceField(
            choices=list(field.choice_pairs.items()),
            allow_blank=field.allow_blank,
            allow_null=field.allow_null,
        )
        return dict(build_choice_field(as_choice))


class CodeFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = CodeField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": self.target.schema_pattern}
