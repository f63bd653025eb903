"""Browser pages of account control: the approvers' queue, one request, the one-click
reversal authorisation, an assistance request, and the form posts from the incident panel.
Every write calls the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError, InvalidInput, NotFound
from fraudops.core.formats import duration_text
from fraudops.core.models import AuditEvent
from fraudops.core.views import live_render, marker_response, refusal_to_message
from incidents.models import Incident

from . import selectors, services
from .choices import (
    IN_FLIGHT_STATES,
    UNFINISHED_STATES,
    ControlKind,
    ControlState,
    ImmediateReview,
)
from .forms import (
    HoldRequestForm,
    ImmediateStopForm,
    ReasonForm,
    ReversalRequestForm,
    ReviewForm,
)
from .models import ControlRequest
from .permissions import (
    may_acknowledge,
    may_decide,
    may_release,
    may_request,
    may_review,
    may_withdraw,
)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _control_or_404(actor: Actor, number: str) -> ControlRequest:
    try:
        return selectors.control_request_get(actor=actor, number=number)
    except NotFound:
        raise Http404 from None


def _form_errors(form) -> DomainError:
    return InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})


@login_required
@require_GET
def queue(request):
    """The approvers' queue: pending decisions first, oldest deadline first, each with the
    incident's key facts; then cross-region assistance, instructions awaiting core
    banking, and the person's own requests."""
    actor = Actor.from_request(request)
    # The marker first: what the page shows is never older than the marker it carries.
    live_marker = selectors.queue_change_marker(actor=actor)
    pending = list(selectors.approval_queue(actor=actor))
    for control in pending:
        control.may_decide = may_decide(actor, control=control)
        control.is_mine = control.requested_by_id == request.user.pk
        parties = list(control.incident.parties.all())
        control.victims = [p for p in parties if p.role == "victim"]
        control.payees = [p for p in parties if p.role in ("payee", "fraudster")]
    to_review = list(selectors.review_queue(actor=actor)[:50])
    for control in to_review:
        control.may_review = may_review(actor, control=control)
    assistances = list(selectors.assistance_queue(actor=actor)[:50])
    for assistance in assistances:
        assistance.may_acknowledge = may_acknowledge(actor, assistance=assistance)
        assistance.received = actor.unit is not None and assistance.to_unit_id == actor.unit.pk
    in_flight = selectors.in_flight_queue(actor=actor)
    mine = [c for c in selectors.my_requests(actor=actor) if c.state not in IN_FLIGHT_STATES]
    return live_render(
        request,
        "controls/queue.html",
        {
            "pending": pending,
            "to_review": to_review,
            "assistances": assistances,
            "in_flight": in_flight,
            "mine": mine,
            "live_marker": live_marker,
        },
    )


@login_required
@require_GET
def queue_changes(request):
    """The queue page's change marker: 304 while nothing it lists changed."""
    actor = Actor.from_request(request)
    return marker_response(request, selectors.queue_change_marker(actor=actor))


@login_required
@require_GET
def request_detail(request, number: str):
    actor = Actor.from_request(request)
    control = _control_or_404(actor, number)
    incident = control.incident
    control.may_decide = may_decide(actor, control=control)
    control.may_withdraw = may_withdraw(actor, control=control)
    control.may_review = may_review(actor, control=control)
    releases = list(control.release_requests.order_by("requested_at"))
    open_release = next((r for r in releases if r.state in UNFINISHED_STATES), None)
    control.may_release = may_release(
        actor,
        control=control,
        incident=incident,
        assisting_unit_ids=selectors.assisting_unit_ids(incident=incident),
        has_open_release=open_release is not None,
    )
    events = list(
        AuditEvent.objects.filter(thread=incident.thread, target=control.number)
        .select_related("actor_unit")
        .order_by("at", "id")
    )
    return render(
        request,
        "controls/request_detail.html",
        {
            "control": control,
            "incident": incident,
            "incident_link": incident.get_absolute_url() if actor.sees(incident.unit) else "",
            "parties": list(incident.parties.all()),
            "events": events,
            "open_release": open_release,
            "releases": releases,
        },
    )


