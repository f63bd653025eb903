"""How the watch list is presented outside its pages: the links and the two-language titles
that clocks and notifications carry. Services ask here instead of building them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from fraudops.core.i18n import bilingual_text

from .models import Nomination

DECIDE_TITLE = gettext_noop("Decide watch-list nomination N-%(id)s: %(what)s")
DECIDED_TITLE = gettext_noop("Watch-list nomination N-%(id)s %(status)s: %(what)s")


def nomination_url(nomination: Nomination) -> str:
    """The nomination's page (what clocks and notifications link to)."""
    return reverse("watchlist:nomination_detail", kwargs={"nomination_id": nomination.pk})


def nomination_decide_titles(nomination: Nomination) -> tuple[str, str]:
    """(zh, en) title of head office's decision clock and of the notice that a nomination
    is waiting."""
    return bilingual_text(DECIDE_TITLE, {"id": nomination.pk, "what": nomination.display_value})


def nomination_decided_titles(nomination: Nomination) -> tuple[str, str]:
    """(zh, en) title of the notice telling the nominator what became of the nomination
    (approved, rejected), in its status's label in each language."""
    return bilingual_text(
        DECIDED_TITLE,
        lambda: {
            "id": nomination.pk,
            "status": nomination.get_status_display(),
            "what": nomination.display_value,
        },
    )
