"""Complaint pages: the list, filing, the complaint's page with every action it offers
(exactly when the service would accept it), documents. Each write calls one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comments.panels import comments_panel_context
from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError, NotFound
from fraudops.core.views import refusal_to_message
from incidents.choices import IdType
from incidents.selectors import units_in_scope

from . import permissions, selectors, services
from .choices import (
    CLOSING_OUTCOMES,
    ComplaintOutcome,
    ComplaintSource,
    ComplaintState,
    ReplyChannel,
    ReviewConclusion,
)

PAGE_SIZE = 50

LABELS = {
    "source": gettext_lazy("Source"),
    "reference": gettext_lazy("Reference"),
    "received_at": gettext_lazy("Received at"),
    "complainant": gettext_lazy("Complainant"),
    "complainant.name": gettext_lazy("Complainant's name"),
    "complainant.id_number": gettext_lazy("Document number"),
    "complainant.id_type": gettext_lazy("Document type"),
    "complainant.phone": gettext_lazy("Phone"),
    "request": gettext_lazy("What they ask"),
    "unit": gettext_lazy("Responsible unit"),
    "findings": gettext_lazy("Findings"),
    "finding": gettext_lazy("Finding"),
    "conclusion": gettext_lazy("Conclusion"),
    "text": gettext_lazy("Reply"),
    "channel": gettext_lazy("Sent through"),
    "outcome": gettext_lazy("Outcome"),
    "reason": gettext_lazy("Reason"),
    "incident": gettext_lazy("Incident"),
    "file": gettext_lazy("File"),
    "description": gettext_lazy("Description"),
}


# The history's sentences, by audit action (a refusal shows its own message).
ACTIONS = {
    "complaint.filed": gettext_lazy("Filed"),
    "complaint.investigated": gettext_lazy("Investigation findings recorded"),
    "complaint.reviewed": gettext_lazy("Compliance review recorded by the level above"),
    "complaint.document_added": gettext_lazy("Document kept"),
    "complaint.reply_drafted": gettext_lazy("Reply drafted"),
    "complaint.reply_signed_off": gettext_lazy("Reply signed off"),
    "complaint.reply_sent": gettext_lazy("Reply sent"),
    "complaint.closed": gettext_lazy("Closed with its outcome"),
    "complaint.withdrawn": gettext_lazy("Withdrawn"),
    "complaint.incident_linked": gettext_lazy("Incident linked"),
    "complaint.incident_unlinked": gettext_lazy("Incident unlinked"),
    "clock.escalated": gettext_lazy("Reply deadline passed: escalated"),
    "comment.added": gettext_lazy("Commented"),
    "comment.edited": gettext_lazy("Edited a comment"),
    "comment.retracted": gettext_lazy("Retracted a comment"),
}


def _labels(key: str) -> str:
    return str(LABELS.get(key, key.split(".")[-1].replace("_", " ")))


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


def _detail(number: str, anchor: str = "") -> HttpResponse:
    url = reverse("complaints:detail", kwargs={"number": number})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _flag(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    states = [s for s in request.GET.getlist("state") if s in ComplaintState.values]
    sources = [s for s in request.GET.getlist("source") if s in ComplaintSource.values]
    overdue = _flag(request.GET.get("overdue"))
    whose = request.GET.get("whose", "")
    queryset = selectors.complaint_filter(
        selectors.complaint_list(actor=actor),
        actor=actor,
        states=states,
        sources=sources,
        overdue=overdue,
        whose=whose if whose in ("unit", "mine") else "",
        incident=request.GET.get("incident", "").strip(),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "page": page,
            "complaints": page.object_list,
            "states": ComplaintState.choices,
            "sources": ComplaintSource.choices,
            "selected_states": states,
            "selected_sources": sources,
            "overdue": request.GET.get("overdue", ""),
            "whose": whose,
            "may_file": permissions.may_file(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.may_file(actor):
        messages.error(request, _("You cannot file complaints."))
        return redirect("complaints:list")
    values: dict[str, Any] = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "unit": actor.unit.code if actor.unit else "",
    }
    if request.method == "POST":
        post = request.POST
        data = {
            "source": post.get("source", ""),
            "reference": post.get("reference", ""),
            "received_at": post.get("received_at", ""),
            "complainant": {
                "name": post.get("complainant_name", ""),
                "id_type": post.get("complainant_id_type", ""),
                "id_number": post.get("complainant_id_number", ""),
                "phone": post.get("complainant_phone", ""),
            },
            "request": post.get("request", ""),
            "unit": post.get("unit", ""),
        }
        try:
            complaint = services.complaint_file(actor=actor, data=data)
        except DomainError as exc:
            refusal_to_message(request, exc, labels=_labels)
            values = dict(post.items())
        else:
            messages.success(
                request,
                _("Complaint %(number)s filed: the reply is due by %(due)s.")
                % {
                    "number": complaint.number,
                    "due": timezone.localtime(complaint.due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return _detail(complaint.number)
    # The units a complaint can be filed for: the actor's subtree.
    units = list(units_in_scope(actor=actor))
    return render(
        request,
        "complaints/complaint_new.html",
        {
            "values": values,
            "sources": ComplaintSource.choices,
            "id_types": IdType.choices,
            "units": units,
        },
    )


@login_required
@require_GET
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    try:
        complaint = selectors.complaint_get(actor=actor, number=number)
    except NotFound:
        raise Http404(_("No such complaint.")) from None
    links = list(complaint.incident_links.all())
    live = [link for link in links if link.is_live]
    for link in live:
        link.visible = actor.sees(link.incident.unit)
    may = {
        "investigate": permissions.may_investigate(actor, complaint=complaint),
        "document": permissions.may_add_document(actor, complaint=complaint),
        "review": permissions.may_review(actor, complaint=complaint),
        "draft": permissions.may_draft(actor, complaint=complaint),
        "sign_off": permissions.may_sign_off(actor, complaint=complaint),
        "send": permissions.may_send(actor, complaint=complaint),
        "close": permissions.may_close(actor, complaint=complaint),
        "withdraw": permissions.may_withdraw(actor, complaint=complaint),
        "link": permissions.may_link(actor, complaint=complaint),
    }
    # The author is told why they are not offered the sign-off (four-eyes).
    own_draft = (
        complaint.state == ComplaintState.REPLY_DRAFTED
        and actor.user is not None
        and complaint.reply_drafted_by_id == actor.user.pk
    )
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "comments_panel": comments_panel_context(complaint, actor),
            "live_links": live,
            "past_links": [link for link in links if not link.is_live],
            "reviews": list(complaint.reviews.all()),
            "documents": list(complaint.documents.all()),
            "events": [
                (event, ACTIONS.get(event.action, event.action))
                for event in selectors.complaint_timeline(complaint=complaint)
            ],
            "may": may,
            "own_draft": own_draft,
            "conclusions": ReviewConclusion.choices,
            "channels": ReplyChannel.choices,
            "outcomes": [(o, ComplaintOutcome(o).label) for o in CLOSING_OUTCOMES],
        },
    )


def _post_action(
    request: HttpRequest,
    number: str,
    run: Callable[[Actor], Any],
    *,
    done: str,
    anchor: str = "",
) -> HttpResponse:
    actor = _actor(request)
    try:
        selectors.complaint_get_id(actor=actor, number=number)
    except NotFound:
        raise Http404(_("No such complaint.")) from None
    try:
        run(actor)
    except NotFound as exc:
        # An incident out of sight: told as missing, on the complaint's page.
        refusal_to_message(request, exc, labels=_labels)
    except DomainError as exc:
        refusal_to_message(request, exc, labels=_labels)
    else:
        messages.success(request, done)
    return _detail(number, anchor)


@login_required
@require_POST
def investigate(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_investigation_record(
            actor=actor, number=number, findings=request.POST.get("findings", "")
        ),
        done=_("Investigation findings recorded."),
        anchor="investigation",
    )


@login_required
@require_POST
def review(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_review_record(
            actor=actor,
            number=number,
            conclusion=request.POST.get("conclusion", ""),
            finding=request.POST.get("finding", ""),
        ),
        done=_("Compliance review recorded."),
        anchor="reviews",
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, number: str) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return _detail(number, "documents")
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_document_add(
            actor=actor,
            number=number,
            uploaded_file=upload,
            description=request.POST.get("description", ""),
        ),
        done=_("Document kept."),
        anchor="documents",
    )


@login_required
@require_POST
def draft(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_reply_draft(
            actor=actor, number=number, text=request.POST.get("text", "")
        ),
        done=_("Reply drafted: another person signs it off."),
        anchor="reply",
    )


@login_required
@require_POST
def sign_off(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_reply_sign_off(actor=actor, number=number),
        done=_("Reply signed off."),
        anchor="reply",
    )


@login_required
@require_POST
def send(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_reply_send(
            actor=actor, number=number, channel=request.POST.get("channel", "")
        ),
        done=_("Reply recorded as sent."),
        anchor="reply",
    )


@login_required
@require_POST
def close(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_close(
            actor=actor,
            number=number,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        ),
        done=_("Complaint closed."),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_withdraw(
            actor=actor, number=number, reason=request.POST.get("reason", "")
        ),
        done=_("Complaint withdrawn."),
    )


@login_required
@require_POST
def link(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_incident_link(
            actor=actor,
            number=number,
            incident_number=request.POST.get("incident", ""),
            note=request.POST.get("note", ""),
        ),
        done=_("Incident linked."),
        anchor="incidents",
    )


@login_required
@require_POST
def unlink(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor: services.complaint_incident_unlink(
            actor=actor,
            number=number,
            incident_number=request.POST.get("incident", ""),
            reason=request.POST.get("reason", ""),
        ),
        done=_("Incident unlinked."),
        anchor="incidents",
    )


@login_required
@require_GET
def document_download(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    """Documents are served only to those who see the complaint, never from a public URL."""
    try:
        document = selectors.document_get(
            actor=_actor(request), number=number, document_id=document_id
        )
    except NotFound:
        raise Http404(_("No such file.")) from None
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
