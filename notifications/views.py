"""The inbox page: the user's notifications, newest first, with mark-as-read; the header's
live unread count; the person's notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError
from fraudops.core.views import marker_response, refusal_to_message

from .forms import PreferenceForm
from .models import Notification
from .selectors import notification_list, notification_preference, notification_unread_state
from .services import notification_preferences_update, notifications_mark_read

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notification_list(user=request.user, unread_only=unread_only), PAGE_SIZE)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "unread_only": unread_only,
            # The unread count is the header's (`unread_notifications`, context processor).
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    if request.POST.get("all") == "1":
        notifications_mark_read(user=request.user)
    else:
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
        notifications_mark_read(user=request.user, ids=ids)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "notifications:inbox"
    return redirect(back)


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_GET
def unread_changes(request: HttpRequest) -> HttpResponse:
    """The header's unread count for static/js/unread.js: 304 while it has not changed,
    else the new marker and count (one query besides signing in)."""
    count, marker = notification_unread_state(user=request.user)
    return marker_response(request, marker, extra={"unread": count})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's own choices: email on or off, non-urgent ones at once or in a daily
    digest."""
    current = notification_preference(user=request.user)
    initial = {
        "email_enabled": current.email_enabled,
        "non_urgent_delivery": current.non_urgent_delivery,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_update(
                actor=Actor.from_request(request),
                email_enabled=form.cleaned_data["email_enabled"],
                non_urgent_delivery=form.cleaned_data["non_urgent_delivery"],
            )
        except DomainError as exc:
            refusal_to_message(request, exc, form=form)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
