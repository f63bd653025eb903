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
from fraudops.core.models import OrgUnit, User
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

# The same notices when the subject is assigned to a person, who is named (and told first).
ASSIGNED_BODIES: dict[str, str] = {
    EscalationStage.OVERDUE: gettext_noop(
        "The deadline was %(due)s. It is assigned to %(assignee)s (%(role)s at %(unit)s); "
        "the owner role and its manager are told too."
    ),
    EscalationStage.LEVEL_ABOVE: gettext_noop(
        "%(unit)s has not finished this (assigned to %(assignee)s): its deadline was %(due)s "
        "and the grace period of %(grace)s min has passed."
    ),
    EscalationStage.HEAD_OFFICE: gettext_noop(
        "%(unit)s has still not finished this (assigned to %(assignee)s), and neither the "
        "owner's manager nor the level above resolved it (deadline %(due)s)."
    ),
}

# The owner roles' labels (lazy: each reads in the language it is rendered in).
_ROLE_LABELS = dict(Role.choices)


def notice_texts(
    clock: Clock,
    *,
    stage: str,
    due_at: datetime.datetime | None,
    unit: OrgUnit,
    told: OrgUnit,
    assignee: str = "",
) -> dict[str, Any]:
    """The notice's title and body in Chinese and English (`title_zh`, `title_en`,
    `body_zh`, `body_en`): the clock's title, unit names and the owner's role each in that
    language; the assignee by name when there is one."""
    title, body = TEXTS[stage]
    if assignee:
        body = ASSIGNED_BODIES[stage]
    due = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")

    def params() -> dict[str, Any]:
        return {
            "title": clock.title,
            "due": due,
            "unit": unit.name,
            "told": told.name,
            "role": _ROLE_LABELS.get(clock.owner_role, clock.owner_role),
            "grace": clock.grace_minutes,
            "assignee": assignee,
        }

    return bilingual_fields(params, title=title, body=body)


def _person_names(rows: list[list[Any]]) -> dict[int, str]:
    """The names of the people told first (the assignees) of a batch, in one query."""
    ids = {pk for row in rows if len(row) > 5 for pk in row[5]}
    if not ids:
        return {}
    return {
        pk: display or username
        for pk, display, username in User.objects.filter(pk__in=ids).values_list(
            "pk", "display_name", "username"
        )
    }


def escalation_notices_deliver(*, payload: dict[str, Any]) -> int:
    """Deliver a batch of escalation notices (idempotent: one inbox row per (clock, stage)
    and person). Each row names the people told first (the assignee), the unit and roles
    told, and the (unit, roles) told besides (a manager at another unit): one message per
    unit, under the same key, so a person reached twice is told once."""
    rows = payload.get("escalations") or []
    clocks = Clock.objects.in_bulk([row[0] for row in rows])
    unit_ids = (
        {row[2] for row in rows}
        | {clock.unit_id for clock in clocks.values()}
        | {pk for row in rows if len(row) > 6 for pk, _roles in row[6]}
    )
    units = OrgUnit.objects.in_bulk(list(unit_ids))
    names = _person_names(rows)
    cache: dict[Any, Any] = {}  # notifications_deliver's recipients, shared by the batch
    delivered = 0
    for row in rows:
        clock_id, stage, told_id, roles, due_at = row[:5]
        first: list[int] = list(row[5]) if len(row) > 5 else []
        also: list[list[Any]] = list(row[6]) if len(row) > 6 else []
        clock = clocks.get(clock_id)
        if clock is None:
            continue  # deleted with its subject since: nobody left to tell about it
        texts = notice_texts(
            clock,
            stage=stage,
            due_at=parse_datetime(due_at),
            unit=units[clock.unit_id],
            told=units[told_id],
            assignee=", ".join(names[pk] for pk in first if pk in names),
        )
        groups: list[tuple[int, list[str], list[int]]] = [(told_id, roles, first)]
        groups += [(unit_id, unit_roles, []) for unit_id, unit_roles in also]
        for unit_id, unit_roles, user_ids in groups:
            message = Message(
                key=f"clock:{clock_id}:{stage}",
                url=clock.url,
                thread=clock.thread,
                kind=f"clock.{stage}",
                tone=Tone.WARNING if stage == EscalationStage.OVERDUE else Tone.DANGER,
                unit_id=unit_id,
                roles=tuple(unit_roles),
                user_ids=tuple(user_ids),
                created_at=payload.get("fired_at", ""),
                **texts,
            )
            delivered += notifications_deliver(payload=message.payload(), cache=cache)
    return delivered


@outbox_handler(NOTICE_KIND)
def _deliver(payload: dict[str, Any]) -> None:
    escalation_notices_deliver(payload=payload)
