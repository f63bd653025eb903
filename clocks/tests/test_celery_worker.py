"""A real Celery worker against Redis (CI's PostgreSQL pass sets REDIS_URL): the beat task
runs the sweep, the outbox relay delivers the notifications, and a Redis outage loses
nothing."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from clocks.models import Escalation
from clocks.tasks import clocks_sweep
from fraudops.celery import app as celery_app
from fraudops.core.models import OutboxMessage
from fraudops.core.tasks import outbox_relay
from incidents.models import Incident
from notifications.models import Notification

from .conftest import broker_down
from .test_sweep_resilience import _make_due

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") and not os.environ.get("FRAUDOPS_REQUIRE_SERVICES"),
        reason="needs Redis (set REDIS_URL)",
    ),
]


def _wait_for(predicate, *, timeout: float = 30.0) -> bool:
    """Poll the database while the worker thread works (this waits for a worker, not for a
    clock: deadlines are set in the past)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def worker():
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


def test_the_beat_task_run_by_a_worker_escalates_and_notifies(file_incident, worker):
    incident = file_incident()
    due = _make_due(thread=incident.thread)
    clocks_sweep.delay()
    assert _wait_for(lambda: Escalation.objects.count() == due)
    keys = [f"clock:{c}:{s}" for c, s in Escalation.objects.values_list("clock_id", "stage")]
    assert _wait_for(lambda: all(Notification.objects.filter(key=k).exists() for k in keys))
    assert Notification.objects.filter(recipient__username="manager_bj_hd").exists()


def test_outbox_rows_written_while_redis_is_down_are_relayed_once_it_is_back(file_incident):
    with broker_down():
        incident = file_incident()
        assert Incident.objects.filter(pk=incident.pk).exists()
        _make_due(thread=incident.thread)
        with pytest.raises(Exception):  # noqa: B017 - beat cannot deliver the sweep now
            clocks_sweep.delay()
        from clocks.sweep import clocks_sweep as run_sweep

        assert run_sweep().fired > 0  # a sweep that was already running when Redis went down
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        outbox_relay.delay()  # what beat sends every 10 s
        assert _wait_for(
            lambda: not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
        )
    for clock_id, stage in Escalation.objects.values_list("clock_id", "stage"):
        assert Notification.objects.filter(key=f"clock:{clock_id}:{stage}").exists()
