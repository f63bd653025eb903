"""Reads of comments; the subject's registration decides who reads them."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.errors import NotFound

from .models import Comment, CommentFile, CommentMention, CommentRevision
from .subjects import Subject, subject_by_key, subject_for


def subject_resolve(*, actor: Actor, key: str, reference: str) -> tuple[Subject, Any]:
    """The registered subject `key` ("incident") and its object `reference` (an incident's
    number), if `actor` may read it: NotFound for a missing one and one out of scope alike."""
    subject = subject_by_key(key)
    obj = subject.get(reference)
    subject.check_may_read(actor, obj)
    return subject, obj


def comment_list(*, actor: Actor, obj: Any) -> QuerySet[Comment]:
    """The comments on `obj`, oldest first, with their authors and files: three queries
    however many (the caller has checked that `actor` may read `obj`)."""
    subject_for(obj)
    return (
        Comment.objects.filter(
            subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
        )
        .select_related("author")
        .prefetch_related(Prefetch("files", queryset=CommentFile.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def comment_get(*, actor: Actor, obj: Any, comment_id: int) -> Comment:
    """One comment of `obj` with its earlier versions and the people it mentions
    (NotFound when it is another subject's)."""
    comment = (
        comment_list(actor=actor, obj=obj)
        .prefetch_related(
            Prefetch("revisions", queryset=CommentRevision.objects.order_by("number")),
            Prefetch("mentions", queryset=CommentMention.objects.select_related("user")),
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def comment_file_get(*, actor: Actor, obj: Any, comment_id: int, file_id: int) -> CommentFile:
    found = CommentFile.objects.filter(
        pk=file_id,
        comment_id=comment_id,
        comment__subject_type=ContentType.objects.get_for_model(obj),
        comment__subject_id=obj.pk,
    ).first()
    if found is None:
        raise NotFound(_("No such file."))
    return found
