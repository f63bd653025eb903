"""NotificationFactory delivers through the real delivery service."""

from __future__ import annotations

from notifications.models import Notification

from .factories import NotificationFactory


def test_a_notification_lands_unread_in_its_recipient_s_inbox(bank, person):
    teller = person("teller_bj_hd")
    notification = NotificationFactory(recipient=teller)
    assert notification.is_unread
    assert notification.recipient == teller
    NotificationFactory.create_batch(2, recipient="teller_bj_hd")
    assert Notification.objects.filter(recipient=teller).count() == 3
