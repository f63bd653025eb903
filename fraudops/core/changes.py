"""Change markers: a short string that changes whenever what a page shows may have changed,
so that an open page can ask "anything new since <marker>?" in one or two indexed queries
and reload only when the answer is yes (docs/live-updates.md).

Every write in FraudOps is audited in its own transaction on its subject's thread
(`incident:42`, `nomination:7`, ...), refusals included, so the audit trail already *is*
the change log: a thread's marker is its number of events and its newest event's id. The
count matters as well as the id: ids are handed out at INSERT, not at COMMIT, so a
transaction that took a smaller id may commit after a larger one was seen; it still
raises the count. (The incident page's marker is this, in one query with the scope check:
`incidents.selectors.incident_change_marker`.)

A list's marker adds which rows the list holds (a new incident reported up, a step that
left the queue) to the markers of the rows' threads, hashed so that it says nothing more
than "changed".

A page reads its marker *before* its content, so that what it shows is never older than
the marker it carries: a change committed while it renders shows on the next poll.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db.models import Count, Max

from .models import AuditEvent


def list_marker(*, rows: Iterable[object], threads: Iterable[str]) -> str:
    """The marker of a list: the rows it holds (ids, states: anything hashable into text)
    and the events of their threads, in one query (none when there are no threads)."""
    keys = sorted({str(row) for row in rows})
    names = sorted(set(threads))
    n, newest = 0, 0
    if names:
        figures = AuditEvent.objects.filter(thread__in=names).aggregate(
            n=Count("id"), newest=Max("id")
        )
        n, newest = figures["n"], figures["newest"] or 0
    digest = hashlib.sha256("|".join([*keys, f"{n}.{newest}"]).encode()).hexdigest()
    return digest[:20]
