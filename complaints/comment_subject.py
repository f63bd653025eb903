"""The complaint as a subject of comments (registered from ComplaintsConfig.ready()): the
same internal thread as an incident's, with @mentions, the edit window and files
(docs/comments.md)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from comments.subjects import check_staff_may_post, register_subject, staff_who_see
from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.errors import NotFound, PermissionRefused
from fraudops.core.i18n import bilingual
from fraudops.core.models import User

from .models import Complaint


def _get(reference: str) -> Complaint:
    complaint: Complaint | None = (
        Complaint.objects.select_related("unit").filter(number=reference).first()
    )
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return complaint


def _lock(complaint: Complaint) -> Complaint:
    # The scope is checked by the comment service itself (check_may_read), after the lock.
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=complaint.pk)
    )


def check_may_read(actor: Actor, complaint: Complaint) -> None:
    """Whoever sees the complaint reads its comments: staff of its responsible unit's chain
    (auditors included), API clients in whose subtree it lies with complaints:read."""
    if not actor.sees(complaint.unit):
        # Not found rather than forbidden: do not reveal other regions' complaints.
        raise NotFound(_("No such complaint."))
    if actor.client is not None and not (
        actor.has_scope(ApiScope.COMPLAINTS_READ) or actor.has_scope(ApiScope.COMPLAINTS_WRITE)
    ):
        raise PermissionRefused(
            _("This API client lacks the complaints:read scope."),
            thread=complaint.thread,
            action="comment.read",
        )


def check_may_comment(actor: Actor, complaint: Complaint, action: str) -> None:
    """As on an incident: staff who work at some level and see the complaint post; auditors
    and API clients read only."""
    check_may_read(actor, complaint)
    check_staff_may_post(actor, thread=complaint.thread, action=action)


def people_who_may_read(complaint: Complaint) -> QuerySet[User]:
    return staff_who_see(complaint.unit)


def register() -> None:
    register_subject(
        "complaints.complaint",
        key="complaint",
        get=_get,
        reference=lambda complaint: complaint.number,
        lock=_lock,
        check_may_read=check_may_read,
        check_may_comment=check_may_comment,
        thread=lambda complaint: complaint.thread,
        url=lambda complaint: reverse("complaints:detail", kwargs={"number": complaint.number}),
        title=lambda complaint: bilingual(
            lambda: _("complaint %(number)s") % {"number": complaint.number}
        ),
        people_who_may_read=people_who_may_read,
    )
