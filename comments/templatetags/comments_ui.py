"""A comment's text on a page (line breaks kept, @mentions marked) and a refused comment's
draft back in the form."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fraudops.core.views import is_live_refresh

from ..mentions import MENTION
from ..panels import draft_key

register = template.Library()


@register.filter
def comment_body(text: str) -> SafeString:
    """Escaped, each @mention in a <span class="mention">, line breaks as <br>."""
    escaped = str(escape(text or ""))
    marked = MENTION.sub(lambda m: f'<span class="mention">{m.group(0)}</span>', escaped)
    # Built from the escaped text; escaping never produces an @, so the mentions found
    # are the ones typed.
    return mark_safe(marked.replace("\n", "<br>"))


@register.simple_tag(takes_context=True)
def comment_draft(context: Any, panel: dict[str, Any]) -> str:
    """The text of this person's refused comment on this subject, once (a live refresh of
    the page leaves it for the real visit)."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return ""
    key = draft_key(panel["key"], panel["reference"])
    stash = request.session.get(key) if is_live_refresh(request) else request.session.pop(key, None)
    return str((stash or {}).get("body", ""))
