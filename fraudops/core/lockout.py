"""The login page shown to a locked-out username and address (django-axes'
AXES_LOCKOUT_CALLABLE; docs/login-protection.md): the login form again, with the lockout
message and the minutes to wait, answered 429 (AXES_HTTP_RESPONSE_CODE)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with the lockout message, answered 429 (AXES_HTTP_RESPONSE_CODE)."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username") or "")
    elif request.method == "POST":
        username = str(request.POST.get("username", ""))
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": True,
        "lockout_minutes": lockout_minutes(),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(
        request,
        "registration/login.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
