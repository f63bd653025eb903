"""Telling people about escalations. The sweep writes one outbox row per batch naming each
stage fired and who is to be told; the outbox relay (after commit, with retries) renders the
texts in Chinese and English and delivers them through the notifications app, once per
(clock, stage) and person however often it runs."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fraudops.core.choices import Role
from fraudops.core.models import OrgUnit
from fraudops.core.outbox import outbox_handler
from notifications.choices import Tone
from notifications.services import Message, notifications_deliver

from .choices import EscalationStage
from .models import Clock

NOTICE_KIND = "clocks.escalated"

# The notification texts, as English source strings; rendered in each language below.
TEXTS = {
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
LANGUAGES = (("zh-hans", "zh"), ("en", "en"))


class Texts:
    """Translations looked up once per batch, not once per clock: the format strings and
    role labels in Chinese and English."""

    def __init__(self) -> None:
        self.formats: dict[str, dict[str, tuple[str, str]]] = {}
        self.roles: dict[str, dict[str, str]] = {}
        for language, suffix in LANGUAGES:
            with translation.override(language):
                self.formats[suffix] = {
                    stage: (_(title), _(body)) for stage, (title, body) in TEXTS.items()
                }
                self.roles[suffix] = {value: str(label) for value, label in Role.choices}

    def render(self, clock, *, stage: str, due_at, unit: OrgUnit, told: OrgUnit) -> dict:
        due = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
        texts = {}
        for _language, suffix in LANGUAGES:
            zh = suffix == "zh"
            params = {
                "title": clock.title_zh if zh else clock.title_en,
                "due": due,
                "unit": (unit.name_zh or unit.name_en) if zh else (unit.name_en or unit.name_zh),
                "told": (told.name_zh or told.name_en) if zh else (told.name_en or told.name_zh),
                "role": self.roles[suffix].get(clock.owner_role, clock.owner_role),
                "grace": clock.grace_minutes,
            }
            title, body = self.formats[suffix][stage]
            texts[f"title_{suffix}"] = title % params
            texts[f"body_{suffix}"] = body % params
        return texts


def escalation_notices_deliver(*, payload: dict) -> int:
    """Deliver a batch of escalation notices (idempotent: one inbox row per (clock, stage)
    and person)."""
    rows = payload.get("escalations") or []
    clocks = Clock.objects.in_bulk([row[0] for row in rows])
    unit_ids = {row[2] for row in rows} | {clock.unit_id for clock in clocks.values()}
    units = OrgUnit.objects.in_bulk(list(unit_ids))
    texts, cache, delivered = Texts(), {}, 0
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
            **texts.render(
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
def _deliver(payload: dict) -> None:
    escalation_notices_deliver(payload=payload)
