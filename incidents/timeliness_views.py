"""The timeliness page: a unit's share of steps done on time over a period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError
from fraudops.core.selectors import org_unit_list

from .timeliness import timeliness_by_unit, timeliness_period


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
        for errors in exc.fields.values() or [[exc.message]]:
            for error in errors:
                messages.error(request, error)
        if not exc.fields:
            messages.error(request, exc.message)
    units = org_unit_list(actor=actor).filter(is_active=True)
    return render(request, "incidents/timeliness.html", {"figures": figures, "units": list(units)})
