"""The comment pages' writes and reads, keyed by the registered subject: the same views
serve an incident's comments and a complaint's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError, NotFound
from fraudops.core.i18n import pick
from fraudops.core.views import refusal_to_message

from . import selectors, services
from .panels import draft_key
from .subjects import Subject

LABELS = {"body": gettext_lazy("Comment"), "files": gettext_lazy("Files")}


def _resolve(request: HttpRequest, key: str, reference: str) -> tuple[Actor, Subject, object]:
    actor = Actor.from_request(request)
    try:
        subject, obj = selectors.subject_resolve(actor=actor, key=key, reference=reference)
    except NotFound:
        raise Http404(_("Not found.")) from None
    return actor, subject, obj


def _back(
    request: HttpRequest, subject: Subject, obj: object, anchor: str = "comments"
) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return redirect(wanted.split("#")[0] + f"#{anchor}")
    return redirect(f"{subject.url(obj)}#{anchor}")


def _refused(request: HttpRequest, exc: DomainError) -> None:
    refusal_to_message(request, exc, labels=lambda field: LABELS.get(field, field))


@login_required
@require_POST
def comment_add(request: HttpRequest, key: str, reference: str) -> HttpResponse:
    actor, subject, obj = _resolve(request, key, reference)
    body = request.POST.get("body", "")
    try:
        comment = services.comment_add(
            actor=actor, subject=obj, body=body, files=request.FILES.getlist("files")
        )
    except NotFound:
        raise Http404(_("Not found.")) from None
    except DomainError as exc:
        _refused(request, exc)
        request.session[draft_key(key, reference)] = {"body": body}
        return _back(request, subject, obj, "comment-form")
    messages.success(request, _("Comment posted."))
    return _back(request, subject, obj, comment.anchor)


@login_required
@require_POST
def comment_edit(request: HttpRequest, key: str, reference: str, comment_id: int) -> HttpResponse:
    actor, subject, obj = _resolve(request, key, reference)
    try:
        comment = selectors.comment_get(actor=actor, obj=obj, comment_id=comment_id)
        services.comment_edit(actor=actor, comment=comment.pk, body=request.POST.get("body", ""))
    except NotFound:
        raise Http404(_("No such comment.")) from None
    except DomainError as exc:
        _refused(request, exc)
        return _back(request, subject, obj, f"comment-{comment_id}")
    messages.success(request, _("Comment changed."))
    return _back(request, subject, obj, f"comment-{comment_id}")


@login_required
@require_POST
def comment_retract(
    request: HttpRequest, key: str, reference: str, comment_id: int
) -> HttpResponse:
    actor, subject, obj = _resolve(request, key, reference)
    try:
        comment = selectors.comment_get(actor=actor, obj=obj, comment_id=comment_id)
        services.comment_retract(actor=actor, comment=comment.pk)
    except NotFound:
        raise Http404(_("No such comment.")) from None
    except DomainError as exc:
        _refused(request, exc)
        return _back(request, subject, obj, f"comment-{comment_id}")
    messages.success(request, _("Comment retracted."))
    return _back(request, subject, obj, f"comment-{comment_id}")


@login_required
@require_GET
def comment_history(
    request: HttpRequest, key: str, reference: str, comment_id: int
) -> HttpResponse:
    """Every text the comment had, oldest first, and the current one."""
    actor, subject, obj = _resolve(request, key, reference)
    try:
        comment = selectors.comment_get(actor=actor, obj=obj, comment_id=comment_id)
    except NotFound:
        raise Http404(_("No such comment.")) from None
    return render(
        request,
        "comments/history.html",
        {
            "comment": comment,
            "revisions": list(comment.revisions.all()),
            "subject_title": pick(*subject.title(obj)),
            "subject_url": subject.url(obj),
        },
    )


@login_required
@require_GET
def comment_file_download(
    request: HttpRequest, key: str, reference: str, comment_id: int, file_id: int
) -> FileResponse:
    """A comment's file, only to those who read its subject."""
    actor, _subject, obj = _resolve(request, key, reference)
    try:
        found = selectors.comment_file_get(
            actor=actor, obj=obj, comment_id=comment_id, file_id=file_id
        )
    except NotFound:
        raise Http404(_("No such file.")) from None
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
