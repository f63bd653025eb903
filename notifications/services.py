"""Sending notifications: always through the outbox, so a notification exists exactly when
the change that caused it committed, and reaches each person once.

    notification_send(message=Message(key="clock:12:overdue", title_zh=..., title_en=...,
                                      unit_id=unit.pk, roles=("branch_manager",)))

The outbox relay then delivers it (`notifications_deliver`): one inbox row per recipient and,
for those with an address who want it, an email in the recipient's own language (another
outbox row, so a mail server that is down is retried with backoff without repeating the
inbox rows). Each person's choices (`NotificationPreference`, `delivery_for`) decide, once
per notification, whether it is emailed at once, gathered in the daily digest
(`notification_digests_make`, beat) or kept in the inbox only; urgent ones (tone danger)
are always emailed at once. Every notification of every app goes through here, so the
choices apply to all of them (docs/notifications.md).
"""

from __future__ import annotations

import hashlib
import json
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import PermissionRefused
from fraudops.core.models import User
from fraudops.core.outbox import TransientError, outbox_enqueue, outbox_handler
from fraudops.core.parsing import parse_choice
from fraudops.core.services import refusals_audited

from .choices import URGENT_TONES, Delivery, NonUrgentDelivery, OutboxKind, Tone
from .models import Notification, NotificationDigest, NotificationPreference


@dataclass(frozen=True)
class Message:
    """What to tell whom. Recipients: every active person holding one of `roles` at
    `unit_id`, plus those holding the roles of each further `(unit_id, roles)` pair in
    `audiences`, plus `user_ids`, less `exclude_user_ids` (the person who caused it). Both
    languages are given; each person reads their own. `tone=Tone.DANGER` marks it urgent:
    emailed at once whatever the recipient's digest choice."""

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
    audiences: tuple[tuple[int, tuple[str, ...]], ...] = ()
    exclude_user_ids: tuple[int, ...] = ()
    email: bool = True
    created_at: str = field(default="")

    def payload(self) -> dict:
        data = {name: getattr(self, name) for name in PAYLOAD_FIELDS}
        data["roles"] = list(self.roles)
        data["user_ids"] = list(self.user_ids)
        data["exclude_user_ids"] = list(self.exclude_user_ids)
        data["audiences"] = [[unit_id, list(roles)] for unit_id, roles in self.audiences]
        data["created_at"] = self.created_at or timezone.now().isoformat()
        return data


PAYLOAD_FIELDS = [f.name for f in fields(Message)]


def notification_send(*, message: Message) -> None:
    """Queue `message` for delivery, inside the caller's transaction (once per key)."""
    outbox_enqueue(
        kind=OutboxKind.DELIVER, payload=message.payload(), dedupe_key=f"notify:{message.key}"
    )


