"""The inbox, the unread count in the header, mark-read, and email in each person's language,
all delivered through the outbox."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from fraudops.core.choices import Role
from fraudops.core.models import OutboxMessage
from fraudops.core.outbox import outbox_enqueue, outbox_relay_batch
from notifications.models import Notification
from notifications.services import Message, notification_send, notifications_mark_read

pytestmark = pytest.mark.django_db


def _relay_all() -> None:
    while outbox_relay_batch():
        pass


def _message(bank, key="test:1", **extra) -> Message:
    return Message(
        key=key,
        title_zh="已超时:协助客户报案",
        title_en="Overdue: help the customer report to the police",
        body_zh="截止时间 14:05",
        body_en="The deadline was 14:05.",
        url="/incidents/FI-2026-000001/",
        unit_id=bank["BR-BJ-HD"].pk,
        roles=(Role.TELLER, Role.BRANCH_MANAGER),
        **extra,
    )


@pytest.fixture
def with_emails(person):
    manager = person("manager_bj_hd")
    manager.email, manager.language = "manager@bank.example", "en"
    manager.save()
    teller = person("teller_bj_hd")
    teller.email, teller.language = "teller@bank.example", "zh-hans"
    teller.save()
    return manager, teller


def test_a_notification_reaches_every_role_holder_once_with_email_in_their_language(
    bank, with_emails
):
    notification_send(message=_message(bank))
    notification_send(message=_message(bank))  # the same cause twice: one delivery
    _relay_all()
    rows = Notification.objects.filter(key="test:1")
    assert sorted(rows.values_list("recipient__username", flat=True)) == [
        "manager_bj_hd",
        "teller_bj_hd",
    ]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"manager@bank.example", "teller@bank.example"}
    assert "Overdue: help the customer" in by_address["manager@bank.example"].subject
    assert "Open it in FraudOps" in by_address["manager@bank.example"].body
    assert "已超时" in by_address["teller@bank.example"].subject
    assert "http://" in by_address["teller@bank.example"].body
    assert all(rows.values_list("emailed_at", flat=True))
    # Relaying again sends nothing more.
    _relay_all()
    assert len(mail.outbox) == 2


def test_a_mail_server_that_is_down_is_retried_later_without_repeating_the_inbox(bank, with_emails):
    notification_send(message=_message(bank))
    with mock.patch(
        "notifications.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("down")
    ):
        _relay_all()
    assert Notification.objects.filter(key="test:1").count() == 2
    waiting = OutboxMessage.objects.filter(kind="notification.email")
    assert waiting.count() == 2
    assert set(waiting.values_list("status", flat=True)) == {"pending"}
    assert all(m.attempts == 1 and "down" in m.last_error for m in waiting)
    OutboxMessage.objects.update(next_attempt_at=OutboxMessage.objects.first().created_at)
    _relay_all()
    assert len(mail.outbox) == 2
    assert set(waiting.values_list("status", flat=True)) == {"sent"}
    assert Notification.objects.filter(key="test:1").count() == 2


def test_another_apps_notification_row_without_a_key_is_delivered_once(bank, person):
    payload = {
        "user_ids": [person("monitor_bj").pk],
        "title_zh": "止付申请待审批",
        "title_en": "Freeze request to approve",
        "body_zh": "",
        "body_en": "",
        "url": "/controls/1/",
    }
    outbox_enqueue(kind="notification", payload=payload, dedupe_key="controls:1")
    _relay_all()
    from notifications.services import notifications_deliver

    notifications_deliver(payload=payload)  # a replay of the same row
    assert Notification.objects.filter(recipient__username="monitor_bj").count() == 1


def test_nothing_is_delivered_when_the_change_rolls_back(bank):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(message=_message(bank))
        raise RuntimeError("the service failed")
    _relay_all()
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()


def test_marking_read_touches_only_ones_own_notifications(bank, person):
    notification_send(message=_message(bank))
    _relay_all()
    teller, manager = person("teller_bj_hd"), person("manager_bj_hd")
    theirs = Notification.objects.get(recipient=manager)
    assert notifications_mark_read(user=teller, ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert notifications_mark_read(user=teller) == 1


def test_the_header_shows_the_real_unread_count_and_the_inbox_marks_read(bank, person, client):
    for n in range(3):
        notification_send(message=_message(bank, key=f"test:{n}"))
    _relay_all()
    teller = person("teller_bj_hd")
    client.force_login(teller)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="unread-count">3<' in html
    assert html.count('data-testid="notification"') == 3
    one = Notification.objects.filter(recipient=teller).first()
    response = client.post(
        reverse("notifications:mark-read"), {"ids": [one.pk], "next": "/notifications/"}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=teller, read_at__isnull=True).count() == 2
    client.post(reverse("notifications:mark-read"), {"all": "1"})
    assert not Notification.objects.filter(recipient=teller, read_at__isnull=True).exists()
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-testid="unread-count">0<' in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(bank, person, client):
    notification_send(message=_message(bank))
    _relay_all()
    teller = person("teller_bj_hd")
    client.force_login(teller)
    mine = Notification.objects.get(recipient=teller)
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/incidents/FI-2026-000001/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # Someone else's notification is not found.
    theirs = Notification.objects.exclude(recipient=teller).first()
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_page_query_count_does_not_grow_with_the_inbox(
    bank, person, client, django_assert_num_queries
):
    for n in range(25):
        notification_send(message=_message(bank, key=f"test:{n}"))
    _relay_all()
    client.force_login(person("teller_bj_hd"))
    # session, user, roles, the page (count + rows), and the unread count once: the page's
    # "25 unread" is the header's count.
    with django_assert_num_queries(6):
        page = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'class="sub">25 unread<' in html
    assert 'data-testid="unread-count">25<' in html
    assert 'data-testid="mark-all-read"' in html


def test_inbox_api_lists_counts_and_marks_read(bank, api, person):
    notification_send(message=_message(bank))
    notification_send(message=_message(bank, key="test:2"))
    _relay_all()
    client = api("teller_bj_hd")
    listing = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert listing.json()["count"] == 2
    first = listing.json()["results"][0]
    assert first["title"].startswith("Overdue") and first["unread"] is True
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    marked = client.post("/api/v1/notifications/read/", {"ids": [first["id"]]}, format="json")
    assert marked.json() == {"marked": 1, "unread": 1}
    assert client.post("/api/v1/notifications/read/", {}, format="json").status_code == 400
    marked = client.post("/api/v1/notifications/read/", {"all": True}, format="json")
    assert marked.json() == {"marked": 1, "unread": 0}


def test_api_clients_have_no_inbox(core_banking):
    response = core_banking.get("/api/v1/notifications/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_callers_are_refused(api, bank):
    response = api().get("/api/v1/notifications/unread-count/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="fraudops"'
