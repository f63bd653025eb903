"""What can be commented on: a registry of subjects, so that comments sit above incidents
and below the apps whose objects carry a thread (a complaint registers itself from its own
app; comments never imports it).

    register_subject(
        "incidents.incident",
        key="incident",                 # in URLs: /comments/incident/<reference>/
        get=lambda reference: ...,      # the object by its reference (NotFound if none); no scope
        reference=lambda obj: obj.number,
        lock=lambda obj: ...,           # the object again, row-locked (inside the transaction)
        check_may_read=...,             # (actor, obj): NotFound out of scope, refusals otherwise
        check_may_comment=...,          # (actor, obj, action): who may post
        thread=lambda obj: obj.thread,  # the subject's audit thread
        url=lambda obj: ...,            # the subject's page (comments link to #comment-<id>)
        title=lambda obj: ("事件 …", "incident …"),  # (zh, en) for notifications
        people_who_may_read=...,        # (obj) -> a User queryset (mentions are checked against it)
    )

Every write on a comment audits on `thread(obj)`, so the subject's timeline and open pages
see it (docs/comments.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.errors import NotFound, PermissionRefused
from fraudops.core.models import OrgUnit, User


@dataclass(frozen=True)
class Subject:
    model_label: str
    key: str
    get: Callable[[str], Any]
    reference: Callable[[Any], str]
    lock: Callable[[Any], Any]
    check_may_read: Callable[[Actor, Any], None]
    check_may_comment: Callable[[Actor, Any, str], None]
    thread: Callable[[Any], str]
    url: Callable[[Any], str]
    title: Callable[[Any], tuple[str, str]]
    people_who_may_read: Callable[[Any], QuerySet[User]]

    def content_type(self) -> ContentType:
        app_label, model = self.model_label.split(".")
        return ContentType.objects.get_by_natural_key(app_label, model)


_by_label: dict[str, Subject] = {}
_by_key: dict[str, Subject] = {}


def register_subject(
    model_label: str,
    *,
    key: str,
    get: Callable[[str], Any],
    reference: Callable[[Any], str],
    lock: Callable[[Any], Any],
    check_may_read: Callable[[Actor, Any], None],
    check_may_comment: Callable[[Actor, Any, str], None],
    thread: Callable[[Any], str],
    url: Callable[[Any], str],
    title: Callable[[Any], tuple[str, str]],
    people_who_may_read: Callable[[Any], QuerySet[User]],
) -> Subject:
    """Make objects of `model_label` ("app_label.model", lower case) commentable. Call it
    from the owning app's AppConfig.ready()."""
    subject = Subject(
        model_label=model_label.lower(),
        key=key,
        get=get,
        reference=reference,
        lock=lock,
        check_may_read=check_may_read,
        check_may_comment=check_may_comment,
        thread=thread,
        url=url,
        title=title,
        people_who_may_read=people_who_may_read,
    )
    _by_label[subject.model_label] = subject
    _by_key[key] = subject
    return subject


def subject_for(obj: Model) -> Subject:
    """The registration of `obj`'s model (LookupError when it is not commentable)."""
    label = obj._meta.label_lower
    try:
        return _by_label[label]
    except KeyError:
        raise LookupError(f"{label} is not registered with comments.subjects") from None


def subject_by_key(key: str) -> Subject:
    """The registration named `key` in URLs (NotFound when there is none)."""
    try:
        return _by_key[key]
    except KeyError:
        raise NotFound(_("Not found.")) from None


def subject_by_label(label: str) -> Subject | None:
    return _by_label.get(label)


def staff_who_see(unit: OrgUnit) -> QuerySet[User]:
    """Active staff of `unit` and of the units above it (head office included): those who
    see what belongs to it, so those a comment on it may mention."""
    parts = unit.path.strip("/").split("/")
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return User.objects.filter(is_active=True).filter(
        Q(unit__path__in=prefixes) | Q(unit__isnull=True, is_superuser=True)
    )


def check_staff_may_post(actor: Actor, *, thread: str, action: str) -> None:
    """The posting rule every subject so far shares, after its own read check: comments are
    an internal discussion of staff, so a person who works at some level posts; auditors and
    API clients read only."""
    if actor.user is None:
        raise PermissionRefused(
            _("Comments are posted by staff; an API client reads them only."),
            thread=thread,
            action=action,
        )
    if not actor.working_levels():
        raise PermissionRefused(
            _("Your role reads comments but does not post them."),
            thread=thread,
            action=action,
        )
