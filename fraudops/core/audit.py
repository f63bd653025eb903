"""Writing to the audit trail. Call inside the same transaction as the change it records."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from .actors import Actor
from .errors import DomainError
from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def audit_record(
    *,
    actor: Actor,
    action: str,
    thread: str = "",
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> AuditEvent:
    return AuditEvent.objects.create(
        **_fields(
            actor,
            at=timezone.now(),
            action=action,
            thread=thread,
            target=target,
            before=before,
            after=after,
            data=data,
            outcome=outcome,
        )
    )


def audit_record_many(*, actor: Actor, events: Iterable[dict[str, Any]]) -> list[AuditEvent]:
    """Record many events by one actor at once (a bulk import, a sweep): one INSERT per
    1,000 rows instead of one per event, with exactly what `audit_record` would write.

    Each event is a dict of `audit_record`'s keyword arguments other than `actor`
    (`action` required; `thread`, `target`, `before`, `after`, `data`, `outcome`
    optional). They share one timestamp and keep their order (by id).
    """
    at = timezone.now()
    rows = [AuditEvent(**_fields(actor, at=at, **event)) for event in events]
    return AuditEvent.objects.bulk_create(rows, batch_size=1000)


def _fields(
    actor: Actor,
    *,
    at: datetime.datetime,
    action: str,
    thread: str = "",
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> dict[str, Any]:
    return {
        "at": at,
        "action": action,
        "outcome": outcome,
        "actor_user": actor.user,
        "actor_client": actor.client,
        "actor_label": actor.label,
        "actor_unit": actor.unit,
        "ip": actor.ip,
        "thread": thread,
        "target": target,
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
        "data": _jsonable(data or {}),
    }


def audit_refusal(*, actor: Actor, error: DomainError) -> AuditEvent:
    """Record a refused action. Called after the refused change has rolled back."""
    return audit_record(
        actor=actor,
        action=error.action or "action.refused",
        thread=error.thread,
        outcome="refused",
        data={"code": error.code, "message": str(error.message)},
    )
