"""The transactional outbox: rows exist exactly when the change does, are delivered once,
retried with backoff when the failure is transient, and dead-lettered otherwise."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from fraudops.core import outbox
from fraudops.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

delivered: list[dict] = []


@outbox.outbox_handler("test.ok")
def _ok(payload):
    delivered.append(payload)


@outbox.outbox_handler("test.flaky")
def _flaky(payload):
    raise outbox.TransientError("remote answered 503")


@outbox.outbox_handler("test.broken")
def _broken(payload):
    raise ValueError("malformed payload")


@pytest.fixture(autouse=True)
def _clear():
    delivered.clear()


def test_rolled_back_change_leaves_no_outbox_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.outbox_enqueue(kind="test.ok", payload={"n": 1})
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_message_delivered_once():
    outbox.outbox_enqueue(kind="test.ok", payload={"n": 1})
    assert outbox.outbox_relay_batch() == 1
    assert outbox.outbox_relay_batch() == 0
    assert delivered == [{"n": 1}]
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None


def test_dedupe_key_keeps_one_row():
    outbox.outbox_enqueue(kind="test.ok", payload={"n": 1}, dedupe_key="escalation:1:overdue")
    outbox.outbox_enqueue(kind="test.ok", payload={"n": 1}, dedupe_key="escalation:1:overdue")
    assert OutboxMessage.objects.count() == 1


def test_transient_failure_retries_with_backoff_then_dead_letters():
    with freeze_time("2026-11-22 08:00:00") as clock:
        outbox.outbox_enqueue(kind="test.flaky", payload={})
        outbox.outbox_relay_batch()
        message = OutboxMessage.objects.get()
        assert message.status == OutboxMessage.Status.PENDING
        assert message.attempts == 1
        assert message.next_attempt_at > timezone.now()
        # Not due yet: nothing happens.
        assert outbox.outbox_relay_batch() == 0
        for _ in range(outbox.MAX_ATTEMPTS):
            clock.tick(datetime.timedelta(hours=2))
            outbox.outbox_relay_batch()
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.DEAD
        assert message.attempts == outbox.MAX_ATTEMPTS
        assert "503" in message.last_error


def test_permanent_failure_is_a_dead_letter_at_once_and_can_be_retried():
    outbox.outbox_enqueue(kind="test.broken", payload={})
    outbox.outbox_relay_batch()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.DEAD
    assert "malformed" in message.last_error
    assert outbox.outbox_retry(message_ids=[message.pk]) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 0


def test_unknown_kind_is_a_dead_letter():
    outbox.outbox_enqueue(kind="test.nobody", payload={})
    outbox.outbox_relay_batch()
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.DEAD
