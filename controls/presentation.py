"""How account control is named and linked for people: page addresses, clock titles, local
times. The services pass these along (to a clock, a notification) but do not build them.

Titles stored in both languages are rendered with the shared kit's `bilingual_text`.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_noop, pgettext_lazy

from fraudops.core.i18n import bilingual_text
from incidents.models import Incident

from .choices import ControlKind
from .models import AssistanceRequest, ControlRequest

# --- addresses --------------------------------------------------------------------------------


def control_url(control: ControlRequest) -> str:
    return reverse("controls:request-detail", kwargs={"number": control.number})


def authorise_url(control: ControlRequest) -> str:
    """The remote authorisation centre's one-click page (reversals)."""
    return reverse("controls:authorise", kwargs={"number": control.number})


def decision_url(control: ControlRequest) -> str:
    """Where the approvers decide: the one-click page for a reversal, else the request."""
    return authorise_url(control) if control.kind == ControlKind.REVERSAL else control_url(control)


def assistance_url(assistance: AssistanceRequest) -> str:
    return reverse("controls:assistance-detail", kwargs={"pk": assistance.pk})


# --- times ------------------------------------------------------------------------------------


def clock_time(moment: datetime.datetime) -> str:
    """A deadline as the reader's local hour and minute ("14:05")."""
    return timezone.localtime(moment).strftime("%H:%M")


# --- clock titles (both languages, stored on the clock) ---------------------------------------

# The kind as it reads inside a clock's title ("Decide stop-payment request …"); a release
# names what it lifts.
CLOCK_KIND_WORDS: dict[str, Promise] = {
    ControlKind.STOP_PAYMENT: pgettext_lazy("control kind in a clock title", "stop-payment"),
    ControlKind.FREEZE: pgettext_lazy("control kind in a clock title", "freeze"),
    ControlKind.RELEASE: pgettext_lazy("control kind in a clock title", "release"),
    ControlKind.REVERSAL: pgettext_lazy("control kind in a clock title", "remittance reversal"),
}


def approval_clock_titles(*, control: ControlRequest, incident: Incident) -> tuple[str, str]:
    """(Chinese, English) title of the clock on a request's decision."""
    return bilingual_text(
        gettext_noop("Decide %(kind)s request %(number)s (%(incident)s)"),
        lambda: {
            "kind": CLOCK_KIND_WORDS[control.kind],
            "number": control.number,
            "incident": incident.number,
        },
    )


def review_clock_titles(*, control: ControlRequest, incident: Incident) -> tuple[str, str]:
    """(Chinese, English) title of the clock on reviewing a branch's immediate stop-payment."""
    return bilingual_text(
        gettext_noop("Review the immediate stop-payment %(number)s (%(incident)s)"),
        lambda: {"number": control.number, "incident": incident.number},
    )


def assistance_clock_titles(
    *, assistance: AssistanceRequest, incident: Incident
) -> tuple[str, str]:
    """(Chinese, English) title of the clock on acknowledging an assistance request."""
    return bilingual_text(
        gettext_noop("Acknowledge the assistance request on %(incident)s from %(unit)s"),
        lambda: {"incident": incident.number, "unit": assistance.from_unit.name},
    )
