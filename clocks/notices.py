"""Telling people about escalations. The sweep writes one outbox row per batch naming each
stage fired and who is to be told; the outbox relay (after commit, with retries) renders the
texts in Chinese and English and delivers them through the notifications app, once per
(clock, stage) and person however often it runs."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from fraudops.core.choices import Role
from fraudops.core.i18n import bilingual_fields
from fraudops.core.models import OrgUnit
from fraudops.core.outbox import outbox_handler
from notifications.choices import Tone
from notifications.services import Message, notifications_deliver

from .choices import EscalationStage
from .models import Clock

NOTICE_KIND = "clocks.escalated"

# The notification texts, as English source strings; rendered in each language below.
TEXTS: dict[str, tuple[str, str]] = {
    EscalationStage.OVERDUE: (
        gettext_noop("Overdue: %(title)s"),
        gettext_noop("The deadline was %(due)s. It is owned by %(role)s at %(unit)s."),
    ),
    EscalationStage.LEVEL_ABOVE: (
        gettext_noop("Escalated to %(told)s: %(title)s"),
        gettext_noop(
            "%(unit)s has not finished this: its deadline was %(due)s and the grace period "
            "of %(grace)s min has passed."
        ),
    ),
    EscalationStage.HEAD_OFFICE: (
        gettext_noop("Escalated to head office: %(title)s"),
        gettext_noop(
            "%(unit)s has still not finished this, and neither the owner's manager nor the "
            "level above resolved it (deadline %(due)s)."
        ),
    ),
}

# The owner roles' labels (lazy: each reads in the language it is rendered in).
_ROLE_LABELS = dict(Role.choices)


def notice_texts(
    clock: Clock, *, stage: str, due_at: datetime.datetime | None, unit: OrgUnit, told: OrgUnit
) -> dict[str, Any]:
    """The notice's title and body in Chinese and English (`title_zh`, `title_en`,
    `body_zh`, `body_en`): the clock's title, unit names and the owner's role each in that
    language."""
    title, body = TEXTS[stage]
    due = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")

    def params() -> dict[str, Any]:
        return {
            "title": clock.title,
            "due": due,
            "unit": unit.name,
            "told": told.name,
            "role": _ROLE_LABELS.get(clock.owner_role, clock.owner_role),
            "grace": clock.grace_minutes,
        }

    return bilingual_fields(params, title=title, body=body)


def escalation_notices_deliver(*, payload: dict[str, Any]) -> int:
    """Deliver a batch of escalation notices (idempotent: one inbox row per (clock, stage)
    and person)."""
    rows = payload.get("escalations") or []
    clocks = Clock.objects.in_bulk([row[0] for row in rows])
    unit_ids = {row[2] for row in rows} | {clock.unit_id for clock in clocks.values()}
    units = OrgUnit.objects.in_bulk(list(unit_ids))
    cache: dict[Any, Any] = {}  # notifications_deliver's recipients, shared by the batch
    delivered = 0
    for clock_id, stage, told_id, roles, due_at in rows:
        clock = clocks.get(clock_id)
        if clock is None:
            continue  # deleted with its subject since: nobody left to tell about it
        message = Message(
            key=f"clock:{clock_id}:{stage}",
            url=clock.url,
            thread=clock.thread,
            kind=f"clock.{stage}",
            tone=Tone.WARNING if stage == EscalationStage.OVERDUE else Tone.DANGER,
            unit_id=told_id,
            roles=tuple(roles),
            created_at=payload.get("fired_at", ""),
            **notice_texts(
                clock,
                stage=stage,
                due_at=parse_datetime(due_at),
                unit=units[clock.unit_id],
                told=units[told_id],
            ),
        )
        delivered += notifications_deliver(payload=message.payload(), cache=cache)
    return delivered


@outbox_handler(NOTICE_KIND)
def _deliver(payload: dict[str, Any]) -> None:
    escalation_notices_deliver(payload=payload)
