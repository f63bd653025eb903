"""What only the watch list's pages show: its audit actions in words, and field lookups.

Everything else pages need (state badges, choice labels, deadlines, durations) is the
`chrome` library of `fraudops.core`."""

from django import template
from django.utils.translation import gettext_lazy as _

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

# What a refused action was trying to do (refusals are audited under the service's action).
ATTEMPT_LABELS = {
    "watchlist.nominate": _("nominate to the watch list"),
    "watchlist.nomination_approve": _("approve a nomination"),
    "watchlist.nomination_reject": _("reject a nomination"),
    "watchlist.nomination_withdraw": _("withdraw a nomination"),
    "watchlist.entry_update": _("correct an entry"),
    "watchlist.entry_remove": _("remove an entry"),
    "watchlist.entry_review": _("review an entry"),
}

# Decisions on a nomination: their reason is head office's decision, not the listing's.
DECISIONS = {"watchlist.nomination_approved", "watchlist.nomination_rejected"}


@register.filter
def action_label(event) -> str:
    if event.outcome == "refused" and event.action in ATTEMPT_LABELS:
        return _("Refused: tried to %(action)s") % {"action": ATTEMPT_LABELS[event.action]}
    label = ACTION_LABELS.get(event.action)
    if label is None:
        return event.action
    if event.outcome == "refused":
        return _("Refused: %(action)s") % {"action": label}
    return label


@register.filter
def is_decision(event) -> bool:
    return event.action in DECISIONS


@register.filter
def lookup(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.filter
def attr(obj, name: str):
    return getattr(obj, name, "")