def _recipients(
    *,
    unit_id: int | None,
    roles: list[str],
    user_ids: list[int],
    audiences: list | None = None,
    exclude: list[int] | None = None,
    cache: dict | None = None,
) -> list[User]:
    pairs = [(unit_id, list(roles))] if unit_id is not None and roles else []
    pairs += [(pair[0], list(pair[1])) for pair in audiences or () if pair[0] and pair[1]]
    key = (
        tuple(sorted((unit, tuple(sorted(names))) for unit, names in pairs)),
        tuple(sorted(user_ids)),
        tuple(sorted(exclude or ())),
    )
    if cache is not None and key in cache:
        return cache[key]
    wanted = Q(pk__in=user_ids) if user_ids else Q(pk__in=[])
    for unit, names in pairs:
        wanted |= Q(unit_id=unit, role_assignments__role__in=names)
    users = list(
        User.objects.filter(wanted, is_active=True)
        .exclude(pk__in=list(exclude or ()))
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


def preferences_for(users: Iterable[User], *, cache: dict | None = None) -> dict[int, Any]:
    """Each person's `NotificationPreference` by user id (one query; none: the defaults)."""
    ids = tuple(sorted(user.pk for user in users))
    key = ("preferences", ids)
    if cache is not None and key in cache:
        return cache[key]
    found = {pref.user_id: pref for pref in NotificationPreference.objects.filter(user_id__in=ids)}
    if cache is not None:
        cache[key] = found
    return found


def delivery_for(
    user: User, *, tone: str, preference: NotificationPreference | None, email: bool = True
) -> str:
    """How one notification reaches `user` by email (`Delivery`): not at all without an
    address, when the person turned email off, or when the message asked for no email;
    urgent ones (tone warning or danger: an escalation, an urgent filing, a return) at
    once; the others at once or in the daily digest, as the person chose."""
    if not email or not user.email:
        return Delivery.IN_APP
    if preference is not None and not preference.email_enabled:
        return Delivery.IN_APP
    if tone in URGENT_TONES:
        return Delivery.IMMEDIATE
    if preference is not None and preference.non_urgent_delivery == NonUrgentDelivery.DAILY_DIGEST:
        return Delivery.DIGEST
    return Delivery.IMMEDIATE


def notifications_deliver(*, payload: dict, cache: dict | None = None) -> int:
    """Write one inbox row per recipient and queue the emails due at once; safe to run
    twice (one row per key and person; each row's delivery is decided when it is written
    and never again, so a replay neither emails twice nor emails what went to a digest)."""
    recipients = _recipients(
        unit_id=payload.get("unit_id"),
        roles=payload.get("roles") or [],
        user_ids=payload.get("user_ids") or [],
        audiences=payload.get("audiences") or [],
        exclude=payload.get("exclude_user_ids") or [],
        cache=cache,
    )
    if not recipients:
        return 0
    created_at = payload.get("created_at") or timezone.now().isoformat()
    key = payload.get("key") or _payload_key(payload)
    tone = payload.get("tone") or Tone.INFO
    wants_email = payload.get("email", True)
    preferences = preferences_for(recipients, cache=cache)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                key=key,
                kind=payload.get("kind", ""),
                tone=tone,
                title_zh=payload["title_zh"][:300],
                title_en=payload["title_en"][:300],
                body_zh=payload.get("body_zh", ""),
                body_en=payload.get("body_en", ""),
                url=payload.get("url", "")[:300],
                thread=payload.get("thread", "")[:64],
                created_at=created_at,
                delivery=delivery_for(
                    user, tone=tone, preference=preferences.get(user.pk), email=wants_email
                ),
            )
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    # The rows as stored (a replay finds the first run's decisions), emailed at once.
    to_email = Notification.objects.filter(
        key=key,
        recipient_id__in=[user.pk for user in recipients],
        delivery=Delivery.IMMEDIATE,
        emailed_at__isnull=True,
    ).values_list("recipient_id", flat=True)
    for user_id in to_email:
        outbox_enqueue(
            kind=OutboxKind.EMAIL,
            payload={"key": key, "user_id": user_id},
            dedupe_key=f"email:{key}:{user_id}"[:200],
        )
    return len(recipients)


def _link(url: str) -> str:
    """An absolute link for an email."""
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _send(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"{exc.__class__.__name__}: {exc}") from exc


def notification_email_send(*, key: str, user_id: int) -> bool:
    """Email one notification to its recipient, in the recipient's language."""
    notification = (
        Notification.objects.select_related("recipient")
        .filter(key=key, recipient_id=user_id)
        .first()
    )
    if (
        notification is None
        or notification.emailed_at
        or notification.delivery != Delivery.IMMEDIATE
        or not notification.recipient.email
    ):
        return False
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = _("[FraudOps] %(title)s") % {"title": notification.title}
        body = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "recipient": recipient,
                "link": _link(notification.url),
            },
        )
    _send(subject, body, recipient.email)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


# --- the daily digest ------------------------------------------------------------------------


