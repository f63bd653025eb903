"""Reads of complaints, always limited to the actor's subtree (out of sight = NotFound)."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.errors import NotFound
from fraudops.core.models import AuditEvent

from .choices import OPEN_STATES, REPLY_OWED_STATES, ComplaintSource
from .models import (
    Complaint,
    ComplaintDocument,
    ComplaintIncident,
    ComplaintReview,
    ReplyDeadline,
)

HOME_COMPLAINTS = 10

# The defaults shipped by migration 0002, used when a source has no row (a fresh database
# before migrating, a row deleted in the admin): docs/complaints.md gives the reasons.
DEFAULT_REPLY_DEADLINES: dict[str, datetime.timedelta] = {
    ComplaintSource.PETITIONS_OFFICE: datetime.timedelta(days=15),
    ComplaintSource.REGULATOR_HOTLINE: datetime.timedelta(days=5),
    ComplaintSource.COUNTER: datetime.timedelta(days=7),
    ComplaintSource.PHONE: datetime.timedelta(days=7),
    ComplaintSource.LETTER: datetime.timedelta(days=15),
}


def reply_deadline_for(*, source: str) -> datetime.timedelta:
    """How long the reply to a complaint from `source` may take (head office's setting)."""
    row = ReplyDeadline.objects.filter(source=source).first()
    if row is not None:
        return row.duration
    return DEFAULT_REPLY_DEADLINES[source]


def _in_subtree(queryset: QuerySet, actor: Actor) -> QuerySet:
    path = actor.subtree_path()
    return queryset if path is None else queryset.filter(unit__path__startswith=path)


def live_links() -> QuerySet[ComplaintIncident]:
    return ComplaintIncident.objects.filter(unlinked_at__isnull=True)


def _links_in_sight(queryset: QuerySet[ComplaintIncident], actor: Actor) -> QuerySet:
    """Only the links to incidents the actor sees: another unit's incident linked by the
    level above is not revealed, not even by its number."""
    path = actor.subtree_path()
    return queryset if path is None else queryset.filter(incident__unit__path__startswith=path)


def complaint_list(*, actor: Actor) -> QuerySet[Complaint]:
    """Every complaint the actor sees, newest first, with what a list row shows (the
    incidents' numbers in one more query per page)."""
    queryset = Complaint.objects.select_related("unit").prefetch_related(
        Prefetch(
            "incident_links",
            queryset=_links_in_sight(live_links(), actor)
            .select_related("incident")
            .order_by("linked_at", "id"),
            to_attr="live_links",
        )
    )
    return _in_subtree(queryset, actor).order_by("-received_at", "-id")


def complaint_filter(
    queryset: QuerySet[Complaint],
    *,
    actor: Actor,
    states: list[str] | None = None,
    sources: list[str] | None = None,
    overdue: bool | None = None,
    whose: str = "",
    incident: str = "",
) -> QuerySet[Complaint]:
    """The list's filters: states, sources, overdue (the reply owed past its deadline),
    whose ("unit": the actor's own unit answers it; "mine": filed, investigated or drafted
    by the actor), one incident's complaints (its number)."""
    if states:
        queryset = queryset.filter(state__in=states)
    if sources:
        queryset = queryset.filter(source__in=sources)
    now = timezone.now()
    if overdue is True:
        queryset = queryset.filter(state__in=REPLY_OWED_STATES, due_at__lt=now)
    elif overdue is False:
        queryset = queryset.exclude(state__in=REPLY_OWED_STATES, due_at__lt=now)
    if whose == "unit" and actor.unit is not None:
        queryset = queryset.filter(unit=actor.unit)
    elif whose == "mine" and actor.user is not None:
        me = actor.user
        queryset = queryset.filter(Q(filed_by=me) | Q(investigated_by=me) | Q(reply_drafted_by=me))
    if incident:
        queryset = queryset.filter(
            incident_links__incident__number=incident, incident_links__unlinked_at__isnull=True
        )
    return queryset


def complaint_get(*, actor: Actor, number: str) -> Complaint:
    """One complaint with everything its page shows, in a fixed number of queries."""
    queryset = Complaint.objects.select_related(
        "unit",
        "unit__parent",
        "filed_by",
        "filed_by_client",
        "investigated_by",
        "reply_drafted_by",
        "reply_signed_off_by",
        "reply_sent_by",
        "closed_by",
    ).prefetch_related(
        Prefetch(
            "incident_links",
            queryset=_links_in_sight(ComplaintIncident.objects.all(), actor)
            .select_related(
                "incident", "incident__unit", "incident__incident_type", "linked_by", "unlinked_by"
            )
            .order_by("linked_at", "id"),
        ),
        Prefetch("reviews", queryset=_reviews()),
        Prefetch(
            "documents",
            queryset=ComplaintDocument.objects.select_related("uploaded_by").order_by(
                "uploaded_at", "id"
            ),
        ),
    )
    complaint = _in_subtree(queryset.filter(number=number), actor).first()
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return complaint


def _reviews() -> QuerySet[ComplaintReview]:
    return ComplaintReview.objects.select_related("unit", "reviewed_by").order_by(
        "reviewed_at", "id"
    )


def complaint_get_id(*, actor: Actor, number: str) -> int:
    """The pk of a complaint the actor sees (for writes, which lock it themselves)."""
    pk = (
        _in_subtree(Complaint.objects.filter(number=number), actor)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise NotFound(_("No such complaint."))
    return pk


def document_get(*, actor: Actor, number: str, document_id: int) -> ComplaintDocument:
    document = (
        ComplaintDocument.objects.select_related("complaint", "complaint__unit")
        .filter(pk=document_id, complaint__number=number)
        .first()
    )
    if document is None or not actor.sees(document.complaint.unit):
        raise NotFound(_("No such file."))
    return document


def complaint_timeline(*, complaint: Complaint) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(thread=complaint.thread)
        .select_related("actor_user")
        .order_by("at", "id")
    )


def incident_complaints(*, incident_id: int, actor: Actor) -> list[Complaint]:
    """The complaints linked to one incident that the actor sees (one query)."""
    queryset = Complaint.objects.select_related("unit").filter(
        incident_links__incident_id=incident_id, incident_links__unlinked_at__isnull=True
    )
    return list(_in_subtree(queryset, actor).order_by("received_at", "id"))


def home_complaints_marks(*, actor: Actor) -> tuple[list[tuple], list[str]]:
    """What the home block lists, as rows, and their threads (one query): the home queue's
    live marker changes when a complaint arrives, moves on or leaves the block."""
    queryset = Complaint.objects.filter(state__in=OPEN_STATES)
    rows = list(
        _in_subtree(queryset, actor)
        .order_by("due_at", "id")
        .values_list("pk", "state", "due_at")[:HOME_COMPLAINTS]
    )
    return [(pk, state, str(due_at)) for pk, state, due_at in rows], [
        f"complaint:{pk}" for pk, _state, _due in rows
    ]


def home_complaints(*, actor: Actor) -> list[Complaint]:
    """Open complaints in the actor's subtree, nearest deadline first (the home queue)."""
    queryset = Complaint.objects.select_related("unit").filter(state__in=OPEN_STATES)
    return list(_in_subtree(queryset, actor).order_by("due_at", "id")[:HOME_COMPLAINTS])
