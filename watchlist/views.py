"""Browser pages of the watch list. Thin: reads are selectors, writes are services; a refusal
(DomainError) becomes a message in the user's language and nothing changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError, InvalidInput, NotFound, PermissionRefused
from fraudops.core.views import live_render, marker_response, refusal_to_message
from incidents.models import Incident

from . import csvio, permissions, selectors, services
from .choices import EntryKind, EntryStatus, MatchRule, NominationStatus, ScreeningChannel
from .forms import (
    SUBJECT_LABELS,
    DecisionForm,
    EntryEditForm,
    EntryFilterForm,
    ImportForm,
    NominationForm,
    ScreeningForm,
)
from .models import Entry
from .screening import screen
from .subjects import KIND_FIELDS

PAGE_SIZE = 50


def _actor(request) -> Actor:
    return Actor.from_request(request)


def _check(check, actor: Actor, **kwargs) -> None:
    """Run a `permissions.check_may_*`: its refusal answers 403 (with its message)."""
    try:
        check(actor, **kwargs)
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc.message)) from None


def _documents_text(documents) -> str:
    return "\n".join(f"{d['type']}:{d['number']}" for d in documents or [])


def _kind_fields(kind: str) -> list[str]:
    return list(KIND_FIELDS.get(kind, ()))


def _counts(actor: Actor) -> dict:
    """The numbers in the watch list's sub-navigation (two cheap counts)."""
    if not permissions.may_read(actor):
        return {}
    return {
        "open_nominations": selectors.nomination_list(actor=actor)
        .filter(status=NominationStatus.OPEN)
        .count(),
        "due_for_review": selectors.entries_due_for_review(actor=actor).count(),
    }


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- entries ---------------------------------------------------------------------------------


@login_required
@require_GET
def entry_list(request):
    actor = _actor(request)
    if not permissions.may_read(actor):
        return redirect("watchlist:screening")
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.entry_list(
        actor=actor,
        kind=filters.get("kind", ""),
        status=filters.get("status", "") if form.is_bound else EntryStatus.ACTIVE,
        query=filters.get("q", ""),
    )
    page = _page(request, entries)
    return render(
        request,
        "watchlist/entry_list.html",
        {
            "form": form,
            "page": page,
            "entries": page.object_list,
            "counts": _counts(actor),
            "may_import": permissions.may_import(actor),
            "may_nominate": permissions.may_nominate(actor),
            "may_export": permissions.may_export(actor),
            "export_query": request.GET.urlencode(),
        },
    )


def _entry_or_404(actor: Actor, entry_id: int) -> Entry:
    try:
        return selectors.entry_get(actor=actor, entry_id=entry_id)
    except NotFound:
        raise Http404(_("No such entry.")) from None
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc.message)) from None


