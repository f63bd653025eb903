"""The inbox page: the user's notifications, newest first, with mark-as-read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .selectors import notification_list
from .services import notifications_mark_read

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
