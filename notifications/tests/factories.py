"""factory_boy factories for the inbox, through the real delivery (`notifications_deliver`,
what the outbox relay runs), so rows are written once per recipient and key exactly as in
production.

    NotificationFactory(recipient=user)              # one unread notification for `user`
    NotificationFactory.create_batch(5, recipient=user)
    MessageFactory(unit_id=unit.pk, roles=("teller",))  # the message only (not sent)
"""

from __future__ import annotations

from typing import Any

import factory

from fraudops.core.models import User
from notifications.models import Notification
from notifications.services import Message, notifications_deliver


class MessageFactory(factory.Factory):
    class Meta:
        model = Message

    key = factory.Sequence(lambda n: f"factory:{n}")
    title_zh = factory.Sequence(lambda n: f"测试通知 {n}")
    title_en = factory.Sequence(lambda n: f"Test notification {n}")
    body_zh = "请尽快处理。"
    body_en = "Please deal with it soon."
    url = "/incidents/"
    email = False


class NotificationFactory(factory.Factory):
    """One notification delivered to `recipient` (a User or a username)."""

    class Meta:
        model = Notification

    recipient: Any = None
    message = factory.SubFactory(MessageFactory)

    @classmethod
    def _build(cls, model_class: type[Notification], *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Notifications are delivered through the service: use create().")

    @classmethod
    def _create(
        cls, model_class: type[Notification], *args: Any, recipient: Any, message: Message
    ) -> Notification:
        if isinstance(recipient, str):
            recipient = User.objects.get(username=recipient)
        payload = message.payload()
        payload["user_ids"] = [recipient.pk]
        notifications_deliver(payload=payload)
        return Notification.objects.get(key=message.key, recipient=recipient)