@login_required
@require_GET
def entry_detail(request, entry_id: int):
    actor = _actor(request)
    entry = _entry_or_404(actor, entry_id)
    return render(
        request,
        "watchlist/entry_detail.html",
        {
            "entry": entry,
            "fields": _kind_fields(entry.kind),
            "labels": SUBJECT_LABELS,
            "keys": sorted(entry.keys.values_list("kind", "value")),
            "history": selectors.entry_history(entry=entry),
            "changes": entry.changes.order_by("seq"),
            "nominations": entry.nominations.select_related("nominating_unit", "nominated_by"),
            "may_maintain": permissions.may_maintain(actor, entry=entry),
            "review_due": entry.is_active and entry.review_on <= timezone.localdate(),
            "counts": _counts(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, entry_id: int):
    actor = _actor(request)
    entry = _entry_or_404(actor, entry_id)
    if not permissions.may_maintain(actor, entry=entry):  # and still active
        raise PermissionDenied(_("Only head-office operations monitors maintain the watch list."))
    initial = {
        **{f: getattr(entry, f) for f in KIND_FIELDS[entry.kind] if f != "documents"},
        "documents": _documents_text(entry.documents),
        "reason": entry.reason,
        "review_on": entry.review_on,
        "expires_on": entry.expires_on,
    }
    form = EntryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(
                actor=actor,
                entry_id=entry.pk,
                data=form.subject_data(),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                review_on=form.cleaned_data["review_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DomainError as exc:
            refusal_to_message(request, exc, labels=SUBJECT_LABELS, form=form)
        else:
            messages.success(request, _("Entry #%(id)s updated.") % {"id": entry.pk})
            return redirect("watchlist:entry_detail", entry_id=entry.pk)
    return render(
        request,
        "watchlist/entry_edit.html",
        {"entry": entry, "form": form, "fields": _kind_fields(entry.kind)},
    )


@login_required
@require_POST
def entry_remove(request, entry_id: int):
    actor = _actor(request)
    entry = _entry_or_404(actor, entry_id)
    try:
        services.entry_remove(actor=actor, entry_id=entry.pk, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        refusal_to_message(request, exc, labels=SUBJECT_LABELS)
    else:
        messages.success(
            request, _("Entry #%(id)s removed from the watch list.") % {"id": entry.pk}
        )
    return redirect("watchlist:entry_detail", entry_id=entry.pk)


@login_required
@require_POST
def entry_review(request, entry_id: int):
    actor = _actor(request)
    entry = _entry_or_404(actor, entry_id)
    try:
        services.entry_review_confirm(
            actor=actor,
            entry_id=entry.pk,
            note=request.POST.get("note", ""),
            review_on=request.POST.get("review_on") or None,
        )
    except DomainError as exc:
        refusal_to_message(request, exc, labels=SUBJECT_LABELS)
    else:
        messages.success(request, _("Review of entry #%(id)s recorded.") % {"id": entry.pk})
    return redirect("watchlist:entry_detail", entry_id=entry.pk)


@login_required
@require_GET
def review_list(request):
    actor = _actor(request)
    _check(permissions.check_may_read, actor)
    # The marker first: what the page shows is never older than the marker it carries.
    live_marker = selectors.page_marker(
        page=_page(request, selectors.entries_due_for_review(actor=actor))
    )
    page = _page(request, selectors.entries_due_for_review(actor=actor))
    return live_render(
        request,
        "watchlist/review_list.html",
        {
            "page": page,
            "entries": page.object_list,
            "counts": _counts(actor),
            "live_marker": live_marker,
        },
    )


@login_required
@require_GET
def review_changes(request):
    """The review list's change marker (same page, same scope): 304 while nothing changed."""
    actor = _actor(request)
    _check(permissions.check_may_read, actor)
    page = _page(request, selectors.entries_due_for_review(actor=actor))
    return marker_response(request, selectors.page_marker(page=page))


@login_required
@require_GET
def export_csv(request):
    actor = _actor(request)
    _check(permissions.check_may_export, actor)
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.entry_list(
        actor=actor,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )  # the selector already joins the unit and incident the export names
    response = StreamingHttpResponse(
        csvio.export_stream(entries.iterator(chunk_size=2000)), content_type="text/csv"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="watchlist-{stamp}.csv"'
    return response


# --- nominations -----------------------------------------------------------------------------


@login_required
@require_GET
def nomination_list(request):
    actor = _actor(request)
    _check(permissions.check_may_see_nominations, actor)
    show = request.GET.get("show", "open")
    status = NominationStatus.OPEN if show == "open" else ""
    # The marker first: what the page shows is never older than the marker it carries.
    live_marker = selectors.page_marker(
        page=_page(request, selectors.nomination_list(actor=actor, status=status))
    )
    page = _page(request, selectors.nomination_list(actor=actor, status=status))
    return live_render(
        request,
        "watchlist/nomination_list.html",
        {
            "live_marker": live_marker,
            "page": page,
            "nominations": page.object_list,
            "show": show,
            "counts": _counts(actor),
            "may_nominate": permissions.may_nominate(actor),
            "may_decide": permissions.may_decide(actor),
        },
    )


@login_required
@require_GET
def nomination_changes(request):
    """The nominations list's change marker (same filter, page and scope)."""
    actor = _actor(request)
    _check(permissions.check_may_see_nominations, actor)
    status = NominationStatus.OPEN if request.GET.get("show", "open") == "open" else ""
    page = _page(request, selectors.nomination_list(actor=actor, status=status))
    return marker_response(request, selectors.page_marker(page=page))


def _nomination_or_404(actor: Actor, nomination_id: int):
    try:
        return selectors.nomination_get(actor=actor, nomination_id=nomination_id)
    except NotFound:
        raise Http404(_("No such nomination.")) from None
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc.message)) from None


@login_required
@require_GET
def nomination_detail(request, nomination_id: int):
    actor = _actor(request)
    nomination = _nomination_or_404(actor, nomination_id)
    return render(
        request,
        "watchlist/nomination_detail.html",
        {
            "nomination": nomination,
            "fields": _kind_fields(nomination.kind),
            "labels": SUBJECT_LABELS,
            "history": selectors.nomination_history(nomination=nomination),
            "may_decide": permissions.may_decide(actor, nomination=nomination),
            "own_nomination": nomination.is_open
            and permissions.may_decide(actor)
            and permissions.is_nominator(actor, nomination=nomination),
            "may_withdraw": permissions.may_withdraw(actor, nomination=nomination),
            "form": DecisionForm(),
            "counts": _counts(actor),
        },
    )


@login_required
@require_POST
def nomination_decide(request, nomination_id: int):
    actor = _actor(request)
    nomination = _nomination_or_404(actor, nomination_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("watchlist:nomination_detail", nomination_id=nomination.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            entry = services.nomination_approve(
                actor=actor,
                nomination_id=nomination.pk,
                reason=data["reason"],
                review_on=data["review_on"],
                expires_on=data["expires_on"],
            )
            messages.success(
                request,
                _("Approved: entry #%(id)s is on the watch list and screening finds it now.")
                % {"id": entry.pk},
            )
            return redirect("watchlist:entry_detail", entry_id=entry.pk)
        services.nomination_reject(actor=actor, nomination_id=nomination.pk, reason=data["reason"])
        messages.success(request, _("Nomination N-%(id)s rejected.") % {"id": nomination.pk})
    except DomainError as exc:
        refusal_to_message(request, exc, labels=SUBJECT_LABELS)
    return redirect("watchlist:nomination_detail", nomination_id=nomination.pk)


@login_required
@require_POST
def nomination_withdraw(request, nomination_id: int):
    actor = _actor(request)
    nomination = _nomination_or_404(actor, nomination_id)
    try:
        services.nomination_withdraw(
            actor=actor, nomination_id=nomination.pk, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        refusal_to_message(request, exc, labels=SUBJECT_LABELS)
    else:
        messages.success(request, _("Nomination N-%(id)s withdrawn.") % {"id": nomination.pk})
    return redirect("watchlist:nomination_detail", nomination_id=nomination.pk)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_new(request):
    actor = _actor(request)
    _check(permissions.check_may_nominate, actor)
    kind = request.POST.get("kind") or request.GET.get("kind") or EntryKind.PERSON
    if kind not in EntryKind.values:
        kind = EntryKind.PERSON
    form = NominationForm(
        request.POST or None, initial={"incident": request.GET.get("incident", "")}
    )
    if request.method == "POST" and form.is_valid():
        incident_id = None
        number = form.cleaned_data["incident"].strip().upper()
        try:
            if number:
                incident = Incident.objects.filter(number=number).select_related("unit").first()
                if incident is None or not actor.sees(incident.unit):
                    raise InvalidInput(fields={"incident": [_("No such incident in your area.")]})
                incident_id = incident.pk
            nomination = services.nomination_create(
                actor=actor,
                kind=kind,
                data=form.subject_data(),
                reason=form.cleaned_data["reason"],
                incident_id=incident_id,
                review_on=form.cleaned_data["review_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DomainError as exc:
            refusal_to_message(request, exc, labels=SUBJECT_LABELS, form=form)
        else:
            messages.success(
                request,
                _("Nomination N-%(id)s sent to head office.") % {"id": nomination.pk},
            )
            return redirect("watchlist:nomination_detail", nomination_id=nomination.pk)
    return render(
        request,
        "watchlist/nomination_new.html",
        {
            "form": form,
            "kind": kind,
            "kinds": EntryKind.choices,
            "fields": _kind_fields(kind),
            "counts": _counts(actor),
        },
    )


@login_required
@require_POST
def nominate_from_incident(request, number: str):
    """The one-click nomination on the incident page's watch-list panel."""
    actor = _actor(request)
    incident = Incident.objects.filter(number=number).select_related("unit").first()
    if incident is None or not actor.sees(incident.unit):
        raise Http404(_("No such incident."))
    back = reverse("incident_detail", kwargs={"number": number}) + "#watchlist"
    try:
        nomination = services.nomination_create_from_incident(
            actor=actor,
            incident_id=incident.pk,
            source_ref=request.POST.get("source", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        refusal_to_message(request, exc, labels=SUBJECT_LABELS)
        return redirect(back)
    messages.success(
        request,
        _("Nomination N-%(id)s sent to head office: %(what)s")
        % {"id": nomination.pk, "what": nomination.display_value},
    )
    return redirect(back)


# --- screening -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def screening_page(request):
    """Anyone on the staff checks a name, ID, phone, account or address and sees why it
    matched."""
    actor = _actor(request)
    form = ScreeningForm(request.POST or None)
    result = None
    shown: list = []
    if request.method == "POST" and form.is_valid():
        party = {k: v for k, v in form.cleaned_data.items() if v}
        result = screen(actor=actor, parties=[party], channel=ScreeningChannel.BROWSER)[0]
        entries = Entry.objects.in_bulk([hit.entry_id for hit in result.hits])
        for hit in result.hits:
            shown.append(
                {
                    "hit": hit,
                    "entry": entries.get(hit.entry_id),
                    "rule": MatchRule(hit.reason).label,
                    "field": form.fields[hit.field].label
                    if hit.field in form.fields
                    else hit.field,
                }
            )
    return render(
        request,
        "watchlist/screening.html",
        {
            "form": form,
            "result": result,
            "hits": shown,
            "invalid": [form.fields[f].label for f in (result.invalid_fields if result else [])],
            "may_read": permissions.may_read(actor),
            "threshold": selectors.watchlist_settings().name_review_threshold,
            "counts": _counts(actor),
        },
    )


# --- imports ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    actor = _actor(request)
    _check(permissions.check_may_import, actor)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_create(
                actor=actor,
                uploaded_file=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            refusal_to_message(request, exc, labels=SUBJECT_LABELS, form=form)
        else:
            return redirect("watchlist:import_detail", job_id=job.pk)
    jobs = selectors.import_list(actor=actor)[:50]
    return render(
        request,
        "watchlist/import_list.html",
        {
            "form": form,
            "jobs": jobs,
            "columns": csvio.IMPORT_COLUMNS,
            "kinds": EntryKind.choices,
            "counts": _counts(actor),
        },
    )


def _job_or_404(actor: Actor, job_id: int):
    try:
        return selectors.import_get(actor=actor, job_id=job_id)
    except NotFound:
        raise Http404() from None
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc.message)) from None


def _job_status(job) -> dict:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created_count": job.created_count,
        "error_count": job.error_count,
        "percent": job.percent,
        "finished": job.is_finished,
        "message": job.message,
    }


@login_required
@require_GET
def import_detail(request, job_id: int):
    actor = _actor(request)
    job = _job_or_404(actor, job_id)
    errors = []
    if job.error_report:
        errors = csvio.error_lines(job.error_report, limit=200)
    return render(
        request,
        "watchlist/import_detail.html",
        {"job": job, "status": _job_status(job), "errors": errors, "counts": _counts(actor)},
    )


@login_required
@require_GET
def import_status(request, job_id: int):
    job = _job_or_404(_actor(request), job_id)
    return JsonResponse(_job_status(job))


@login_required
@require_GET
def import_errors(request, job_id: int):
    job = _job_or_404(_actor(request), job_id)
    if not job.error_report:
        raise Http404()
    response = HttpResponse("\ufeff" + job.error_report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
