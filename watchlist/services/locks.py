"""Every row lock the watch list's services take, in one place, and the order they take them.

Lock order (a service that needs several takes them top to bottom, never upwards, so two
services can never wait for each other in a circle):

1. the nomination (`nomination_for_update`): deciding or withdrawing it;
2. the entry (`entry_for_update`; the hourly expiry takes a batch with
   `entries_expiring_for_update`, skipping rows someone holds);
3. head office's settings row (`settings_for_update`; `settings_update` takes nothing
   else);
4. the change-feed counter (the `Sequence` row ``FEED_SEQUENCE``, year 0, taken with
   `fraudops.core.services.sequence_next(name=FEED_SEQUENCE, year=0, count=n)` when the
   entries' changes are recorded): its UPDATE row-locks the counter until commit, so it
   serialises every writer of the feed and comes after the rows above;
5. rows the watch list writes last, owned elsewhere or by nobody else: the nomination's
   decision clock (`clocks.services.clock_stop`, after the counter) and the import job's
   final status;
6. the nomination's source incident, then its steps (incidents' own order, taken by
   `incidents.services.task_record_attach` through `step_records.record_link`): the
   nomination and its decisions do playbook steps. Nothing in incidents or account
   control locks a nomination, so the incident after the nomination cannot close a cycle.

The clocks' sweep goes the other way (a clock, then the nomination through
`incident_hooks.nomination_guard`), but with SKIP LOCKED: it passes over a nomination a
decision holds instead of waiting for it, so it cannot deadlock with the services.

Besides the row locks, the FSM's `ConcurrentTransitionMixin` guards the state column: its
UPDATE carries `WHERE status=<loaded status>`, and `fraudops.core.concurrency.save_or_conflict`
turns a lost race into `Conflict` (409).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from fraudops.core.errors import NotFound

from ..choices import EntryStatus
from ..models import Entry, Nomination, WatchlistSettings
from ..selectors import watchlist_settings

#: The change feed's counter (`fraudops.core.models.Sequence`, year 0): lock 4.
FEED_SEQUENCE = "watchlist_feed"


def nomination_for_update(nomination_id: int) -> Nomination:
    """Lock 1: the nomination (with what its decision reads of its relations)."""
    nomination: Nomination | None = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("nominating_unit", "nominated_by", "source_incident")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise NotFound(_("No such nomination."))
    return nomination


def entry_for_update(entry_id: int) -> Entry:
    """Lock 2: one entry."""
    entry: Entry | None = Entry.objects.select_for_update(of=("self",)).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


def entries_expiring_for_update(*, today: datetime.date, limit: int) -> list[Entry]:
    """Lock 2, as a queue: active entries whose last day has passed, oldest first; rows
    someone is editing are skipped (SKIP LOCKED) and left for the next run."""
    return list(
        Entry.objects.select_for_update(skip_locked=True)
        .filter(status=EntryStatus.ACTIVE, expires_on__lt=today)
        .order_by("expires_on", "id")[:limit]
    )


def settings_for_update() -> WatchlistSettings:
    """Lock 3: head office's settings row (created with the defaults the first time)."""
    return WatchlistSettings.objects.select_for_update().get(pk=watchlist_settings().pk)
