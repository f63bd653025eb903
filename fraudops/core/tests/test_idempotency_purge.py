"""Idempotency-Keys are forgotten after KEEP_FOR, by a task beat runs every hour."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from fraudops.core.idempotency import KEEP_FOR
from fraudops.core.idempotency import idempotency_purge as purge
from fraudops.core.models import IdempotencyRecord
from fraudops.core.tasks import idempotency_purge

pytestmark = pytest.mark.django_db


def _record(key: str, age: datetime.timedelta) -> None:
    IdempotencyRecord.objects.create(
        owner="client:1",
        key=key,
        method="POST",
        path="/api/v1/incidents/",
        request_hash="0" * 64,
        created_at=timezone.now() - age,
    )


def test_keys_older_than_their_keeping_time_are_purged_in_batches():
    for i in range(7):
        _record(f"old-{i}", KEEP_FOR + datetime.timedelta(minutes=1 + i))
    _record("young", KEEP_FOR - datetime.timedelta(hours=1))
    assert purge(batch=3) == 7
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_the_task_purges():
    _record("old", KEEP_FOR + datetime.timedelta(minutes=1))
    assert idempotency_purge() == 1
    assert not IdempotencyRecord.objects.exists()


def test_beat_runs_the_purge_every_hour():
    [entry] = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "fraudops.core.tasks.idempotency_purge"
    ]
    assert entry["schedule"] <= 3600
