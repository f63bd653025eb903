"""The sweep under concurrency and failure: two sweeps at once, a worker killed mid-batch,
a subject being changed while the sweep looks at it, and Redis unavailable for a while."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from clocks.choices import ClockStatus
from clocks.models import Clock, Escalation
from clocks.services import clock_start
from clocks.sweep import clocks_sweep, clocks_sweep_batch
from fraudops.core.choices import Role
from fraudops.core.models import AuditEvent, OutboxMessage, Sequence
from fraudops.core.tasks import outbox_relay
from incidents.choices import TaskStatus
from incidents.demo import work_task
from incidents.models import Incident, Task
from notifications.models import Notification

from .conftest import broker_down, queued_notification_keys


def _make_due(*, thread: str | None = None) -> int:
    """Put deadlines in the past, as if the clock had run: every open clock (of `thread`)."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    clocks = Clock.objects.filter(status=ClockStatus.OPEN)
    if thread:
        clocks = clocks.filter(thread=thread)
    Task.objects.filter(pk__in=clocks.filter(kind="task").values("subject_id")).update(due_at=past)
    return clocks.update(due_at=past, next_at=past)


def _generic_clocks(bank, n: int, *, year: int = 2026) -> list[Clock]:
    """`n` clocks on throwaway subjects, all due now, grace long enough that only `overdue`
    fires."""
    subjects = Sequence.objects.bulk_create(
        [Sequence(name=f"clock-subject-{i}", year=year) for i in range(n)]
    )
    due = timezone.now() - datetime.timedelta(seconds=1)
    return [
        clock_start(
            subject=subject,
            kind="test.burst",
            due_at=due,
            unit=bank["BR-SH-PD"],
            owner_role=Role.TELLER,
            thread=f"test:{subject.pk}",
            title_zh="测试",
            title_en="Test",
            grace_minutes=600,
        )
        for subject in subjects
    ]


def _assert_each_stage_once(expected: int) -> None:
    pairs = list(Escalation.objects.values_list("clock_id", "stage"))
    assert len(pairs) == expected
    assert len(set(pairs)) == expected
    assert AuditEvent.objects.filter(action="clock.escalated").count() == expected
    keys = [key for key in queued_notification_keys() if key.startswith("clock:")]
    assert len(keys) == len(set(keys)) == expected


# --- on any database -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_that_fails_midway_leaves_nothing_behind_and_the_next_sweep_fires_once(bank):
    _generic_clocks(bank, 20)
    with (
        mock.patch("clocks.sweep.outbox_enqueue", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        clocks_sweep_batch(limit=50)
    assert not Escalation.objects.exists()
    assert not AuditEvent.objects.filter(action="clock.escalated").exists()
    assert Clock.objects.filter(status=ClockStatus.OPEN, stage="").count() == 20
    assert clocks_sweep().fired == 20
    clocks_sweep()
    _assert_each_stage_once(20)


@pytest.mark.django_db(transaction=True)
def test_filing_commits_while_the_broker_is_down_and_nothing_is_lost_when_it_is_back(
    file_incident,
):
    with broker_down():
        incident = file_incident()
        # Committed: another connection sees it.
        assert Incident.objects.filter(pk=incident.pk).exists()
        with pytest.raises(Exception):  # noqa: B017 - any broker error: beat cannot send now
            outbox_relay.apply_async(retry=False)
        _make_due(thread=incident.thread)
        fired = clocks_sweep().fired  # a sweep already running when Redis went away
        assert fired > 0
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
        assert len([k for k in queued_notification_keys() if k.startswith("clock:")]) == fired
    # The broker is back: the periodic relay (here run in-process) sends every row once.
    while outbox_relay.apply().get():
        pass
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
    for escalation in Escalation.objects.select_related("clock"):
        key = f"clock:{escalation.clock_id}:{escalation.stage}"
        assert Notification.objects.filter(key=key).exists(), key


# --- PostgreSQL: real concurrency --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_the_same_time_fire_each_stage_exactly_once(bank):
    _generic_clocks(bank, 300)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(clocks_sweep(limit=25))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(r.fired for r in results) == 300
    _assert_each_stage_once(300)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_fires_nothing_and_the_next_sweep_fires_each_once(bank):
    _generic_clocks(bank, 40)
    script = textwrap.dedent(
        """
        import os
        import django
        django.setup()
        from clocks import sweep
        real_fire = sweep._fire

        def fire_then_die(clocks, *, now):
            real_fire(clocks, now=now)  # escalations written, not yet committed
            os._exit(9)                 # the process is killed before COMMIT

        sweep._fire = fire_then_die
        sweep.clocks_sweep_batch(limit=15)
        """
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fraudops.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    killed = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, timeout=60
    )
    assert killed.returncode == 9
    assert not Escalation.objects.exists()
    assert Clock.objects.filter(status=ClockStatus.OPEN, stage="").count() == 40
    # After the restart, the next sweep fires everything, once.
    assert clocks_sweep().fired == 40
    clocks_sweep()
    _assert_each_stage_once(40)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_being_completed_while_the_sweep_runs_is_not_escalated(file_incident):
    incident = file_incident()
    task = incident.tasks.filter(status=TaskStatus.OPEN, due_at__isnull=False).first()
    _make_due(thread=incident.thread)
    locked, release = threading.Event(), threading.Event()

    def complete_slowly():
        # Like task_complete: the task row is locked first; the change commits a bit later.
        try:
            with transaction.atomic():
                Task.objects.select_for_update().get(pk=task.pk)
                locked.set()
                release.wait(30)
                work_task(task)
        finally:
            connections.close_all()

    worker = threading.Thread(target=complete_slowly)
    worker.start()
    assert locked.wait(30)
    result = clocks_sweep()
    assert result.deferred >= 1  # left alone while it is being changed
    assert not Escalation.objects.filter(clock__kind="task", clock__subject_id=task.pk).exists()
    release.set()
    worker.join(30)
    clocks_sweep()
    assert not Escalation.objects.filter(clock__kind="task", clock__subject_id=task.pk).exists()
    assert Clock.objects.get(kind="task", subject_id=task.pk).status == ClockStatus.STOPPED
    # The incident's other late tasks did escalate.
    assert Escalation.objects.filter(clock__thread=incident.thread).exists()


@pytest.mark.django_db
def test_a_sweep_facing_a_backlog_asks_once_for_another_worker(bank):
    _generic_clocks(bank, 12)
    calls = []
    result = clocks_sweep(limit=5, on_backlog=lambda: calls.append(1))
    assert result.fired == 12
    assert calls == [1]
    _generic_clocks(bank, 3, year=2027)
    clocks_sweep(limit=5, on_backlog=lambda: calls.append(1))
    assert calls == [1]  # a batch that was not full: no help needed
