"""Writes to the watch list. Each checks who may act, runs inside `atomic()`, locks the row it
changes, keeps the lookup keys and the change feed in step with the entry, and writes its
audit event(s) in the same transaction (on the incident's thread too when it has one).

The browser, the API, the admin, Celery tasks and the demo data all call these functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_fsm import ConcurrentTransition

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record, audit_record_many
from fraudops.core.choices import Role
from fraudops.core.errors import (
    Conflict,
    FourEyesRefused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionRefused,
)
from fraudops.core.models import Sequence
from fraudops.core.selectors import head_office
from fraudops.core.services import refusals_audited
from incidents.models import Incident
from notifications.services import Message, notification_send

from . import permissions, subjects
from .choices import ChangeAction, EntryStatus, ImportStatus, NominationStatus
from .models import (
    Entry,
    EntryChange,
    EntryKey,
    ImportJob,
    NameKey,
    Nomination,
    WatchlistSettings,
)
from .selectors import incident_offer, watchlist_settings

FEED_SEQUENCE = "watchlist_feed"
NOMINATION_CLOCK = "watchlist.nomination_decision"
MAX_REASON = 2000
EXPIRE_BATCH = 500  # entries expired per transaction by the hourly sweep


# --- helpers ---------------------------------------------------------------------------------


def _reason(value: str, *, field: str = "reason", required: bool = True) -> str:
    text = chinese.prose(value)
    if required and not text:
        raise InvalidInput(fields={field: [_("Give a reason.")]})
    if len(text) > MAX_REASON:
        raise InvalidInput(
            fields={field: [_("Shorten this to at most %(max)d characters.") % {"max": MAX_REASON}]}
        )
    return text


def _date(value, *, field: str, today: datetime.date, required: bool = False):
    if value in (None, ""):
        if required:
            raise InvalidInput(fields={field: [_("This field is required.")]})
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            # Folded: a date typed on a Chinese keyboard (２０２７－０６－３０) is still a date.
            value = datetime.date.fromisoformat(chinese.fold(str(value)))
        except ValueError:
            raise InvalidInput(fields={field: [_("Enter a date such as 2027-06-30.")]}) from None
    if value < today:
        raise InvalidInput(fields={field: [_("Choose today or a later date.")]})
    return value


def _feed_allocate(count: int) -> int:
    """Reserve `count` consecutive change-feed positions and return the first.

    The counter row is updated (so locked) until the surrounding transaction commits: a
    second writer waits here, so positions become visible in the order they were handed
    out and a reader following the feed never skips a change that committed late.
    """
    counter = Sequence.objects.filter(name=FEED_SEQUENCE, year=0)
    if not counter.update(value=F("value") + count):
        try:
            with transaction.atomic():
                Sequence.objects.create(name=FEED_SEQUENCE, year=0, value=count)
            return 1
        except IntegrityError:
            counter.update(value=F("value") + count)
    return counter.values_list("value", flat=True).get() - count + 1


def _index(entries: Iterable[Entry]) -> None:
    """Write the exact and name keys of active entries."""
    keys: list[EntryKey] = []
    names: list[NameKey] = []
    for entry in entries:
        keys += [EntryKey(entry=entry, kind=k, value=v) for k, v in subjects.exact_keys(entry)]
        names += [
            NameKey(entry=entry, kind=k, value=v)
            for k, v in subjects.name_index_keys(entry.kind, entry.name)
        ]
    EntryKey.objects.bulk_create(keys, batch_size=2000)
    NameKey.objects.bulk_create(names, batch_size=2000)


def _unindex(entry_ids: list[int]) -> None:
    EntryKey.objects.filter(entry_id__in=entry_ids).delete()
    NameKey.objects.filter(entry_id__in=entry_ids).delete()


def entry_feed_data(entry: Entry) -> dict[str, Any]:
    """What the change feed says about an entry: enough for a local copy to screen exactly."""
    active = entry.status == EntryStatus.ACTIVE
    return {
        "entry_id": entry.pk,
        **subjects.subject_data(entry),
        "status": entry.status,
        "reason": entry.reason,
        "published_at": entry.published_at,
        "expires_on": entry.expires_on,
        "keys": [{"kind": k, "value": v} for k, v in sorted(subjects.exact_keys(entry)) if active],
    }


def _record_changes(entries: list[Entry], action: str) -> None:
    if not entries:
        return
    first = _feed_allocate(len(entries))
    now = timezone.now()
    EntryChange.objects.bulk_create(
        [
            EntryChange(
                seq=first + i, entry=entry, action=action, at=now, data=entry_feed_data(entry)
            )
            for i, entry in enumerate(entries)
        ],
        batch_size=2000,
    )


def _entry_snapshot(entry: Entry) -> dict[str, Any]:
    return {
        **subjects.subject_data(entry),
        "status": entry.status,
        "reason": entry.reason,
        "review_on": entry.review_on,
        "expires_on": entry.expires_on,
    }


def _require(check: bool, *, thread: str = "", action: str = "", message=None) -> None:
    if not check:
        raise PermissionRefused(message, thread=thread, action=action)


def _nomination_for_update(nomination_id: int) -> Nomination:
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("nominating_unit", "nominated_by", "source_incident")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise NotFound(_("No such nomination."))
    return nomination


def _entry_for_update(entry_id: int) -> Entry:
    entry = Entry.objects.select_for_update(of=("self",)).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


def _save(obj, *, thread: str, action: str) -> None:
    try:
        obj.save()
    except ConcurrentTransition:
        raise Conflict(thread=thread, action=action) from None


def review_on_default(today: datetime.date) -> datetime.date:
    """The next review date when none is given: head office's review period from today."""
    return today + datetime.timedelta(days=watchlist_settings().review_period_days)


