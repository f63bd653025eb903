"""Writes to the entries of the watch list: head office corrects, reviews and delists them;
the hourly sweep expires them. And what every publication shares (nominations and imports
publish through `entry_build`, `entries_index` and `entries_changes_record`): the lookup keys
and the change feed kept in step with the entry.

Locks: the entry, then the change-feed counter (order in `locks.py`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record, audit_record_many
from fraudops.core.concurrency import save_or_conflict
from fraudops.core.errors import Conflict, InvalidTransition
from fraudops.core.parsing import parse_date, parse_prose
from fraudops.core.services import refusals_audited, sequence_next

from .. import permissions, subjects
from ..choices import ChangeAction, EntryStatus
from ..models import MAX_REASON, Entry, EntryChange, EntryKey, NameKey
from ..selectors import watchlist_settings
from .locks import FEED_SEQUENCE, entries_expiring_for_update, entry_for_update


class ProseRules(TypedDict):
    """`parse_prose`'s keyword arguments besides the field."""

    max_length: int
    required: bool
    required_message: Promise


#: How the services read a reason or a note: prose as typed, required, at most MAX_REASON
#: characters (`parse_prose(value, field=..., **REASON)`).
REASON: ProseRules = {
    "max_length": MAX_REASON,
    "required": True,
    "required_message": gettext_lazy("Give a reason."),
}

EXPIRE_BATCH = 500  # entries expired per transaction by the hourly sweep


# --- what every publication shares -----------------------------------------------------------


def review_on_default(today: datetime.date) -> datetime.date:
    """The next review date when none is given: head office's review period from today."""
    return today + datetime.timedelta(days=watchlist_settings().review_period_days)


def entry_build(
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
    entry: Entry = Entry(
        kind=kind,
        **subject,
        reason=reason,
        published_at=published_at,
        review_on=review_on,
        expires_on=expires_on,
        **links,
        **subjects.match_fields(kind, subject["name"]),
    )
    return entry


def entries_index(entries: Iterable[Entry]) -> None:
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


def entries_unindex(entry_ids: list[int]) -> None:
    """Delete the keys of entries that stopped (or are about to stop) being what they were."""
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


def entries_changes_record(entries: list[Entry], action: str) -> None:
    """One change-feed row per entry, at consecutive positions (takes the feed counter: lock
    4, held until the caller commits, so positions become visible in the order they were
    handed out and a reader following the feed never skips a change that committed late)."""
    if not entries:
        return
    first = sequence_next(name=FEED_SEQUENCE, year=0, count=len(entries))
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


def entry_snapshot(entry: Entry) -> dict[str, Any]:
    """The entry as its audit events record it (before / after)."""
    return {
        **subjects.subject_data(entry),
        "status": entry.status,
        "reason": entry.reason,
        "review_on": entry.review_on,
        "expires_on": entry.expires_on,
    }


# --- head office maintains the entries --------------------------------------------------------


def _maintainable(actor: Actor, entry: Entry, action: str) -> None:
    permissions.check_may_maintain(actor, entry=entry, action=action)
    if entry.status != EntryStatus.ACTIVE:
        raise InvalidTransition(
            _("This entry is %(status)s: it can no longer change.")
            % {"status": entry.get_status_display()},
            thread=entry.thread,
            action=action,
        )


def _incident_audit(actor: Actor, entry: Entry, action: str, after: dict[str, Any]) -> None:
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
    data: dict[str, Any],
    reason: str,
    note: str,
    review_on: datetime.date | str | None = None,
    expires_on: datetime.date | str | None = None,
) -> Entry:
    """Head office corrects an active entry (its identifiers, reason, dates). The keys are
    rewritten and core banking sees an `update` in the change feed. `note` says why."""
    action = "watchlist.entry_update"
    today = timezone.localdate()
    with transaction.atomic():
        entry = entry_for_update(entry_id)
        _maintainable(actor, entry, action)
        note = parse_prose(note, field="note", **REASON)
        cleaned = subjects.subject_clean(kind=entry.kind, raw=data)
        reason = parse_prose(reason, field="reason", **REASON)
        review_on = parse_date(review_on, field="review_on", not_before=today) or entry.review_on
        expires_on = parse_date(expires_on, field="expires_on", not_before=today)
        before = entry_snapshot(entry)
        for field, value in cleaned.items():
            setattr(entry, field, value)
        entry.reason = reason
        entry.review_on = review_on
        entry.expires_on = expires_on
        for field, value in subjects.match_fields(entry.kind, entry.name).items():
            setattr(entry, field, value)
        after = entry_snapshot(entry)
        if after == before:
            return entry
        try:
            with transaction.atomic():
                save_or_conflict(entry, thread=entry.thread, action=action)
        except IntegrityError:
            raise Conflict(
                _("Another active entry already lists this."),
                code="already_listed",
                thread=entry.thread,
                action=action,
            ) from None
        entries_unindex([entry.pk])
        entries_index([entry])
        entries_changes_record([entry], ChangeAction.UPDATE)
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
        entry = entry_for_update(entry_id)
        _maintainable(actor, entry, action)
        reason = parse_prose(reason, field="reason", **REASON)
        before = entry_snapshot(entry)
        entry.remove(reason=reason, by=actor.user, at=timezone.now())
        save_or_conflict(entry, thread=entry.thread, action=action)
        entries_unindex([entry.pk])
        entries_changes_record([entry], ChangeAction.REMOVE)
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
def entry_review_confirm(
    *, actor: Actor, entry_id: int, note: str, review_on: datetime.date | str | None = None
) -> Entry:
    """Head office reviewed an entry that came up for review and keeps it: the next review
    date moves on (by the review period unless given)."""
    action = "watchlist.entry_review"
    today = timezone.localdate()
    with transaction.atomic():
        entry = entry_for_update(entry_id)
        _maintainable(actor, entry, action)
        note = parse_prose(note, field="note", **REASON)
        review_on = parse_date(review_on, field="review_on", not_before=today) or review_on_default(
            today
        )
        before = {"review_on": entry.review_on}
        entry.review_on = review_on
        entry.last_reviewed_at = timezone.now()
        entry.last_reviewed_by = actor.user
        save_or_conflict(entry, thread=entry.thread, action=action)
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
        entries = entries_expiring_for_update(today=today, limit=limit)
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
        entries_unindex([e.pk for e in entries])
        entries_changes_record(entries, ChangeAction.EXPIRE)
    return len(entries)
