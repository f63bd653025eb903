"""What complaints look like outside their own pages: their URL, the reply clock's titles
and the notices' wording, in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from fraudops.core.i18n import bilingual_text

from .choices import ComplaintSource
from .models import Complaint

CLOCK_TITLE = gettext_noop("Reply to complaint %(number)s (%(source)s)")
RECEIVED_TITLE = gettext_noop("Complaint %(number)s received: reply due %(due)s")
RECEIVED_BODY = gettext_noop(
    "%(source)s. %(unit)s answers it; the reply is due by %(due)s. What they ask: %(request)s"
)


def complaint_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", kwargs={"number": complaint.number})


def _params(complaint: Complaint) -> Callable[[], dict[str, Any]]:
    def params() -> dict[str, Any]:
        return {
            "number": complaint.number,
            "source": ComplaintSource(complaint.source).label,
            "unit": complaint.unit.name,
            "due": timezone.localtime(complaint.due_at).strftime("%Y-%m-%d %H:%M"),
            "request": complaint.request[:200],
        }

    return params


def reply_clock_titles(complaint: Complaint) -> tuple[str, str]:
    return bilingual_text(CLOCK_TITLE, _params(complaint))


def received_notice(complaint: Complaint) -> tuple[tuple[str, str], tuple[str, str]]:
    """((title zh, title en), (body zh, body en)) of the notice to the responsible unit."""
    params = _params(complaint)
    return bilingual_text(RECEIVED_TITLE, params), bilingual_text(RECEIVED_BODY, params)