def _entry_new(
    *,
    kind: str,
    subject: dict[str, Any],
    reason: str,
    published_at: datetime.datetime,
    review_on: datetime.date,
    expires_on: datetime.date | None,
    **links: Any,
) -> Entry:
    """An active entry (not saved) for a cleaned subject (`subjects.subject_clean`'s fields:
    the subject fields, `domain`, `value_key`), with its stored match fields. `links`: who
    nominated and decided it, its source incident or import job."""
    return Entry(
        kind=kind,
        **subject,
        reason=reason,
        published_at=published_at,
        review_on=review_on,
        expires_on=expires_on,
        **links,
        **subjects.match_fields(kind, subject["name"]),
    )


def _notify(**kwargs) -> None:
    """Tell people through the notifications app (the outbox)."""
    notification_send(message=Message(**kwargs))


def _nomination_titles(nomination: Nomination) -> tuple[str, str]:
    with override("zh-hans"):
        zh = _("Decide watch-list nomination N-%(id)s: %(what)s") % {
            "id": nomination.pk,
            "what": nomination.display_value,
        }
    with override("en"):
        en = _("Decide watch-list nomination N-%(id)s: %(what)s") % {
            "id": nomination.pk,
            "what": nomination.display_value,
        }
    return zh, en


# --- nominations -----------------------------------------------------------------------------


def _nomination_create(
    *,
    actor: Actor,
    kind: str,
    data: dict,
    reason: str,
    incident: Incident | None,
    source_ref: str,
    review_on=None,
    expires_on=None,
) -> Nomination:
    action = "watchlist.nominate"
    _require(
        permissions.can_nominate(actor),
        action=action,
        message=_("Only sub-branch and head-office operations monitors nominate entries."),
    )
    today = timezone.localdate()
    cleaned = subjects.subject_clean(kind=kind, raw=data)
    reason = _reason(reason)
    review_on = _date(review_on, field="review_on", today=today)
    expires_on = _date(expires_on, field="expires_on", today=today)
    if Entry.objects.filter(value_key=cleaned["value_key"], status=EntryStatus.ACTIVE).exists():
        raise Conflict(
            _("This is already on the watch list."), code="already_listed", action=action
        )
    settings_row = watchlist_settings()
    now = timezone.now()
    with transaction.atomic():
        nomination = Nomination(
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
        head = head_office()
        title_zh, title_en = _nomination_titles(nomination)
        url = f"/watchlist/nominations/{nomination.pk}/"
        if head is not None:
            from clocks.services import clock_start

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
    data: dict,
    reason: str,
    incident_id: int | None = None,
    review_on=None,
    expires_on=None,
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
    review_on=None,
    expires_on=None,
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


def _decision_checks(actor: Actor, nomination: Nomination, action: str) -> None:
    _require(
        permissions.can_decide(actor),
        thread=nomination.thread,
        action=action,
        message=_("Only head-office operations monitors decide nominations."),
    )
    if actor.user is not None and actor.user.pk == nomination.nominated_by_id:
        raise FourEyesRefused(
            _("You nominated this entry: another head-office monitor must decide it."),
            thread=nomination.thread,
            action=action,
        )
    if nomination.status != NominationStatus.OPEN:
        raise InvalidTransition(
            _("This nomination was already decided: it is %(status)s.")
            % {"status": nomination.get_status_display()},
            thread=nomination.thread,
            action=action,
        )


def _decided(actor: Actor, nomination: Nomination, *, action: str, reason: str, data: dict) -> None:
    """Audit a decision on the nomination (and its incident), stop its clock, tell the
    nominator."""
    from clocks.services import clock_stop

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
            thread=nomination.source_incident.thread,
            target=f"N-{nomination.pk}",
            after={"reason": reason},
            data={"nomination": nomination.pk, "what": nomination.display_value, **data},
        )
    clock_stop(subject=nomination, kind=NOMINATION_CLOCK)
    labels = {}
    for language in ("zh-hans", "en"):
        with override(language):
            labels[language] = _("Watch-list nomination N-%(id)s %(status)s: %(what)s") % {
                "id": nomination.pk,
                "status": nomination.get_status_display(),
                "what": nomination.display_value,
            }
    _notify(
        key=f"watchlist-nomination:{nomination.pk}:{nomination.status}",
        title_zh=labels["zh-hans"],
        title_en=labels["en"],
        body_zh=reason,
        body_en=reason,
        url=f"/watchlist/nominations/{nomination.pk}/",
        thread=nomination.thread,
        kind="watchlist.nomination",
        user_ids=(nomination.nominated_by_id,),
        email=False,
    )


