"""Sending notifications: always through the outbox, so a notification exists exactly when
the change that caused it committed, and reaches each person once.

    notification_send(message=Message(key="clock:12:overdue", title_zh=..., title_en=...,
                                      unit_id=unit.pk, roles=("branch_manager",)))

The outbox relay then delivers it (`notifications_deliver`): one inbox row per recipient and,
for those with an address, an email in the recipient's own language (another outbox row, so
a mail server that is down is retried with backoff without repeating the inbox rows).
"""

from __future__ import annotations

import hashlib
import json
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fraudops.core.models import User
from fraudops.core.outbox import TransientError, outbox_enqueue, outbox_handler

from .choices import OutboxKind, Tone
from .models import Notification


@dataclass(frozen=True)
class Message:
    """What to tell whom. Recipients: every active person holding one of `roles` at
    `unit_id`, plus `user_ids`. Both languages are given; each person reads their own."""

    key: str
    title_zh: str
    title_en: str
    body_zh: str = ""
    body_en: str = ""
    url: str = ""
    thread: str = ""
    kind: str = ""
    tone: str = Tone.INFO
    unit_id: int | None = None
    roles: tuple[str, ...] = ()
    user_ids: tuple[int, ...] = ()
    email: bool = True
    created_at: str = field(default="")

    def payload(self) -> dict:
        data = {name: getattr(self, name) for name in PAYLOAD_FIELDS}
        data["roles"] = list(self.roles)
        data["user_ids"] = list(self.user_ids)
        data["created_at"] = self.created_at or timezone.now().isoformat()
        return data


PAYLOAD_FIELDS = [f.name for f in fields(Message)]


def notification_send(*, message: Message) -> None:
    """Queue `message` for delivery, inside the caller's transaction (once per key)."""
    outbox_enqueue(
        kind=OutboxKind.DELIVER, payload=message.payload(), dedupe_key=f"notify:{message.key}"
    )


def _recipients(
    *, unit_id: int | None, roles: list[str], user_ids: list[int], cache: dict | None = None
) -> list[User]:
    key = (unit_id, tuple(sorted(roles)), tuple(sorted(user_ids)))
    if cache is not None and key in cache:
        return cache[key]
    wanted = Q(pk__in=user_ids) if user_ids else Q(pk__in=[])
    if unit_id is not None and roles:
        wanted |= Q(unit_id=unit_id, role_assignments__role__in=roles)
    users = list(
        User.objects.filter(wanted, is_active=True)
        .distinct()
        .only("pk", "email", "language")
        .order_by("pk")
    )
    if cache is not None:
        cache[key] = users
    return users


def _payload_key(payload: dict) -> str:
    """A stable key for a payload queued without one, so a retry never repeats it."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return f"payload:{digest[:40]}"


def notifications_deliver(*, payload: dict, cache: dict | None = None) -> int:
    """Write one inbox row per recipient and queue their emails; safe to run twice."""
    recipients = _recipients(
        unit_id=payload.get("unit_id"),
        roles=payload.get("roles") or [],
        user_ids=payload.get("user_ids") or [],
        cache=cache,
    )
    created_at = payload.get("created_at") or timezone.now().isoformat()
    key = payload.get("key") or _payload_key(payload)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                key=key,
                kind=payload.get("kind", ""),
                tone=payload.get("tone") or Tone.INFO,
                title_zh=payload["title_zh"][:300],
                title_en=payload["title_en"][:300],
                body_zh=payload.get("body_zh", ""),
                body_en=payload.get("body_en", ""),
                url=payload.get("url", "")[:300],
                thread=payload.get("thread", "")[:64],
                created_at=created_at,
            )
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    if payload.get("email", True):
        for user in recipients:
            if user.email:
                outbox_enqueue(
                    kind=OutboxKind.EMAIL,
                    payload={"key": key, "user_id": user.pk},
                    dedupe_key=f"email:{key}:{user.pk}"[:200],
                )
    return len(recipients)


def notification_email_send(*, key: str, user_id: int) -> bool:
    """Email one notification to its recipient, in the recipient's language."""
    notification = (
        Notification.objects.select_related("recipient")
        .filter(key=key, recipient_id=user_id)
        .first()
    )
    if notification is None or notification.emailed_at or not notification.recipient.email:
        return False
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = _("[FraudOps] %(title)s") % {"title": notification.title}
        body = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "recipient": recipient,
                "link": settings.SITE_URL.rstrip("/") + notification.url
                if notification.url.startswith("/")
                else notification.url,
            },
        )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"{exc.__class__.__name__}: {exc}") from exc
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@outbox_handler(OutboxKind.DELIVER)
def _deliver_handler(payload: dict) -> None:
    notifications_deliver(payload=payload)


@outbox_handler(OutboxKind.EMAIL)
def _email_handler(payload: dict) -> None:
    notification_email_send(key=payload["key"], user_id=payload["user_id"])


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None).

    Not audited: reading one's inbox changes nothing anyone else relies on.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
