"""Across apps: the existing account-control notices follow each person's choices, like
the incident hand-overs (docs/notifications.md). A teller who chose the daily digest
requests a stop-payment: the approvers are asked at once (urgent), the teller learns of the
approval only in the inbox and, the next morning, in one digest, however often the outbox
runs its rows."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from controls.services import control_request_approve
from controls.tests.factories import ControlRequestFactory
from fraudops.core.actors import Actor
from fraudops.core.models import OutboxMessage
from fraudops.core.outbox import outbox_relay_batch
from notifications.choices import Delivery, NonUrgentDelivery
from notifications.models import Notification
from notifications.services import notification_digests_make, notification_preferences_update

pytestmark = pytest.mark.django_db


def _relay_every_row_twice() -> None:
    seen: set[int] = set()
    while True:
        while outbox_relay_batch():
            pass
        fresh = list(OutboxMessage.objects.exclude(pk__in=seen).values_list("pk", flat=True))
        if not fresh:
            return
        seen.update(fresh)
        OutboxMessage.objects.filter(pk__in=fresh).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now()
        )


def _to(username: str) -> list:
    return [m for m in mail.outbox if m.to == [f"{username}@demo-bank.example"]]


def test_control_notices_follow_the_digest_choice_and_urgent_ones_do_not_wait(bank, person):
    teller = person("teller_bj_hd")
    notification_preferences_update(
        actor=Actor.for_user(teller), non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST
    )
    notification_preferences_update(
        actor=Actor.for_user(person("monitor2_bj")),
        non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST,
    )
    control = ControlRequestFactory(requester="teller_bj_hd")
    _relay_every_row_twice()
    # The request is urgent: both approvers are emailed at once, digest or not.
    asked = Notification.objects.get(
        key=f"controls:{control.pk}:requested", recipient__username="monitor2_bj"
    )
    assert asked.delivery == Delivery.IMMEDIATE
    assert len([m for m in _to("monitor2_bj") if control.number in m.subject]) == 1

    control_request_approve(actor=Actor.for_user(person("monitor_bj")), control_id=control.pk)
    _relay_every_row_twice()
    approved = Notification.objects.get(key=f"controls:{control.pk}:approved")
    assert approved.recipient == teller and approved.delivery == Delivery.DIGEST
    assert not [m for m in _to("teller_bj_hd") if approved.title_zh in m.subject]

    assert notification_digests_make() >= 1
    _relay_every_row_twice()
    digests = [m for m in _to("teller_bj_hd") if approved.title_zh in m.body]
    assert len(digests) == 1
    assert notification_digests_make() == 0
