"""The comments panel: on the incident page (registered with incidents.panels) and on any
other registered subject's page, which includes the same template with the same context:

    {% include "comments/_panel.html" with comments_panel=comments_panel %}

where `comments_panel = comments_panel_context(obj, actor)`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from fraudops.core.actors import Actor

from . import permissions, selectors
from .subjects import subject_for


def draft_key(key: str, reference: str) -> str:
    """Where a refused comment's text waits for the form (the template tag `comment_draft`
    puts it back)."""
    return f"comments:draft:{key}:{reference}"


def comments_panel_context(obj: Any, actor: Actor) -> dict[str, Any]:
    """The thread of `obj` (its author, files, whether this person may still change each
    one) and the posting form's addresses: two queries however many comments."""
    subject = subject_for(obj)
    reference = subject.reference(obj)
    may_comment = permissions.may_comment(actor, subject=subject, obj=obj)
    comments = list(selectors.comment_list(actor=actor, obj=obj))
    for comment in comments:
        # Read by the template beside the comment's own fields.
        comment.may_change = may_comment and permissions.may_change(  # type: ignore[attr-defined]
            actor, subject=subject, obj=obj, comment=comment
        )
        comment.editable_until = permissions.editable_until(comment)  # type: ignore[attr-defined]
    return {
        "key": subject.key,
        "reference": reference,
        "comments": comments,
        "may_comment": may_comment,
        "edit_minutes": settings.FRAUDOPS_COMMENT_EDIT_MINUTES,
        "post_url": reverse("comments:add", kwargs={"key": subject.key, "reference": reference}),
        "next": f"{subject.url(obj)}#comments",
    }


def incident_panel_context(incident: Any, actor: Actor) -> dict[str, Any]:
    return {"comments_panel": comments_panel_context(incident, actor)}
