"""How the watch list is presented outside its pages: the links and the two-language titles
that clocks and notifications carry. Services ask here instead of building them.

`bilingual` is the watch list's own copy of rendering one translatable text in both
languages (other apps have theirs); it is kept here, alone, so that the shared renderer of
`fraudops.core` can replace it in one step.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

LANGUAGES = ("zh-hans", "en")


def bilingual(render: Callable[[], str]) -> tuple[str, str]:
    """(Simplified Chinese, English) of `render()`, run under each language in turn."""
    texts = []
    for language in LANGUAGES:
        with override(language):
            texts.append(str(render()))
    return texts[0], texts[1]


def nomination_url(nomination) -> str:
    """The nomination's page (what clocks and notifications link to)."""
    return reverse("watchlist:nomination_detail", kwargs={"nomination_id": nomination.pk})


def nomination_decide_titles(nomination) -> tuple[str, str]:
    """(zh, en) title of head office's decision clock and of the notice that a nomination
    is waiting."""
    return bilingual(
        lambda: (
            _("Decide watch-list nomination N-%(id)s: %(what)s")
            % {"id": nomination.pk, "what": nomination.display_value}
        )
    )


def nomination_decided_titles(nomination) -> tuple[str, str]:
    """(zh, en) title of the notice telling the nominator what became of the nomination
    (approved, rejected), in its status's label in each language."""
    return bilingual(
        lambda: (
            _("Watch-list nomination N-%(id)s %(status)s: %(what)s")
            % {
                "id": nomination.pk,
                "status": nomination.get_status_display(),
                "what": nomination.display_value,
            }
        )
    )
