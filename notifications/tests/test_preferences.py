"""Each person's choices (email on or off; non-urgent ones at once or in a daily digest),
applied to every notification whichever app sent it; the digest (exactly once); the
settings page and API (audited); the header's live unread count."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from fraudops.core.actors import Actor
from fraudops.core.choices import Role
from fraudops.core.models import AuditEvent, OutboxMessage
from fraudops.core.outbox import outbox_relay_batch
from notifications.choices import Delivery, NonUrgentDelivery, Tone
from notifications.models import Notification, NotificationDigest, NotificationPreference
from notifications.services import (
    Message,
    notification_digests_make,
    notification_preferences_update,
    notification_send,
    notifications_deliver,
)
from notifications.tasks import notifications_digest

pytestmark = pytest.mark.django_db


def relay_every_row_twice() -> None:
    """The relay until the outbox is empty, then every row once more (as after a lost
    "sent" mark), until no new row appears."""
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


def _send(bank, key: str, *, tone: str = Tone.INFO, title: str = "") -> None:
    notification_send(
        message=Message(
            key=key,
            title_zh=title or f"测试 {key}",
            title_en=title or f"Test {key}",
            body_en="Something to look at.",
            body_zh="请查看。",
            url="/incidents/",
            tone=tone,
            unit_id=bank["BR-BJ-HD"].pk,
            roles=(Role.TELLER,),
        )
    )


def _choose(person, username: str, **choices) -> None:
    notification_preferences_update(actor=Actor.for_user(person(username)), **choices)


def _mails_to(username: str) -> list:
    return [m for m in mail.outbox if m.to == [f"{username}@demo-bank.example"]]


def test_by_default_every_notification_is_emailed_at_once(bank):
    _send(bank, "k:1")
    relay_every_row_twice()
    row = Notification.objects.get(key="k:1")
    assert row.delivery == Delivery.IMMEDIATE and row.emailed_at
    assert len(_mails_to("teller_bj_hd")) == 1


def test_email_turned_off_keeps_the_inbox_and_sends_no_mail(bank, person):
    _choose(person, "teller_bj_hd", email_enabled=False)
    _send(bank, "k:1")
    _send(bank, "k:urgent", tone=Tone.DANGER)
    relay_every_row_twice()
    assert Notification.objects.filter(recipient__username="teller_bj_hd").count() == 2
    assert set(Notification.objects.values_list("delivery", flat=True)) == {Delivery.IN_APP}
    assert _mails_to("teller_bj_hd") == []
    assert not OutboxMessage.objects.filter(kind="notification.email").exists()
    notification_digests_make()
    assert not NotificationDigest.objects.exists()


def test_no_address_no_email(bank, person):
    teller = person("teller_bj_hd")
    teller.email = ""
    teller.save()
    _send(bank, "k:1")
    relay_every_row_twice()
    assert Notification.objects.get().delivery == Delivery.IN_APP
    assert mail.outbox == []


def test_digest_means_no_immediate_mail_then_one_digest_then_nothing(bank, person):
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    with freeze_time("2026-11-22 09:00:00"):
        _send(bank, "k:1", title="第一条通知")
    with freeze_time("2026-11-22 15:00:00"):
        _send(bank, "k:2", title="第二条通知")
        relay_every_row_twice()
    assert mail.outbox == []
    assert set(Notification.objects.values_list("delivery", flat=True)) == {Delivery.DIGEST}

    with freeze_time("2026-11-23 00:30:00"):
        assert notifications_digest() == 1  # the beat task
        relay_every_row_twice()  # the digest's outbox row, twice
    (digest_mail,) = _mails_to("teller_bj_hd")
    assert "2" in digest_mail.subject
    assert "第一条通知" in digest_mail.body and "第二条通知" in digest_mail.body
    assert digest_mail.body.index("第一条通知") < digest_mail.body.index("第二条通知")
    assert "http://127.0.0.1:8000/incidents/" in digest_mail.body
    assert "http://127.0.0.1:8000/notifications/settings/" in digest_mail.body
    digest = NotificationDigest.objects.get()
    assert digest.emailed_at is not None
    assert set(Notification.objects.values_list("digest", flat=True)) == {digest.pk}
    assert all(Notification.objects.values_list("emailed_at", flat=True))

    # A second run the same day (beat restarted): nothing left, nothing sent.
    with freeze_time("2026-11-23 00:31:00"):
        assert notifications_digest() == 0
        relay_every_row_twice()
    assert len(mail.outbox) == 1
    assert NotificationDigest.objects.count() == 1

    # The next day's digest holds only what came since.
    _send(bank, "k:3", title="第三条通知")
    relay_every_row_twice()
    assert notifications_digest() == 1
    relay_every_row_twice()
    assert len(mail.outbox) == 2
    assert "第三条通知" in mail.outbox[-1].body and "第一条通知" not in mail.outbox[-1].body


def test_urgent_ones_are_emailed_at_once_even_for_digest_readers(bank, person):
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    _send(bank, "k:urgent", tone=Tone.DANGER, title="紧急通知")
    _send(bank, "k:later", title="普通通知")
    relay_every_row_twice()
    (urgent,) = _mails_to("teller_bj_hd")
    assert "紧急通知" in urgent.subject
    assert Notification.objects.get(key="k:urgent").delivery == Delivery.IMMEDIATE
    notification_digests_make()
    relay_every_row_twice()
    digest = _mails_to("teller_bj_hd")[-1]
    assert "普通通知" in digest.body and "紧急通知" not in digest.body


def test_an_escalation_is_never_held_for_the_digest(bank, person):
    # An overdue step's notice (tone warning) is urgent: tomorrow's digest is too late.
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    _send(bank, "clock:9:overdue", tone=Tone.WARNING, title="已超时")
    relay_every_row_twice()
    (overdue,) = _mails_to("teller_bj_hd")
    assert "已超时" in overdue.subject
    assert Notification.objects.get(key="clock:9:overdue").delivery == Delivery.IMMEDIATE


def test_the_digest_is_in_the_readers_language(bank, person):
    teller = person("teller_bj_hd")
    teller.language = "en"
    teller.save()
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    _send(bank, "k:1")
    relay_every_row_twice()
    notification_digests_make()
    relay_every_row_twice()
    (digest,) = mail.outbox
    assert digest.subject == "[FraudOps] Your daily digest: 1 notification"
    assert "Test k:1" in digest.body and "Dear " in digest.body


def test_the_decision_is_taken_once_so_a_replay_never_emails_a_digest_notice(bank, person):
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    _send(bank, "k:1")
    relay_every_row_twice()
    payload = OutboxMessage.objects.get(kind="notification").payload
    # The person switches back to immediate; the same row is delivered again.
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.IMMEDIATE)
    notifications_deliver(payload=payload)
    relay_every_row_twice()
    assert mail.outbox == []
    notification_digests_make()
    relay_every_row_twice()
    assert len(mail.outbox) == 1  # the digest, and only it


def test_turning_email_off_before_the_digest_keeps_them_in_the_inbox_only(bank, person):
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    _send(bank, "k:1")
    relay_every_row_twice()
    _choose(person, "teller_bj_hd", email_enabled=False)
    assert notification_digests_make() == 0
    assert Notification.objects.get().delivery == Delivery.IN_APP
    assert mail.outbox == []


def test_the_digest_task_is_in_beats_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-digest"]
    assert entry["task"] == notifications_digest.name == "notifications.tasks.notifications_digest"


def test_other_apps_notices_follow_the_choices_too(bank, person):
    """A notice of another app (an escalation as clocks.notices delivers it) obeys the same
    choices: the machinery sits in the one delivery every app uses."""
    _choose(person, "teller_bj_hd", email_enabled=False)
    notifications_deliver(
        payload=Message(
            key="clock:1:overdue",
            title_zh="已超时",
            title_en="Overdue",
            tone=Tone.WARNING,
            kind="clock.overdue",
            unit_id=bank["BR-BJ-HD"].pk,
            roles=(Role.TELLER, Role.BRANCH_MANAGER),
        ).payload()
    )
    relay_every_row_twice()
    assert [m.to for m in mail.outbox] == [["manager_bj_hd@demo-bank.example"]]
    assert Notification.objects.filter(key="clock:1:overdue").count() == 2


# --- changing them: the service, the page, the API --------------------------------------


def test_a_change_is_audited_on_the_persons_thread(bank, person):
    teller = person("teller_bj_hd")
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    event = AuditEvent.objects.get(action="notifications.preferences_changed")
    assert event.thread == f"user:{teller.pk}"
    assert event.before == {"email_enabled": True, "non_urgent_delivery": "immediate"}
    assert event.after == {"email_enabled": True, "non_urgent_delivery": "daily_digest"}
    assert event.actor_user_id == teller.pk
    # Saving the same choices again records nothing new.
    _choose(person, "teller_bj_hd", non_urgent_delivery=NonUrgentDelivery.DAILY_DIGEST)
    assert AuditEvent.objects.filter(action="notifications.preferences_changed").count() == 1


def test_the_settings_page_is_in_the_header_and_saves(bank, person, client):
    teller = person("teller_bj_hd")
    client.force_login(teller)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/notifications/settings/"' in home
    page = client.get(reverse("notifications:preferences"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Notification settings" in html and "teller_bj_hd@demo-bank.example" in html
    with translation.override("zh-hans"):
        page = client.get(reverse("notifications:preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    response = client.post(
        reverse("notifications:preferences"),
        {"non_urgent_delivery": "daily_digest"},  # the box left unticked: email off
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=teller)
    assert preference.email_enabled is False
    assert preference.non_urgent_delivery == "daily_digest"
    assert AuditEvent.objects.filter(
        action="notifications.preferences_changed", thread=f"user:{teller.pk}"
    ).exists()
    # A bad choice is refused on the form and changes nothing.
    response = client.post(
        reverse("notifications:preferences"),
        {"email_enabled": "on", "non_urgent_delivery": "hourly"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    preference.refresh_from_db()
    assert preference.email_enabled is False


def test_preferences_api_reads_and_changes_ones_own(bank, api, person):
    client = api("teller_bj_hd")
    url = "/api/v1/notifications/preferences/"
    assert client.get(url).json() == {
        "email_enabled": True,
        "non_urgent_delivery": "immediate",
        "has_email_address": True,
    }
    response = client.put(
        url, {"non_urgent_delivery": "daily_digest"}, format="json", HTTP_IDEMPOTENCY_KEY="p-1"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["non_urgent_delivery"] == "daily_digest"
    assert response.json()["email_enabled"] is True
    replay = client.put(
        url, {"non_urgent_delivery": "daily_digest"}, format="json", HTTP_IDEMPOTENCY_KEY="p-1"
    )
    assert replay["Idempotent-Replayed"] == "true"
    response = client.put(url, {"email_enabled": False}, format="json")
    assert response.json()["email_enabled"] is False
    assert AuditEvent.objects.filter(action="notifications.preferences_changed").count() == 2
    # Someone else's choices are untouched.
    assert not NotificationPreference.objects.filter(user=person("manager_bj_hd")).exists()


def test_preferences_api_refuses_bad_input_naming_the_field(bank, api):
    client = api("teller_bj_hd")
    response = client.put(
        "/api/v1/notifications/preferences/",
        {"non_urgent_delivery": "hourly"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "non_urgent_delivery" in response.json()["error"]["fields"]
    assert not NotificationPreference.objects.exists()


def test_api_clients_have_no_preferences(core_banking):
    response = core_banking.get("/api/v1/notifications/preferences/")
    assert response.status_code == 403
    response = core_banking.put(
        "/api/v1/notifications/preferences/", {"email_enabled": False}, format="json"
    )
    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()


# --- the header's live unread count ---------------------------------------------------------


def test_the_unread_count_endpoint_answers_304_until_it_changes(bank, person, client):
    teller = person("teller_bj_hd")
    client.force_login(teller)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-unread-source="/notifications/unread/"' in page
    assert 'data-unread-marker="0.0"' in page
    url = reverse("notifications:unread-changes")
    first = client.get(url)
    assert first.status_code == 200
    assert first.json() == {"marker": "0.0", "unread": 0}
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    _send(bank, "k:1")
    relay_every_row_twice()
    moved = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert moved.status_code == 200
    assert moved.json()["unread"] == 1
    # Reading one and receiving another keeps the count but moves the marker.
    Notification.objects.update(read_at=timezone.now())
    _send(bank, "k:2")
    relay_every_row_twice()
    again = client.get(url, HTTP_IF_NONE_MATCH=moved["ETag"])
    assert again.status_code == 200
    assert again.json()["unread"] == 1 and again.json()["marker"] != moved.json()["marker"]


def test_the_unread_count_costs_one_query_besides_signing_in(bank, person, client):
    client.force_login(person("teller_bj_hd"))
    url = reverse("notifications:unread-changes")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # session, user, the count and marker.
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_the_unread_count_needs_signing_in(client, bank):
    response = client.get(reverse("notifications:unread-changes"))
    assert response.status_code == 302


def test_the_inbox_filters_unread_with_a_pinned_query_count(
    bank, person, client, django_assert_num_queries
):
    for n in range(6):
        _send(bank, f"k:{n}")
    relay_every_row_twice()
    teller = person("teller_bj_hd")
    Notification.objects.filter(key__in=["k:0", "k:1"]).update(read_at=timezone.now())
    client.force_login(teller)
    client.get(reverse("notifications:inbox"))
    with django_assert_num_queries(6):
        page = client.get(
            reverse("notifications:inbox"), {"unread": "1"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    html = page.content.decode()
    assert html.count('data-testid="notification"') == 4
    assert 'data-testid="preferences-link"' in html