def notification_digests_make(*, limit: int | None = None) -> int:
    """Gather each person's undigested non-urgent notifications into one digest and queue
    its email (beat, daily). Idempotent: a notification is taken into a digest by setting
    `digest` under its row lock in the transaction that makes the digest and writes its
    outbox row, so it is in exactly one digest, and a second run finds nothing left. Rows
    of a person who since turned email off, or lost their address, stay in the inbox only.
    Returns how many digests were made."""
    waiting = Notification.objects.filter(delivery=Delivery.DIGEST, digest__isnull=True)
    people = list(
        waiting.order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
    made = 0
    for user_id in people[:limit] if limit else people:
        with transaction.atomic():
            rows = list(
                waiting.filter(recipient_id=user_id)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "id")
                .values_list("pk", flat=True)
            )
            if not rows:
                continue  # another run took them
            user = User.objects.filter(pk=user_id).only("pk", "email", "is_active").first()
            preference = NotificationPreference.objects.filter(user_id=user_id).first()
            if (
                user is None
                or not user.is_active
                or not user.email
                or (preference is not None and not preference.email_enabled)
            ):
                Notification.objects.filter(pk__in=rows).update(delivery=Delivery.IN_APP)
                continue
            digest = NotificationDigest.objects.create(recipient=user, created_at=timezone.now())
            Notification.objects.filter(pk__in=rows).update(digest=digest)
            outbox_enqueue(
                kind=OutboxKind.DIGEST,
                payload={"digest_id": digest.pk},
                dedupe_key=f"digest:{digest.pk}",
            )
            made += 1
    return made


def notification_digest_send(*, digest_id: int) -> bool:
    """Email one digest, in its recipient's language; once (a digest already emailed is not
    sent again however often the outbox runs its row)."""
    digest = (
        NotificationDigest.objects.select_related("recipient")
        .filter(pk=digest_id, emailed_at__isnull=True)
        .first()
    )
    if digest is None or not digest.recipient.email:
        return False
    recipient = digest.recipient
    items = list(digest.notifications.order_by("created_at", "id"))
    if not items:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        count = len(items)
        subject = ngettext(
            "[FraudOps] Your daily digest: %(count)s notification",
            "[FraudOps] Your daily digest: %(count)s notifications",
            count,
        ) % {"count": count}
        body = render_to_string(
            "notifications/digest.txt",
            {
                "recipient": recipient,
                "items": [(item, _link(item.url)) for item in items],
                "count": count,
                "inbox": _link("/notifications/"),
                "preferences": _link("/notifications/settings/"),
            },
        )
    _send(subject, body, recipient.email)
    now = timezone.now()
    NotificationDigest.objects.filter(pk=digest.pk).update(emailed_at=now)
    digest.notifications.filter(emailed_at__isnull=True).update(emailed_at=now)
    return True


@outbox_handler(OutboxKind.DELIVER)
def _deliver_handler(payload: dict) -> None:
    notifications_deliver(payload=payload)


@outbox_handler(OutboxKind.EMAIL)
def _email_handler(payload: dict) -> None:
    notification_email_send(key=payload["key"], user_id=payload["user_id"])


@outbox_handler(OutboxKind.DIGEST)
def _digest_handler(payload: dict) -> None:
    notification_digest_send(digest_id=payload["digest_id"])


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None).

    Not audited: reading one's inbox changes nothing anyone else relies on.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# --- a person's choices -------------------------------------------------------------------


def preference_snapshot(preference: NotificationPreference) -> dict[str, Any]:
    return {
        "email_enabled": preference.email_enabled,
        "non_urgent_delivery": preference.non_urgent_delivery,
    }


@refusals_audited
def notification_preferences_update(
    *, actor: Actor, email_enabled: bool | str | None = None, non_urgent_delivery: str | None = None
) -> NotificationPreference:
    """The signed-in person changes their own choices (a field left None keeps its value);
    audited on their thread (`user:<id>`). API clients have no inbox, hence no choices."""
    action = "notifications.preferences_update"
    user = actor.user
    if user is None:
        raise PermissionRefused(_("API clients have no inbox."), action=action)
    if non_urgent_delivery is not None:
        non_urgent_delivery = parse_choice(
            non_urgent_delivery,
            field="non_urgent_delivery",
            choices=NonUrgentDelivery,
            required=True,
        )
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user
        )
        before = preference_snapshot(preference)
        if email_enabled is not None:
            preference.email_enabled = email_enabled in (True, "true", "on", "1", 1, "yes")
        if non_urgent_delivery is not None:
            preference.non_urgent_delivery = non_urgent_delivery
        preference.save()
        after = preference_snapshot(preference)
        if after != before:
            audit_record(
                actor=actor,
                action="notifications.preferences_changed",
                thread=f"user:{user.pk}",
                target=f"user:{user.pk}",
                before=before,
                after=after,
            )
    return preference
