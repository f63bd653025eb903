"""The timeliness page: a unit's share of steps done on time over a period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError
from fraudops.core.selectors import org_unit_list
from fraudops.core.views import refusal_to_message

from .timeliness import timeliness_by_unit, timeliness_period

PERIOD_LABELS = {"unit": _("Unit"), "from": _("From"), "to": _("To")}


@login_required
def timeliness(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    figures = None
    try:
        unit, start, end = timeliness_period(
            actor=actor,
            unit_code=request.GET.get("unit"),
            date_from=request.GET.get("from"),
            date_to=request.GET.get("to"),
        )
        figures = timeliness_by_unit(actor=actor, unit=unit, date_from=start, date_to=end)
    except DomainError as exc:
        refusal_to_message(request, exc, labels=PERIOD_LABELS)
    units = org_unit_list(actor=actor).filter(is_active=True)
    return render(request, "incidents/timeliness.html", {"figures": figures, "units": list(units)})
