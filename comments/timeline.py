"""Comments on the subject's timeline (the incident's: registered with incidents.timeline
from CommentsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents import timeline as incident_timeline

from .services import excerpt

ATTEMPTS = {
    "comment.add": gettext_lazy("post a comment"),
    "comment.edit": gettext_lazy("edit a comment"),
    "comment.retract": gettext_lazy("retract a comment"),
}


def _added(event: Any, context: dict[str, Any]) -> str:
    after = event.after or {}
    sentence = _("Commented: “%(text)s”") % {"text": excerpt(after.get("body", ""), 300)}
    files = after.get("files") or []
    if files:
        sentence += " " + _("(files: %(names)s)") % {"names": ", ".join(files)}
    return sentence


def _edited(event: Any, context: dict[str, Any]) -> str:
    return _("Edited a comment: “%(text)s”") % {
        "text": excerpt((event.after or {}).get("body", ""), 300)
    }


def _retracted(event: Any, context: dict[str, Any]) -> str:
    return _("Retracted a comment")


RENDERERS = {
    "comment.added": _added,
    "comment.edited": _edited,
    "comment.retracted": _retracted,
}


def register() -> None:
    for action, render in RENDERERS.items():
        incident_timeline.register_timeline_action(action, render)
    # incidents.timeline names refused attempts from this table (no register function).
    for action, label in ATTEMPTS.items():
        incident_timeline.ATTEMPTS.setdefault(action, label)
