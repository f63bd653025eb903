"""Signing in and out, in the audit trail: Django's auth signals, and refused API tokens.

Each row carries the address through the trusted-proxy rules (`proxies.client_ip`). A
signed-in user's rows are on their thread `user:<id>` (with the role grants); a failed
login is on `login:<username tried>`, whether or not that user exists, so repeated guesses
at one name read as one thread. The password is never recorded (Django passes it masked;
only the username is read).

Only sign-ins through the site are recorded: a call of `login()`/`authenticate()` with no
served request behind it (no REQUEST_METHOD: a shell, or the test client's `force_login`,
which skips authentication altogether) is not a sign-in anyone made from an address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from .actors import Actor
from .audit import audit_record
from .proxies import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import ApiClient

THREAD_MAX = 64  # AuditEvent.thread's length
USERNAME_MAX = 150  # the longest username kept in a failed login's data


def _served(request: HttpRequest | None) -> bool:
    return request is not None and bool(request.META.get("REQUEST_METHOD"))


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


def _user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:200]


@receiver(user_logged_in, dispatch_uid="fraudops.audit.user_logged_in")
def audit_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if not _served(request):
        return
    with transaction.atomic():
        audit_record(
            actor=Actor.for_user(user, ip=_ip(request)),
            action="auth.logged_in",
            thread=f"user:{user.pk}",
            target=f"user:{user.pk}",
            data={"user_agent": _user_agent(request)},
        )


@receiver(user_logged_out, dispatch_uid="fraudops.audit.user_logged_out")
def audit_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if not _served(request) or user is None or not getattr(user, "is_authenticated", False):
        return  # signing out without having signed in changes nothing
    with transaction.atomic():
        audit_record(
            actor=Actor.for_user(user, ip=_ip(request)),
            action="auth.logged_out",
            thread=f"user:{user.pk}",
            target=f"user:{user.pk}",
        )


@receiver(user_login_failed, dispatch_uid="fraudops.audit.user_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if not _served(request):
        return
    model = get_user_model()
    username = str(credentials.get(model.USERNAME_FIELD) or credentials.get("username") or "")
    username = username.replace("\x00", "")[:USERNAME_MAX]
    known = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    with transaction.atomic():
        audit_record(
            actor=Actor.anonymous(ip=_ip(request)),
            action="auth.login_failed",
            thread=f"login:{username}"[:THREAD_MAX],
            target=f"user:{known.pk}" if known is not None else "",
            outcome="refused",
            data={
                "username": username,
                "known_user": known is not None,
                "user_agent": _user_agent(request),
            },
        )


def audit_token_refused(
    *, request: HttpRequest, client: ApiClient | None, reason: str, message: str
) -> None:
    """An API request whose token was refused (unknown, revoked or wrong).

    Never records the token: a client is named only when the token's public prefix matched
    one (then on its thread `api_client:<id>`); an unknown token is on `api_auth`.
    """
    data: dict[str, Any] = {"reason": reason, "message": message, "path": request.path[:200]}
    if client is not None:
        data["client"] = client.name
        data["key_prefix"] = client.key_prefix
    with transaction.atomic():
        audit_record(
            actor=Actor.anonymous(ip=client_ip(request)),
            action="api.token_refused",
            thread=f"api_client:{client.pk}" if client is not None else "api_auth",
            target=f"api_client:{client.pk}" if client is not None else "",
            outcome="refused",
            data=data,
        )