@refusals_audited
def nomination_approve(
    *, actor: Actor, nomination_id: int, reason: str, review_on=None, expires_on=None
) -> Entry:
    """Head office approves a nomination: the entry is published at once (keys written,
    change feed row added), so the very next screening finds it. Never the nominator."""
    action = "watchlist.nomination_approve"
    today = timezone.localdate()
    with transaction.atomic():
        nomination = _nomination_for_update(nomination_id)
        _decision_checks(actor, nomination, action)
        reason = _reason(reason)
        review_on = _date(review_on, field="review_on", today=today) or nomination.review_on
        expires_on = _date(expires_on, field="expires_on", today=today) or nomination.expires_on
        now = timezone.now()
        entry = _entry_new(
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
        _index([entry])
        _record_changes([entry], ChangeAction.PUBLISH)
        nomination.approve()
        nomination.decided_by = actor.user
        nomination.decided_at = now
        nomination.decision_reason = reason
        nomination.entry = entry
        _save(nomination, thread=nomination.thread, action=action)
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
            after=_entry_snapshot(entry),
            data={"nomination": nomination.pk, "decision_reason": reason},
        )
    return entry


@refusals_audited
def nomination_reject(*, actor: Actor, nomination_id: int, reason: str) -> Nomination:
    """Head office rejects a nomination with a reason. Never the nominator."""
    action = "watchlist.nomination_reject"
    with transaction.atomic():
        nomination = _nomination_for_update(nomination_id)
        _decision_checks(actor, nomination, action)
        reason = _reason(reason)
        nomination.reject()
        nomination.decided_by = actor.user
        nomination.decided_at = timezone.now()
        nomination.decision_reason = reason
        _save(nomination, thread=nomination.thread, action=action)
        _decided(actor, nomination, action="watchlist.nomination_rejected", reason=reason, data={})
    return nomination


@refusals_audited
def nomination_withdraw(*, actor: Actor, nomination_id: int, reason: str = "") -> Nomination:
    """The nominator (or a monitor of the same unit) withdraws an open nomination."""
    action = "watchlist.nomination_withdraw"
    with transaction.atomic():
        nomination = _nomination_for_update(nomination_id)
        _require(
            permissions.can_nominate(actor)
            and actor.unit is not None
            and actor.unit.pk == nomination.nominating_unit_id,
            thread=nomination.thread,
            action=action,
            message=_("Only the nominating unit's monitors can withdraw this nomination."),
        )
        if nomination.status != NominationStatus.OPEN:
            raise InvalidTransition(thread=nomination.thread, action=action)
        reason = _reason(reason, required=False)
        nomination.withdraw()
        nomination.decided_at = timezone.now()
        nomination.decision_reason = reason
        _save(nomination, thread=nomination.thread, action=action)
        from clocks.services import clock_stop

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
                thread=nomination.source_incident.thread,
                target=f"N-{nomination.pk}",
                after={"reason": reason},
                data={"nomination": nomination.pk, "what": nomination.display_value},
            )
    return nomination


# --- entries ---------------------------------------------------------------------------------


def _maintainer(actor: Actor, entry: Entry, action: str) -> None:
    _require(
        permissions.can_decide(actor),
        thread=entry.thread,
        action=action,
        message=_("Only head-office operations monitors maintain the watch list."),
    )
    if entry.status != EntryStatus.ACTIVE:
        raise InvalidTransition(
            _("This entry is %(status)s: it can no longer change.")
            % {"status": entry.get_status_display()},
            thread=entry.thread,
            action=action,
        )


