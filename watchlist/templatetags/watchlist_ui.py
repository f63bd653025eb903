"""Labels for the watch list's pages: audit actions, match rules, key kinds."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..choices import EntryKind, KeyKind, MatchRule

register = template.Library()

ACTION_LABELS = {
    "watchlist.nominated": _("Nominated"),
    "watchlist.nomination_approved": _("Nomination approved"),
    "watchlist.nomination_rejected": _("Nomination rejected"),
    "watchlist.nomination_withdrawn": _("Nomination withdrawn"),
    "watchlist.entry_published": _("Published on the watch list"),
    "watchlist.entry_updated": _("Entry corrected"),
    "watchlist.entry_removed": _("Removed from the watch list"),
    "watchlist.entry_expired": _("Expired"),
    "watchlist.entry_reviewed": _("Reviewed and kept"),
    "watchlist.incident_screened": _("Screened against the watch list"),
    "clock.overdue": _("Decision overdue"),
}


@register.filter
def action_label(event) -> str:
    label = ACTION_LABELS.get(event.action)
    if label is None:
        return event.action
    if event.outcome == "refused":
        return _("Refused: %(action)s") % {"action": label}
    return label


@register.filter
def rule_label(code: str) -> str:
    try:
        return MatchRule(code).label
    except ValueError:
        return code


@register.filter
def key_label(code: str) -> str:
    try:
        return KeyKind(code).label
    except ValueError:
        return code


@register.filter
def kind_label(code: str) -> str:
    try:
        return EntryKind(code).label
    except ValueError:
        return code


@register.filter
def lookup(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.filter
def attr(obj, name: str):
    return getattr(obj, name, "")
