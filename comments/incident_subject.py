"""The incident as a subject of comments (registered from CommentsConfig.ready())."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.errors import NotFound, PermissionRefused
from fraudops.core.i18n import bilingual
from fraudops.core.models import User
from incidents.models import Incident
from incidents.services.locks import incident_lock

from .subjects import check_staff_may_post, register_subject, staff_who_see


def _get(reference: str) -> Incident:
    incident: Incident | None = (
        Incident.objects.select_related("unit").filter(number=reference).first()
    )
    if incident is None:
        raise NotFound(_("No such incident."))
    return incident


def _lock(incident: Incident) -> Incident:
    # The scope is checked by the comment service itself (check_may_read), after the lock.
    return incident_lock(
        actor=Actor.system(), pk=incident.pk, action="comment.lock", related=("unit",)
    )


def check_may_read(actor: Actor, incident: Incident) -> None:
    """Whoever sees the incident reads its comments: staff of its branch's chain (auditors
    included), API clients in whose subtree it lies with incidents:read."""
    if not actor.sees(incident.unit):
        # Not found rather than forbidden: do not reveal incidents of other regions.
        raise NotFound(_("No such incident."))
    if actor.client is not None and not (
        actor.has_scope(ApiScope.INCIDENTS_READ) or actor.has_scope(ApiScope.INCIDENTS_WRITE)
    ):
        raise PermissionRefused(
            _("This API client lacks the incidents:read scope."),
            thread=incident.thread,
            action="comment.read",
        )


def check_may_comment(actor: Actor, incident: Incident, action: str) -> None:
    """Comments are an internal discussion of staff: a person who works at some level and
    sees the incident posts; auditors read only, and API clients read only."""
    check_may_read(actor, incident)
    check_staff_may_post(actor, thread=incident.thread, action=action)


def people_who_may_read(incident: Incident) -> QuerySet[User]:
    """Active staff of the incident's branch and of the units above it (head office
    included): those who see it."""
    return staff_who_see(incident.unit)


def _url(incident: Incident) -> str:
    return reverse("incident_detail", kwargs={"number": incident.number})


def _title(incident: Incident) -> tuple[str, str]:
    return bilingual(lambda: _("incident %(number)s") % {"number": incident.number})


def register() -> None:
    register_subject(
        "incidents.incident",
        key="incident",
        get=_get,
        reference=lambda incident: incident.number,
        lock=_lock,
        check_may_read=check_may_read,
        check_may_comment=check_may_comment,
        thread=lambda incident: incident.thread,
        url=_url,
        title=_title,
        people_who_may_read=people_who_may_read,
    )
