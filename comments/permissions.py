"""Who may do what with comments. The subject decides who reads and who posts
(its registration's `check_may_read` / `check_may_comment`); a comment is changed only by
its author, within the edit window (`settings.FRAUDOPS_COMMENT_EDIT_MINUTES`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.errors import InvalidTransition, PermissionRefused
from fraudops.core.permissions import allowed

from .models import Comment
from .subjects import Subject


def edit_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.FRAUDOPS_COMMENT_EDIT_MINUTES)


def editable_until(comment: Comment) -> datetime.datetime:
    """The window runs from posting (editing does not extend it)."""
    return comment.created_at + edit_window()


def check_may_read(actor: Actor, *, subject: Subject, obj: Any) -> None:
    subject.check_may_read(actor, obj)


def check_may_comment(
    actor: Actor, *, subject: Subject, obj: Any, action: str = "comment.add"
) -> None:
    subject.check_may_comment(actor, obj, action)


def may_comment(actor: Actor, *, subject: Subject, obj: Any) -> bool:
    return allowed(check_may_comment, actor, subject=subject, obj=obj)


def check_may_change(
    actor: Actor, *, subject: Subject, obj: Any, comment: Comment, action: str = "comment.edit"
) -> None:
    """Edit or retract: the author, still allowed to post on the subject, while the edit
    window is open and the comment is not retracted."""
    subject.check_may_comment(actor, obj, action)
    if actor.user is None or comment.author_id != actor.user.pk:
        raise PermissionRefused(
            _("Only the author can change a comment."), thread=comment.thread, action=action
        )
    if comment.retracted_at is not None:
        raise InvalidTransition(
            _("This comment was retracted; it can no longer be changed."),
            thread=comment.thread,
            action=action,
        )
    if timezone.now() > editable_until(comment):
        raise InvalidTransition(
            _(
                "A comment can be changed for %(minutes)d minutes after it is posted; this "
                "one's time is up. Add a new comment instead."
            )
            % {"minutes": settings.FRAUDOPS_COMMENT_EDIT_MINUTES},
            thread=comment.thread,
            action=action,
        )


def may_change(actor: Actor, *, subject: Subject, obj: Any, comment: Comment) -> bool:
    return allowed(check_may_change, actor, subject=subject, obj=obj, comment=comment)
