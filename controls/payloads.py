"""What account control tells core banking about an instruction: one document, the body of
the pull API (`GET /api/v1/freeze-instructions/…`, whose serializer returns it) and, under
"instruction", of the signed webhook. Built here, in the domain, so that the webhook does not
depend on the API layer; a test keeps it equal to the serializer's declared fields (and so to
the OpenAPI document).

Formats are the API's: times in ISO 8601 in the current time zone (UTC written "Z"), amounts
as strings with two decimals, units by code.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .choices import ControlKind
from .models import FreezeInstruction

CURRENCY = "CNY"


def _when(value: datetime.datetime | None) -> str | None:
    if not value:
        return None
    text = timezone.localtime(value).isoformat()
    if text.endswith("+00:00"):
        text = text.removesuffix("+00:00") + "Z"
    return text


def _yuan(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def instruction_payload(instruction: FreezeInstruction) -> dict[str, Any]:
    """The instruction as core banking reads it (field order is the API's)."""
    control = instruction.control
    releases = instruction.releases
    return {
        "id": instruction.pk,
        "kind": instruction.kind,
        "status": instruction.status,
        "account_number": instruction.account_number,
        "holder_name": control.account_holder,
        "amount": _yuan(instruction.amount),
        "currency": CURRENCY,
        "reference": instruction.reference,
        "incident": control.incident.number,
        "unit": instruction.unit.code,
        "releases": {
            "id": releases.pk,
            "reference": releases.reference,
            "bank_reference": releases.bank_reference,
        }
        if releases is not None
        else None,
        "remittance": {
            "reference": control.remittance_reference,
            "sent_at": _when(control.remitted_at),
            "payee_bank": control.payee_bank,
            "payee_name": control.account_holder,
        }
        if instruction.kind == ControlKind.REVERSAL
        else None,
        "issued_at": _when(instruction.issued_at),
        "delivered_at": _when(instruction.delivered_at),
        "delivered_via": instruction.delivered_via,
        "confirmed_at": _when(instruction.confirmed_at),
        "bank_reference": instruction.bank_reference,
        "detail": instruction.detail,
    }


def webhook_document(*, instruction: FreezeInstruction, event: str) -> dict[str, Any]:
    """The webhook's JSON document: the event, its delivery id, the instruction."""
    return {
        "event": event,
        "delivery": f"{instruction.pk}:{event}",
        "instruction": instruction_payload(instruction),
    }
