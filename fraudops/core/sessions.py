"""Signed-in sessions: idle and absolute timeouts, no caching, and the locked-out login page.

- `SessionTimeoutMiddleware` signs a person out after FRAUDOPS_SESSION_IDLE_MINUTES without
  activity and FRAUDOPS_SESSION_MAX_HOURS after signing in (0 switches either off). The
  session keeps the sign-in time and the last activity (seconds since the epoch); activity
  is written at most once a minute, so a page view costs no session write most of the time.
  Background polls (the unread count, live pages' markers: they send `If-None-Match` or
  `X-Fraudops-Live`) do not count as activity: an open tab alone never keeps a session alive.
- `NoStoreMiddleware` marks every response to a signed-in person or an API client
  `Cache-Control: no-store` (and `private`): responses without a Cache-Control get Django's
  never-cache headers, one that set its own (live pages' and markers' `no-cache, private`)
  gets `no-store` added.
  The markers' 304s still work: the pages send `If-None-Match` themselves. Static files are
  served before it (WhiteNoise) and never reach it.

The sign-in signal's receiver is connected in `CoreConfig.ready` (this module imports no
model, so the app config can import it before the registry is ready).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

SIGNED_IN_AT = "fraudops_signed_in_at"
SEEN_AT = "fraudops_seen_at"
# Activity is written to the session at most this often (seconds).
SEEN_WRITE_EVERY = 60


def _now() -> float:
    return timezone.now().timestamp()


def session_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


def _is_background(request: HttpRequest) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_X_FRAUDOPS_LIVE" in request.META


def session_expired_reason(session: Any, now: float) -> str:
    """'idle', 'absolute' or '' for a signed-in session at `now` (seconds)."""
    idle = settings.FRAUDOPS_SESSION_IDLE_MINUTES * 60
    longest = settings.FRAUDOPS_SESSION_MAX_HOURS * 3600
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if longest and isinstance(signed_in_at, int | float) and now - signed_in_at > longest:
        return "absolute"
    if idle and isinstance(seen_at, int | float) and now - seen_at > idle:
        return "idle"
    return ""


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        timed = settings.FRAUDOPS_SESSION_IDLE_MINUTES or settings.FRAUDOPS_SESSION_MAX_HOURS
        if timed and user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = _now()
        reason = session_expired_reason(session, now)
        if reason:
            logout(request)  # flushes the session; request.user becomes anonymous
            if reason == "idle":
                text = _(
                    "You were signed out after %(minutes)d minutes without activity. "
                    "Please log in again."
                ) % {"minutes": settings.FRAUDOPS_SESSION_IDLE_MINUTES}
            else:
                text = _(
                    "You were signed out: a session lasts at most %(hours)s hours. "
                    "Please log in again."
                ) % {"hours": f"{settings.FRAUDOPS_SESSION_MAX_HOURS:g}"}
            messages.warning(request, text)
            return
        # A session from before these keys existed (or from another sign-in path) starts now.
        if not isinstance(session.get(SIGNED_IN_AT), int | float):
            session[SIGNED_IN_AT] = now
            session[SEEN_AT] = now
            return
        seen_at = session.get(SEEN_AT)
        stale = not isinstance(seen_at, int | float) or now - seen_at >= SEEN_WRITE_EVERY
        if stale and not _is_background(request):
            session[SEEN_AT] = now


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        # An API client's answers too (its authentication marks the request once it ran).
        by_token = getattr(request, "api_client", None) is not None
        if not (signed_in or by_token) or request.path.startswith(
            f"/{settings.STATIC_URL.lstrip('/')}"
        ):
            return response
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        elif "no-store" not in response["Cache-Control"]:
            patch_cache_control(response, no_store=True, private=True)
        return response