@login_required
@require_POST
def approve(request, number: str):
    actor = Actor.from_request(request)
    try:
        control = services.control_request_approve(
            actor=actor, number=number, expected_state=request.POST.get("expected_state") or None
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refusal_to_message(request, exc)
    else:
        if control.state == ControlState.FIRST_APPROVED:
            messages.success(
                request,
                _("%(number)s: first approval recorded; a second approver must confirm it.")
                % {"number": control.number},
            )
        else:
            messages.success(
                request,
                _("%(number)s approved %(elapsed)s after the request; sent to core banking.")
                % {
                    "number": control.number,
                    "elapsed": duration_text(control.approval_seconds),
                },
            )
    return HttpResponseRedirect(_next(request, reverse("controls:queue")))


@login_required
@require_POST
def reject(request, number: str):
    actor = Actor.from_request(request)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        services.control_request_reject(
            actor=actor,
            number=number,
            reason=form.cleaned_data["reason"],
            expected_state=request.POST.get("expected_state") or None,
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refusal_to_message(request, exc)
    else:
        messages.success(request, _("%(number)s rejected.") % {"number": number})
    return HttpResponseRedirect(_next(request, reverse("controls:queue")))


@login_required
@require_POST
def withdraw(request, number: str):
    actor = Actor.from_request(request)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        services.control_request_withdraw(
            actor=actor, number=number, reason=form.cleaned_data["reason"]
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refusal_to_message(request, exc)
    else:
        messages.success(request, _("%(number)s withdrawn.") % {"number": number})
    return HttpResponseRedirect(_next(request, reverse("controls:request-detail", args=[number])))


@login_required
@require_POST
def release(request, number: str):
    actor = Actor.from_request(request)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        created = services.control_release_request(
            actor=actor, number=number, reason=form.cleaned_data["reason"]
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refusal_to_message(request, exc)
        return HttpResponseRedirect(
            _next(request, reverse("controls:request-detail", args=[number]))
        )
    messages.success(
        request,
        _("Release %(number)s requested; it goes to %(unit)s for approval.")
        % {"number": created.number, "unit": created.approving_unit.name},
    )
    return HttpResponseRedirect(_next(request, reverse("controls:request-detail", args=[number])))


@login_required
@require_POST
def review(request, number: str):
    """The sub-branch's review of a branch's immediate stop-payment: confirm or release."""
    actor = Actor.from_request(request)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        control = services.immediate_stop_payment_review(
            actor=actor,
            number=number,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            expected_state=request.POST.get("expected_state") or None,
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refusal_to_message(request, exc, labels={"note": _("Note")})
    else:
        if control.review_outcome == ImmediateReview.RELEASED:
            messages.success(
                request,
                _("%(number)s reviewed: its release goes to another monitor for approval.")
                % {"number": number},
            )
        else:
            messages.success(request, _("%(number)s reviewed and confirmed.") % {"number": number})
    return HttpResponseRedirect(_next(request, reverse("controls:queue")))


@login_required
@require_http_methods(["GET", "POST"])
def authorise(request, number: str):
    """The remote authorisation centre's one-click page, linked from its notification."""
    actor = Actor.from_request(request)
    control = _control_or_404(actor, number)
    if control.kind != ControlKind.REVERSAL:
        return HttpResponseRedirect(reverse("controls:request-detail", args=[number]))
    if request.method == "POST":
        try:
            control = services.control_request_approve(
                actor=actor,
                control_id=control.pk,
                expected_state=request.POST.get("expected_state") or None,
            )
        except DomainError as exc:
            refusal_to_message(request, exc)
        else:
            messages.success(
                request,
                _("Reversal %(number)s authorised %(elapsed)s after the request.")
                % {
                    "number": control.number,
                    "elapsed": duration_text(control.approval_seconds),
                },
            )
        return HttpResponseRedirect(reverse("controls:authorise", args=[number]))
    control.may_decide = may_decide(actor, control=control)
    return render(
        request,
        "controls/authorise.html",
        {"control": control, "incident": control.incident},
    )


def _incident_for(actor: Actor, number: str) -> Incident:
    try:
        return selectors.incident_for_control(actor=actor, number=number)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_POST
def incident_request(request, number: str):
    """The incident panel's (and the assistance page's) stop-payment / freeze form."""
    actor = Actor.from_request(request)
    incident = _incident_for(actor, number)
    back = _next(request, reverse("incident_detail", kwargs={"number": number}))
    form = HoldRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        created = services.control_requests_create(
            actor=actor,
            incident_id=incident.pk,
            kind=form.cleaned_data["kind"],
            targets=form.targets(),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        refusal_to_message(request, exc)
        return HttpResponseRedirect(back)
    for control in created:
        if control.assistance_id:
            text = _(
                "%(number)s requested: account %(account)s is held in %(unit)s, which was "
                "asked for assistance (head office copied)."
            )
        else:
            text = _("%(number)s requested: account %(account)s, for %(unit)s to approve.")
        messages.success(
            request,
            text
            % {
                "number": control.number,
                "account": control.account_number,
                "unit": control.approving_unit.name,
            },
        )
    return HttpResponseRedirect(back)


@login_required
@require_POST
def incident_immediate_stop(request, number: str):
    """The incident panel's "stop it now" on an account opened at the filing branch."""
    actor = Actor.from_request(request)
    incident = _incident_for(actor, number)
    back = _next(request, reverse("incident_detail", kwargs={"number": number}))
    form = ImmediateStopForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        control = services.immediate_stop_payment_create(
            actor=actor,
            incident_id=incident.pk,
            account_id=form.cleaned_data["account"],
            amount=form.cleaned_data["amount"] or None,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        refusal_to_message(request, exc, labels={"account": _("Account")})
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _(
            "%(number)s: account %(account)s stopped at once and sent to core banking; "
            "%(unit)s was told and will review it."
        )
        % {
            "number": control.number,
            "account": control.account_number,
            "unit": control.approving_unit.name,
        },
    )
    return HttpResponseRedirect(back)


@login_required
@require_POST
def incident_reversal(request, number: str):
    actor = Actor.from_request(request)
    incident = _incident_for(actor, number)
    back = _next(request, reverse("incident_detail", kwargs={"number": number}))
    form = ReversalRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        control = services.reversal_request_create(
            actor=actor, incident_id=incident.pk, **form.cleaned_data
        )
    except DomainError as exc:
        refusal_to_message(request, exc)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("Reversal %(number)s sent to %(unit)s's remote authorisation centre.")
        % {"number": control.number, "unit": control.approving_unit.name},
    )
    return HttpResponseRedirect(back)


@login_required
@require_GET
def assistance_detail(request, pk: int):
    actor = Actor.from_request(request)
    try:
        assistance = selectors.assistance_get(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None
    incident = assistance.incident
    assistance.may_acknowledge = may_acknowledge(actor, assistance=assistance)
    assisting = selectors.assisting_unit_ids(incident=incident)
    controls = list(
        ControlRequest.objects.filter(incident=incident)
        .select_related("opening_unit", "approving_unit", "requested_by")
        .order_by("requested_at")
    )
    for control in controls:
        control.incident = incident
        control.may_decide = may_decide(actor, control=control)
    return render(
        request,
        "controls/assistance_detail.html",
        {
            "assistance": assistance,
            "incident": incident,
            "incident_link": incident.get_absolute_url() if actor.sees(incident.unit) else "",
            "parties": list(incident.parties.all()),
            "accounts": list(incident.accounts.select_related("opening_unit")),
            "controls": controls,
            "may_add": incident.is_open
            and may_request(
                actor,
                incident=incident,
                kind=ControlKind.STOP_PAYMENT,
                assisting_unit_ids=assisting,
            ),
            "hold_kinds": HoldRequestForm.base_fields["kind"].choices,
        },
    )


@login_required
@require_POST
def assistance_acknowledge(request, pk: int):
    actor = Actor.from_request(request)
    try:
        services.assistance_acknowledge(
            actor=actor, assistance_id=pk, note=request.POST.get("note", "")
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refusal_to_message(request, exc)
    else:
        messages.success(
            request,
            _(
                "Acknowledged. Investigate the account and add the accounts that "
                "transacted with it."
            ),
        )
    return HttpResponseRedirect(_next(request, reverse("controls:assistance-detail", args=[pk])))
