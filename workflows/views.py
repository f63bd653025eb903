"""Head office's incident-types page: the types with their current playbook version, a new
type with its first playbook, a new version of an added type's playbook, and any current
playbook as YAML (the template to start from). Thin: reads are selectors, writes are the
audited services; a refusal becomes a message (the fields on the form) and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError, PermissionRefused
from fraudops.core.views import refusal_to_message

from . import permissions, selectors, services
from .forms import IncidentTypeForm, PlaybookPublishForm
from .models import IncidentType


def _configurer(request: HttpRequest) -> Actor:
    actor = Actor.from_request(request)
    try:
        permissions.check_may_configure_types(actor)
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc.message)) from None
    return actor


def _type_or_404(code: str) -> IncidentType:
    incident_type = selectors.incident_type_get(code=code)
    if incident_type is None:
        raise Http404(_("No such incident type."))
    return incident_type


def _template_yaml(code: str | None) -> str:
    """The current playbook of type `code` as YAML (empty when there is none)."""
    incident_type = selectors.incident_type_get(code=code) if code else None
    playbook = incident_type.current_playbook() if incident_type else None
    return services.playbook_as_yaml(playbook) if playbook else ""


@login_required
@require_GET
def incident_type_list(request: HttpRequest) -> HttpResponse:
    _configurer(request)
    return render(
        request,
        "workflows/incident_type_list.html",
        {"types": selectors.incident_type_list()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_type_new(request: HttpRequest) -> HttpResponse:
    actor = _configurer(request)
    types = selectors.incident_type_list()
    if request.method == "POST":
        form = IncidentTypeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.incident_type_create(
                    actor=actor,
                    code=data["code"],
                    name_zh=data["name_zh"],
                    name_en=data["name_en"],
                    group=data["group"],
                    description_zh=data["description_zh"],
                    description_en=data["description_en"],
                    playbook=data["playbook"],
                    notes=data["notes"],
                )
            except DomainError as exc:
                refusal_to_message(request, exc, form=form)
            else:
                messages.success(
                    request,
                    _(
                        "Incident type %(code)s added with version 1 of its playbook: it can "
                        "be filed now."
                    )
                    % {"code": created.code},
                )
                return redirect("incident_type_list")
    else:
        template = request.GET.get("template")
        form = IncidentTypeForm(initial={"playbook": _template_yaml(template)})
    return render(request, "workflows/incident_type_new.html", {"form": form, "types": types})


@login_required
@require_http_methods(["GET", "POST"])
def incident_type_publish(request: HttpRequest, code: str) -> HttpResponse:
    actor = _configurer(request)
    incident_type = _type_or_404(code)
    current = incident_type.current_playbook()
    if request.method == "POST":
        form = PlaybookPublishForm(request.POST)
        if form.is_valid():
            try:
                playbook = services.playbook_version_publish(
                    actor=actor,
                    incident_type=incident_type,
                    definition=form.cleaned_data["playbook"],
                    notes=form.cleaned_data["notes"],
                )
            except DomainError as exc:
                refusal_to_message(request, exc, form=form)
            else:
                messages.success(
                    request,
                    _("Version %(version)d of %(code)s is current: new incidents follow it.")
                    % {"version": playbook.version, "code": incident_type.code},
                )
                return redirect("incident_type_list")
    else:
        form = PlaybookPublishForm(initial={"playbook": _template_yaml(code)})
    return render(
        request,
        "workflows/incident_type_publish.html",
        {"form": form, "incident_type": incident_type, "current": current},
    )


@login_required
@require_GET
def incident_type_playbook_yaml(request: HttpRequest, code: str) -> HttpResponse:
    """The type's current playbook as a YAML file: a template for a new type or version."""
    _configurer(request)
    text = _template_yaml(_type_or_404(code).code)
    if not text:
        raise Http404(_("This type has no current playbook yet."))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}.yaml"'
    return response
