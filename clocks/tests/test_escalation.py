"""Escalation at the deadline, after the grace period, and at head office; never for a
finished task; each stage exactly once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from clocks.choices import ClockStatus, EscalationStage
from clocks.models import Clock, Escalation, EscalationPolicy
from clocks.sweep import clocks_sweep
from fraudops.core.choices import Role
from fraudops.core.models import AuditEvent
from fraudops.core.outbox import outbox_relay_batch
from incidents.choices import TaskStatus
from incidents.demo import work_task
from incidents.models import Task
from incidents.services import incident_transition
from notifications.models import Notification

from .conftest import queued_notification_keys

pytestmark = pytest.mark.django_db

FILED = datetime.datetime(2026, 11, 22, 5, 50, tzinfo=datetime.UTC)


def _relay_all() -> None:
    while outbox_relay_batch():
        pass


def _first_timed_task(incident) -> Task:
    return (
        incident.tasks.filter(status=TaskStatus.OPEN, due_at__isnull=False)
        .select_related("step", "unit")
        .order_by("due_at", "order")
        .first()
    )


@pytest.fixture
def filed(file_incident, settings):
    settings.CLOCK_GRACE_MINUTES = 10
    with freeze_time(FILED) as frozen:
        incident = file_incident()
        yield incident, frozen


def test_nothing_escalates_before_the_deadline(filed):
    incident, frozen = filed
    task = _first_timed_task(incident)
    frozen.move_to(task.due_at - datetime.timedelta(seconds=1))
    assert clocks_sweep().fired == 0
    assert not Escalation.objects.exists()


def test_at_the_deadline_the_task_is_overdue_and_owner_and_manager_are_told(filed, person):
    incident, frozen = filed
    task = _first_timed_task(incident)
    due_together = incident.tasks.filter(status=TaskStatus.OPEN, due_at=task.due_at).count()
    frozen.move_to(task.due_at)
    result = clocks_sweep()
    assert result.fired == due_together
    clock = Clock.objects.get(kind="task", subject_id=task.pk)
    assert clock.stage == EscalationStage.OVERDUE
    assert clock.overdue_at == task.due_at
    assert clock.next_stage == EscalationStage.LEVEL_ABOVE
    assert clock.next_at == task.due_at + datetime.timedelta(minutes=10)
    escalation = clock.escalations.get()
    assert escalation.unit.code == "BR-BJ-HD"
    assert set(escalation.roles) == {task.owner_role, Role.BRANCH_MANAGER}
    # On the incident's timeline.
    event = AuditEvent.objects.get(action="clock.escalated", target=f"clock:{clock.pk}")
    assert event.thread == incident.thread
    assert event.data["stage"] == "overdue"
    # Told through the outbox: the owner role holders and the manager at the branch.
    assert f"clock:{clock.pk}:overdue" in queued_notification_keys()
    _relay_all()
    told = set(
        Notification.objects.filter(key=f"clock:{clock.pk}:overdue").values_list(
            "recipient__username", flat=True
        )
    )
    assert "manager_bj_hd" in told
    assert "teller_bj_hd" in told
    notice = Notification.objects.filter(key=f"clock:{clock.pk}:overdue").first()
    assert notice.title_en.startswith("Overdue: ") and incident.number in notice.title_en
    assert notice.title_zh.startswith("已超时") and incident.number in notice.title_zh
    assert notice.url == f"/incidents/{incident.number}/"
    assert not told & {"monitor_bj", "ho_monitor"}


def test_after_the_grace_the_level_above_and_then_head_office_are_told(filed):
    incident, frozen = filed
    task = _first_timed_task(incident)
    clock = Clock.objects.get(kind="task", subject_id=task.pk)
    frozen.move_to(task.due_at)
    clocks_sweep()
    frozen.move_to(task.due_at + datetime.timedelta(minutes=10) - datetime.timedelta(seconds=1))
    clocks_sweep()
    assert list(clock.escalations.values_list("stage", flat=True)) == ["overdue"]

    frozen.move_to(task.due_at + datetime.timedelta(minutes=10))
    clocks_sweep()
    above = clock.escalations.get(stage=EscalationStage.LEVEL_ABOVE)
    assert above.unit.code == "SB-BJ"
    assert above.roles == [Role.SUB_BRANCH_MONITOR]

    frozen.move_to(task.due_at + datetime.timedelta(minutes=20))
    clocks_sweep()
    top = clock.escalations.get(stage=EscalationStage.HEAD_OFFICE)
    assert top.unit.code == "HO"
    assert top.roles == [Role.HEAD_OFFICE_MONITOR]
    clock.refresh_from_db()
    assert clock.status == ClockStatus.ESCALATED
    assert clock.next_at is None

    _relay_all()
    by_stage = {
        stage: set(
            Notification.objects.filter(key=f"clock:{clock.pk}:{stage}").values_list(
                "recipient__username", flat=True
            )
        )
        for stage in ("level_above", "head_office")
    }
    assert {"monitor_bj", "monitor2_bj"} <= by_stage["level_above"]
    assert "monitor_sh" not in by_stage["level_above"]
    assert {"ho_monitor", "ho_monitor2"} <= by_stage["head_office"]
    # Much later, sweeping again changes nothing.
    frozen.move_to(task.due_at + datetime.timedelta(days=3))
    before = Escalation.objects.count()
    clocks_sweep()
    assert Escalation.objects.count() == before


def test_every_stage_fires_once_however_often_the_sweep_runs(filed):
    _incident, frozen = filed
    frozen.move_to(FILED + datetime.timedelta(days=40))
    for _ in range(3):
        clocks_sweep()
    counts = {}
    for clock_id, stage in Escalation.objects.values_list("clock_id", "stage"):
        counts[(clock_id, stage)] = counts.get((clock_id, stage), 0) + 1
    assert counts and set(counts.values()) == {1}
    assert AuditEvent.objects.filter(action="clock.escalated").count() == len(counts)
    keys = [key for key in queued_notification_keys() if key.startswith("clock:")]
    assert len(keys) == len(set(keys)) == len(counts)


def test_a_task_completed_just_before_its_deadline_is_not_escalated(filed):
    incident, frozen = filed
    task = _first_timed_task(incident)
    frozen.move_to(task.due_at - datetime.timedelta(seconds=1))
    work_task(task)
    frozen.move_to(task.due_at + datetime.timedelta(days=1))
    clocks_sweep()
    assert not Escalation.objects.filter(clock__subject_id=task.pk, clock__kind="task").exists()
    assert Clock.objects.get(kind="task", subject_id=task.pk).status == ClockStatus.STOPPED


def test_a_task_finished_without_its_clock_being_stopped_is_still_not_escalated(filed):
    incident, frozen = filed
    task = _first_timed_task(incident)
    # As if the sweep claimed the clock just as the task was finished: the sweep re-checks
    # the subject under lock and stops the clock instead of escalating.
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.DONE, completed_at=timezone.now())
    frozen.move_to(task.due_at)
    result = clocks_sweep()
    assert not Escalation.objects.filter(clock__subject_id=task.pk, clock__kind="task").exists()
    assert result.stopped >= 1
    assert Clock.objects.get(kind="task", subject_id=task.pk).status == ClockStatus.STOPPED


def test_a_withdrawn_incident_stops_its_clocks(filed, actor):
    incident, frozen = filed
    incident_transition(
        actor=actor("manager_bj_hd"),
        incident_id=incident.pk,
        transition="withdraw",
        reason="误报 / filed by mistake",
    )
    assert not Clock.objects.filter(thread=incident.thread, status=ClockStatus.OPEN).exists()
    frozen.move_to(FILED + datetime.timedelta(days=2))
    assert clocks_sweep().fired == 0


def test_head_office_grace_policy_for_a_step_overrides_the_setting(file_incident, settings):
    settings.CLOCK_GRACE_MINUTES = 10
    with freeze_time(FILED) as frozen:
        probe = file_incident()
        task = _first_timed_task(probe)
        EscalationPolicy.objects.create(
            kind="task",
            incident_type=probe.incident_type,
            step_code=task.step.code,
            grace_minutes=2,
        )
        incident = file_incident()
        task = _first_timed_task(incident)
        clock = Clock.objects.get(kind="task", subject_id=task.pk)
        assert clock.grace_minutes == 2
        frozen.move_to(task.due_at + datetime.timedelta(minutes=2))
        clocks_sweep()
        assert clock.escalations.filter(stage="level_above").exists()


def test_a_clock_owned_by_a_sub_branch_goes_straight_to_head_office(bank, settings):
    from clocks.services import clock_start

    settings.CLOCK_GRACE_MINUTES = 5
    with freeze_time(FILED) as frozen:
        clock = clock_start(
            subject=bank["SB-SH"],
            kind="controls.freeze_approval",
            due_at=FILED + datetime.timedelta(minutes=10),
            unit=bank["SB-SH"],
            owner_role=Role.SUB_BRANCH_MONITOR,
            thread="incident:999",
            title_zh="审批止付",
            title_en="Approve the freeze",
        )
        frozen.move_to(FILED + datetime.timedelta(minutes=15))
        clocks_sweep()
        stages = dict(clock.escalations.values_list("stage", "unit__code"))
        assert stages == {"overdue": "SB-SH", "level_above": "HO"}
        clock.refresh_from_db()
        assert clock.status == ClockStatus.ESCALATED
