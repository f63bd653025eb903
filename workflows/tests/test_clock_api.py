"""The generic clock API other apps call inside their own transaction."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fraudops.core.choices import Role
from incidents.choices import TaskStatus
from incidents.demo import work_task
from workflows.choices import ClockStatus, EscalationStage
from workflows.clocks import clock_start, clock_stop
from workflows.models import Clock, EscalationPolicy

pytestmark = pytest.mark.django_db


def _start(subject, unit, *, due_at, kind="test.kind", **extra):
    return clock_start(
        subject=subject,
        kind=kind,
        due_at=due_at,
        unit=unit,
        owner_role=Role.SUB_BRANCH_MONITOR,
        thread="incident:1",
        title_zh="审批止付申请",
        title_en="Approve the freeze request",
        **extra,
    )


def test_clock_start_is_idempotent_per_subject_and_kind_and_restart_moves_the_deadline(bank):
    unit = bank["SB-BJ"]
    due = timezone.now() + datetime.timedelta(minutes=10)
    first = _start(unit, unit, due_at=due, grace_minutes=5)
    again = _start(unit, unit, due_at=due + datetime.timedelta(minutes=5), grace_minutes=5)
    assert first.pk == again.pk
    assert Clock.objects.count() == 1
    again.refresh_from_db()
    assert again.due_at == due + datetime.timedelta(minutes=5)
    assert again.next_stage == EscalationStage.OVERDUE
    assert again.next_at == again.due_at
    # Another kind on the same subject is another clock.
    _start(unit, unit, due_at=due, kind="other.kind")
    assert Clock.objects.count() == 2


def test_clock_stop_stops_only_the_kind_asked_for_and_counts_running_clocks(bank):
    unit = bank["SB-SH"]
    due = timezone.now() + datetime.timedelta(minutes=10)
    _start(unit, unit, due_at=due, kind="a")
    _start(unit, unit, due_at=due, kind="b")
    assert clock_stop(subject=unit, kind="a") == 1
    assert clock_stop(subject=unit, kind="a") == 0
    statuses = dict(Clock.objects.values_list("kind", "status"))
    assert statuses == {"a": ClockStatus.STOPPED, "b": ClockStatus.OPEN}
    assert clock_stop(subject=unit) == 1
    stopped = Clock.objects.get(kind="a")
    assert stopped.next_at is None and stopped.stopped_at is not None


def test_restarting_a_stopped_clock_reopens_it(bank):
    unit = bank["SB-GZ"]
    due = timezone.now() + datetime.timedelta(minutes=10)
    _start(unit, unit, due_at=due)
    clock_stop(subject=unit)
    clock = _start(unit, unit, due_at=due + datetime.timedelta(hours=1))
    assert clock.status == ClockStatus.OPEN
    assert clock.stopped_at is None


def test_grace_comes_from_the_kind_policy_unless_given(bank, settings):
    settings.CLOCK_GRACE_MINUTES = 15
    unit = bank["SB-BJ"]
    due = timezone.now()
    assert _start(unit, unit, due_at=due, kind="k1").grace_minutes == 15
    EscalationPolicy.objects.create(kind="k2", grace_minutes=3)
    assert _start(unit, unit, due_at=due, kind="k2").grace_minutes == 3
    assert _start(unit, unit, due_at=due, kind="k3", grace_minutes=7).grace_minutes == 7


def test_stage_plan_follows_the_owning_units_level(bank):
    due = timezone.now()
    branch = _start(bank["BR-BJ-HD"], bank["BR-BJ-HD"], due_at=due, grace_minutes=10)
    head = _start(bank["HO"], bank["HO"], due_at=due, grace_minutes=10)
    assert branch.next_at == due
    assert head.next_stage == EscalationStage.OVERDUE


def test_naive_deadline_is_refused(bank):
    with pytest.raises(ValueError):
        _start(bank["HO"], bank["HO"], due_at=datetime.datetime(2026, 1, 1, 12, 0))


def test_filing_starts_a_clock_for_each_open_task_with_a_due_time(file_incident):
    incident = file_incident()
    timed = incident.tasks.filter(status=TaskStatus.OPEN, due_at__isnull=False)
    clocks = Clock.objects.filter(thread=incident.thread, kind="task")
    assert timed.count() > 0
    assert sorted(c.subject_id for c in clocks) == sorted(t.pk for t in timed)
    for clock in clocks:
        task = timed.get(pk=clock.subject_id)
        assert clock.due_at == task.due_at
        assert clock.unit_id == task.unit_id
        assert clock.owner_role == task.owner_role
        assert incident.number in clock.title_zh


def test_finishing_a_task_stops_its_clock(file_incident):
    incident = file_incident()
    task = incident.tasks.filter(status=TaskStatus.OPEN, due_at__isnull=False).first()
    work_task(task)
    clock = Clock.objects.get(kind="task", subject_id=task.pk)
    assert clock.status == ClockStatus.STOPPED