def _incident_audit(actor: Actor, entry: Entry, action: str, after: dict) -> None:
    if entry.source_incident_id:
        audit_record(
            actor=actor,
            action=action,
            thread=f"incident:{entry.source_incident_id}",
            target=f"#{entry.pk}",
            after=after,
            data={"entry": entry.pk, "what": entry.display_value},
        )


@refusals_audited
def entry_update(
    *,
    actor: Actor,
    entry_id: int,
    data: dict,
    reason: str,
    note: str,
    review_on=None,
    expires_on=None,
) -> Entry:
    """Head office corrects an active entry (its identifiers, reason, dates). The keys are
    rewritten and core banking sees an `update` in the change feed. `note` says why."""
    action = "watchlist.entry_update"
    today = timezone.localdate()
    with transaction.atomic():
        entry = _entry_for_update(entry_id)
        _maintainer(actor, entry, action)
        note = _reason(note, field="note")
        cleaned = subjects.subject_clean(kind=entry.kind, raw=data)
        reason = _reason(reason)
        review_on = _date(review_on, field="review_on", today=today) or entry.review_on
        expires_on = _date(expires_on, field="expires_on", today=today)
        before = _entry_snapshot(entry)
        for field, value in cleaned.items():
            setattr(entry, field, value)
        entry.reason = reason
        entry.review_on = review_on
        entry.expires_on = expires_on
        for field, value in subjects.match_fields(entry.kind, entry.name).items():
            setattr(entry, field, value)
        after = _entry_snapshot(entry)
        if after == before:
            return entry
        try:
            with transaction.atomic():
                _save(entry, thread=entry.thread, action=action)
        except IntegrityError:
            raise Conflict(
                _("Another active entry already lists this."),
                code="already_listed",
                thread=entry.thread,
                action=action,
            ) from None
        _unindex([entry.pk])
        _index([entry])
        _record_changes([entry], ChangeAction.UPDATE)
        audit_record(
            actor=actor,
            action="watchlist.entry_updated",
            thread=entry.thread,
            target=f"#{entry.pk}",
            before=before,
            after=after,
            data={"note": note},
        )
        _incident_audit(actor, entry, "watchlist.entry_updated", {"note": note})
    return entry


@refusals_audited
def entry_remove(*, actor: Actor, entry_id: int, reason: str) -> Entry:
    """Head office delists an entry, with a reason. It stops hitting at once."""
    action = "watchlist.entry_remove"
    with transaction.atomic():
        entry = _entry_for_update(entry_id)
        _maintainer(actor, entry, action)
        reason = _reason(reason)
        before = _entry_snapshot(entry)
        entry.remove(reason=reason, by=actor.user, at=timezone.now())
        _save(entry, thread=entry.thread, action=action)
        _unindex([entry.pk])
        _record_changes([entry], ChangeAction.REMOVE)
        audit_record(
            actor=actor,
            action="watchlist.entry_removed",
            thread=entry.thread,
            target=f"#{entry.pk}",
            before=before,
            after={"status": entry.status, "removal_reason": reason},
        )
        _incident_audit(actor, entry, "watchlist.entry_removed", {"reason": reason})
    return entry


@refusals_audited
def entry_review_confirm(*, actor: Actor, entry_id: int, note: str, review_on=None) -> Entry:
    """Head office reviewed an entry that came up for review and keeps it: the next review
    date moves on (by the review period unless given)."""
    action = "watchlist.entry_review"
    today = timezone.localdate()
    with transaction.atomic():
        entry = _entry_for_update(entry_id)
        _maintainer(actor, entry, action)
        note = _reason(note, field="note")
        review_on = _date(review_on, field="review_on", today=today) or review_on_default(today)
        before = {"review_on": entry.review_on}
        entry.review_on = review_on
        entry.last_reviewed_at = timezone.now()
        entry.last_reviewed_by = actor.user
        _save(entry, thread=entry.thread, action=action)
        audit_record(
            actor=actor,
            action="watchlist.entry_reviewed",
            thread=entry.thread,
            target=f"#{entry.pk}",
            before=before,
            after={"review_on": review_on},
            data={"note": note},
        )
    return entry


