"""Writes to nominations: a monitor nominates a subject (typed in, or taken from an incident),
head office approves it (publishing the entry at once) or rejects it, the nominating unit
withdraws it. Each starts or stops head office's decision clock and tells people through
the notifications app.

Locks: the nomination, then (approving) the new entry's change-feed counter, then the
decision clock (order in `locks.py`).
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clocks.services import clock_start, clock_stop
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Role
from fraudops.core.concurrency import save_or_conflict
from fraudops.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from fraudops.core.parsing import parse_date, parse_prose
from fraudops.core.selectors import head_office
from fraudops.core.services import refusals_audited
from incidents.models import Incident
from notifications.services import Message, notification_send

from .. import permissions, presentation, subjects
from ..choices import ChangeAction, EntryStatus, NominationStatus
from ..models import MAX_REASON, Entry, Nomination
from ..selectors import incident_offer, watchlist_settings
from ..step_records import record_link
from .entries import (
    REASON,
    entries_changes_record,
    entries_index,
    entry_build,
    entry_snapshot,
    review_on_default,
)
from .locks import nomination_for_update

NOMINATION_CLOCK = "watchlist.nomination_decision"


def _notify(**kwargs: Any) -> None:
    """Tell people through the notifications app (the outbox)."""
    notification_send(message=Message(**kwargs))


def _nomination_create(
    *,
    actor: Actor,
    kind: str,
    data: dict[str, Any],
    reason: str,
    incident: Incident | None,
    source_ref: str,
    review_on: datetime.date | str | None = None,
    expires_on: datetime.date | str | None = None,
) -> Nomination:
    action = "watchlist.nominate"
    permissions.check_may_nominate(actor, action=action)
    today = timezone.localdate()
    cleaned = subjects.subject_clean(kind=kind, raw=data)
    reason = parse_prose(reason, field="reason", **REASON)
    review_on = parse_date(review_on, field="review_on", not_before=today)
    expires_on = parse_date(expires_on, field="expires_on", not_before=today)
    if Entry.objects.filter(value_key=cleaned["value_key"], status=EntryStatus.ACTIVE).exists():
        raise Conflict(
            _("This is already on the watch list."), code="already_listed", action=action
        )
    settings_row = watchlist_settings()
    now = timezone.now()
    with transaction.atomic():
        nomination: Nomination = Nomination(
            kind=kind,
            **cleaned,
            reason=reason,
            source_incident=incident,
            source_ref=source_ref,
            nominating_unit=actor.unit,
            nominated_by=actor.user,
            created_at=now,
            due_at=now + datetime.timedelta(days=settings_row.nomination_decision_days),
            review_on=review_on,
            expires_on=expires_on,
        )
        try:
            with transaction.atomic():
                nomination.save()
        except IntegrityError:
            raise Conflict(
                _("This is already nominated and waiting for head office."),
                code="already_nominated",
                action=action,
            ) from None
        after = {**subjects.subject_data(nomination), "reason": reason, "status": nomination.status}
        audit_record(
            actor=actor,
            action="watchlist.nominated",
            thread=nomination.thread,
            target=f"N-{nomination.pk}",
            after=after,
            data={"incident": incident.number if incident else None, "source": source_ref},
        )
        if incident is not None:
            audit_record(
                actor=actor,
                action="watchlist.nominated",
                thread=incident.thread,
                target=f"N-{nomination.pk}",
                after={"reason": reason},
                data={"nomination": nomination.pk, "what": nomination.display_value},
            )
            # Lock 6: the incident and its steps (the nomination step is done by this).
            record_link(actor=actor, nomination=nomination, incident=incident)
        head = head_office()
        title_zh, title_en = presentation.nomination_decide_titles(nomination)
        url = presentation.nomination_url(nomination)
        if head is not None:
            clock_start(
                subject=nomination,
                kind=NOMINATION_CLOCK,
                due_at=nomination.due_at,
                unit=head,
                owner_role=Role.HEAD_OFFICE_MONITOR,
                thread=incident.thread if incident else nomination.thread,
                title_zh=title_zh,
                title_en=title_en,
                url=url,
            )
            _notify(
                key=f"watchlist-nomination:{nomination.pk}:filed",
                title_zh=title_zh,
                title_en=title_en,
                url=url,
                thread=nomination.thread,
                kind="watchlist.nomination",
                unit_id=head.pk,
                roles=(Role.HEAD_OFFICE_MONITOR,),
                email=False,
            )
    return nomination


@refusals_audited
def nomination_create(
    *,
    actor: Actor,
    kind: str,
    data: dict[str, Any],
    reason: str,
    incident_id: int | None = None,
    review_on: datetime.date | str | None = None,
    expires_on: datetime.date | str | None = None,
) -> Nomination:
    """Nominate a subject for the watch list (sub-branch or head-office monitors).

    Refused when the subject is already listed or already waiting for head office (one
    open nomination per value: a partial unique constraint backs the check). Starts head
    office's decision clock (3 days by default).
    """
    incident = None
    if incident_id is not None:
        incident = Incident.objects.select_related("unit").filter(pk=incident_id).first()
        if incident is None or not actor.sees(incident.unit):
            raise NotFound(_("No such incident."))
    return _nomination_create(
        actor=actor,
        kind=kind,
        data=data,
        reason=reason,
        incident=incident,
        source_ref="",
        review_on=review_on,
        expires_on=expires_on,
    )


@refusals_audited
def nomination_create_from_incident(
    *,
    actor: Actor,
    incident_id: int,
    source_ref: str,
    reason: str,
    review_on: datetime.date | str | None = None,
    expires_on: datetime.date | str | None = None,
) -> Nomination:
    """Nominate a party, account or vehicle of an incident: its data is taken from the
    incident itself (`source_ref` such as "party:12"), never retyped."""
    incident = Incident.objects.select_related("unit").filter(pk=incident_id).first()
    if incident is None or not actor.sees(incident.unit):
        raise NotFound(_("No such incident."))
    offer = incident_offer(incident=incident, source_ref=source_ref)
    if offer is None:
        raise InvalidInput(
            fields={"source": [_("Choose a party, account or vehicle of this incident.")]}
        )
    return _nomination_create(
        actor=actor,
        kind=offer.kind,
        data=offer.data,
        reason=reason,
        incident=incident,
        source_ref=source_ref,
        review_on=review_on,
        expires_on=expires_on,
    )


def _decidable(actor: Actor, nomination: Nomination, action: str) -> None:
    permissions.check_may_decide(actor, nomination=nomination, action=action)
    if nomination.status != NominationStatus.OPEN:
        raise InvalidTransition(
            _("This nomination was already decided: it is %(status)s.")
            % {"status": nomination.get_status_display()},
            thread=nomination.thread,
            action=action,
        )


def _decided(
    actor: Actor, nomination: Nomination, *, action: str, reason: str, data: dict[str, Any]
) -> None:
    """Audit a decision on the nomination (and its incident), stop its clock, tell the
    nominator."""
    after = {"status": nomination.status, "reason": reason, **data}
    audit_record(
        actor=actor,
        action=action,
        thread=nomination.thread,
        target=f"N-{nomination.pk}",
        before={"status": NominationStatus.OPEN},
        after=after,
    )
    if nomination.source_incident_id:
        audit_record(
            actor=actor,
            action=action,
            # source_incident_id is set: the incident is there.
            thread=cast(Incident, nomination.source_incident).thread,
            target=f"N-{nomination.pk}",
            after={"reason": reason},
            data={"nomination": nomination.pk, "what": nomination.display_value, **data},
        )
    clock_stop(subject=nomination, kind=NOMINATION_CLOCK)
    if nomination.source_incident_id:
        # Lock 6, last: head office's step on the incident is done by its decisions.
        record_link(
            actor=actor, nomination=nomination, incident=cast(Incident, nomination.source_incident)
        )
    title_zh, title_en = presentation.nomination_decided_titles(nomination)
    _notify(
        key=f"watchlist-nomination:{nomination.pk}:{nomination.status}",
        title_zh=title_zh,
        title_en=title_en,
        body_zh=reason,
        body_en=reason,
        url=presentation.nomination_url(nomination),
        thread=nomination.thread,
        kind="watchlist.nomination",
        user_ids=(nomination.nominated_by_id,),
        email=False,
    )


@refusals_audited
def nomination_approve(
    *,
    actor: Actor,
    nomination_id: int,
    reason: str,
    review_on: datetime.date | str | None = None,
    expires_on: datetime.date | str | None = None,
) -> Entry:
    """Head office approves a nomination: the entry is published at once (keys written,
    change feed row added), so the very next screening finds it. Never the nominator."""
    action = "watchlist.nomination_approve"
    today = timezone.localdate()
    with transaction.atomic():
        nomination = nomination_for_update(nomination_id)
        _decidable(actor, nomination, action)
        reason = parse_prose(reason, field="reason", **REASON)
        review_on = (
            parse_date(review_on, field="review_on", not_before=today) or nomination.review_on
        )
        expires_on = (
            parse_date(expires_on, field="expires_on", not_before=today) or nomination.expires_on
        )
        now = timezone.now()
        entry = entry_build(
            kind=nomination.kind,
            subject={
                **{f: getattr(nomination, f) for f in subjects.SUBJECT_FIELDS},
                "domain": nomination.domain,
                "value_key": nomination.value_key,
            },
            reason=nomination.reason,
            published_at=now,
            review_on=review_on or review_on_default(today),
            expires_on=expires_on,
            decided_by=actor.user,
            source_incident_id=nomination.source_incident_id,
            nominating_unit_id=nomination.nominating_unit_id,
            nominated_by_id=nomination.nominated_by_id,
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise Conflict(
                _("This is already on the watch list."),
                code="already_listed",
                thread=nomination.thread,
                action=action,
            ) from None
        entries_index([entry])
        entries_changes_record([entry], ChangeAction.PUBLISH)
        nomination.approve()
        nomination.decided_by = actor.user
        nomination.decided_at = now
        nomination.decision_reason = reason
        nomination.entry = entry
        save_or_conflict(nomination, thread=nomination.thread, action=action)
        # The decision first, then its consequence: the history reads in that order.
        _decided(
            actor,
            nomination,
            action="watchlist.nomination_approved",
            reason=reason,
            data={"entry": entry.pk},
        )
        audit_record(
            actor=actor,
            action="watchlist.entry_published",
            thread=entry.thread,
            target=f"#{entry.pk}",
            after=entry_snapshot(entry),
            data={"nomination": nomination.pk, "decision_reason": reason},
        )
    return entry


@refusals_audited
def nomination_reject(*, actor: Actor, nomination_id: int, reason: str) -> Nomination:
    """Head office rejects a nomination with a reason. Never the nominator."""
    action = "watchlist.nomination_reject"
    with transaction.atomic():
        nomination = nomination_for_update(nomination_id)
        _decidable(actor, nomination, action)
        reason = parse_prose(reason, field="reason", **REASON)
        nomination.reject()
        nomination.decided_by = actor.user
        nomination.decided_at = timezone.now()
        nomination.decision_reason = reason
        save_or_conflict(nomination, thread=nomination.thread, action=action)
        _decided(actor, nomination, action="watchlist.nomination_rejected", reason=reason, data={})
    return nomination


@refusals_audited
def nomination_withdraw(*, actor: Actor, nomination_id: int, reason: str = "") -> Nomination:
    """The nominator (or a monitor of the same unit) withdraws an open nomination."""
    action = "watchlist.nomination_withdraw"
    with transaction.atomic():
        nomination = nomination_for_update(nomination_id)
        permissions.check_may_withdraw(actor, nomination=nomination, action=action)
        if nomination.status != NominationStatus.OPEN:
            raise InvalidTransition(thread=nomination.thread, action=action)
        reason = parse_prose(reason, field="reason", max_length=MAX_REASON)
        nomination.withdraw()
        nomination.decided_at = timezone.now()
        nomination.decision_reason = reason
        save_or_conflict(nomination, thread=nomination.thread, action=action)
        clock_stop(subject=nomination, kind=NOMINATION_CLOCK)
        audit_record(
            actor=actor,
            action="watchlist.nomination_withdrawn",
            thread=nomination.thread,
            target=f"N-{nomination.pk}",
            before={"status": NominationStatus.OPEN},
            after={"status": nomination.status, "reason": reason},
        )
        if nomination.source_incident_id:
            audit_record(
                actor=actor,
                action="watchlist.nomination_withdrawn",
                # source_incident_id is set: the incident is there.
                thread=cast(Incident, nomination.source_incident).thread,
                target=f"N-{nomination.pk}",
                after={"reason": reason},
                data={"nomination": nomination.pk, "what": nomination.display_value},
            )
            record_link(
                actor=actor,
                nomination=nomination,
                incident=cast(Incident, nomination.source_incident),
            )
    return nomination