def entries_expire_due(*, today: datetime.date | None = None, limit: int = EXPIRE_BATCH) -> int:
    """Expire active entries whose last day has passed (Celery beat, hourly).

    Screening already ignores them from the day after `expires_on`; this makes it official:
    status, keys, change feed and audit. Rows someone is editing are skipped (SKIP LOCKED)
    and picked up by the next run.
    """
    today = today or timezone.localdate()
    actor = Actor.system()
    with transaction.atomic():
        entries = list(
            Entry.objects.select_for_update(skip_locked=True)
            .filter(status=EntryStatus.ACTIVE, expires_on__lt=today)
            .order_by("expires_on", "id")[:limit]
        )
        for entry in entries:
            entry.expire()
            entry.save()
        audit_record_many(
            actor=actor,
            events=[
                {
                    "action": "watchlist.entry_expired",
                    "thread": entry.thread,
                    "target": f"#{entry.pk}",
                    "before": {"status": EntryStatus.ACTIVE},
                    "after": {"status": entry.status, "expires_on": entry.expires_on},
                }
                for entry in entries
            ],
        )
        _unindex([e.pk for e in entries])
        _record_changes(entries, ChangeAction.EXPIRE)
    return len(entries)


def entries_import_publish(*, job: ImportJob, rows: list[dict], ip: str | None = None) -> int:
    """Publish the checked rows of a CSV import in one transaction (all or nothing): the
    entries as `nomination_approve` builds them (review date defaulting to the review
    period), their keys, one `publish` change each, their audit events in one insert, and
    the import's own event. The job's author is the actor. Returns how many were published.

    Called by `csvio.import_run` once every row passed its checks (`rows`: the line, kind,
    cleaned subject, reason and dates of each).
    """
    actor = Actor.for_user(job.created_by, ip=ip)
    today = timezone.localdate()
    default_review = review_on_default(today)
    now = timezone.now()
    with transaction.atomic():
        entries = [
            _entry_new(
                kind=row["kind"],
                subject=row["subject"],
                reason=row["reason"],
                published_at=now,
                review_on=row["review_on"] or default_review,
                expires_on=row["expires_on"],
                nominating_unit=job.created_by.unit,
                decided_by=job.created_by,
                import_job=job,
            )
            for row in rows
        ]
        Entry.objects.bulk_create(entries, batch_size=1000)
        _index(entries)
        _record_changes(entries, ChangeAction.PUBLISH)
        audit_record_many(
            actor=actor,
            events=[
                {
                    "action": "watchlist.entry_published",
                    "thread": entry.thread,
                    "target": f"#{entry.pk}",
                    "after": _entry_snapshot(entry),
                    "data": {"import": job.pk},
                }
                for entry in entries
            ],
        )
        audit_record(
            actor=actor,
            action="watchlist.import_published",
            thread=f"watchlist-import:{job.pk}",
            target=job.original_name,
            after={"entries": len(entries)},
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            created_count=len(entries),
            message=_("%(n)d entries published.") % {"n": len(entries)},
            finished_at=timezone.now(),
        )
    return len(entries)


@refusals_audited
def settings_update(
    *,
    actor: Actor,
    name_review_threshold,
    review_period_days: int,
    nomination_decision_days: int,
) -> WatchlistSettings:
    """Head office (or an administrator) changes the screening threshold and periods."""
    action = "watchlist.settings_update"
    _require(
        permissions.can_decide(actor) or (actor.user is not None and actor.user.is_superuser),
        action=action,
    )
    try:
        threshold = Decimal(str(name_review_threshold)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        threshold = None
    if threshold is None or not Decimal("0.50") <= threshold <= Decimal("1.00"):
        raise InvalidInput(
            fields={"name_review_threshold": [_("Enter a number from 0.50 to 1.00.")]}
        )
    if int(review_period_days) < 1 or int(nomination_decision_days) < 1:
        raise InvalidInput(fields={"review_period_days": [_("Enter at least one day.")]})
    with transaction.atomic():
        row = WatchlistSettings.objects.select_for_update().get(pk=watchlist_settings().pk)
        before = {
            "name_review_threshold": row.name_review_threshold,
            "review_period_days": row.review_period_days,
            "nomination_decision_days": row.nomination_decision_days,
        }
        row.name_review_threshold = threshold
        row.review_period_days = int(review_period_days)
        row.nomination_decision_days = int(nomination_decision_days)
        row.updated_by = actor.user
        row.save()
        audit_record(
            actor=actor,
            action="watchlist.settings_updated",
            thread="watchlist:settings",
            before=before,
            after={
                "name_review_threshold": row.name_review_threshold,
                "review_period_days": row.review_period_days,
                "nomination_decision_days": row.nomination_decision_days,
            },
        )
    return row
