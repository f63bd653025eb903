"""Clocks on playbook tasks: filing starts them, finishing a task stops its clock, a level's
clocks start at a fixed cost (moved from workflows/tests/test_clock_api.py)."""

from __future__ import annotations

import pytest

from clocks.choices import ClockStatus
from clocks.models import Clock
from incidents.choices import TaskStatus
from incidents.demo import work_task

pytestmark = pytest.mark.django_db


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


def test_a_levels_task_clocks_start_at_a_fixed_cost(file_incident, django_assert_num_queries):
    """Filing opens the branch's tasks; their clocks cost the same three queries whatever
    their number (one by one it was about seven each: policy, lock, insert, savepoints)."""
    from incidents.task_clocks import task_clocks_start

    incident = file_incident()
    tasks = list(incident.tasks.select_related("step", "unit"))
    timed = [t for t in tasks if t.status == TaskStatus.OPEN and t.due_at is not None]
    assert len(timed) >= 4
    Clock.objects.filter(thread=incident.thread).delete()
    with django_assert_num_queries(3):
        task_clocks_start(incident=incident, tasks=tasks)
    assert Clock.objects.filter(thread=incident.thread).count() == len(timed)


def test_filing_costs_a_fixed_number_of_queries(actor, django_assert_max_num_queries):
    """Filing with five timed branch steps: at most 36 statements on PostgreSQL, fewer on
    SQLite (60 and more when each clock started on its own; two of them read the steps the
    filed facts may rule out, and the fact; one is the search keys' single INSERT; one the
    sub-branch monitors' filing notice, an outbox row). The first filing of the year
    creates the number sequence, so count the second."""
    from incidents.services import incident_file
    from tests.incident_data import filing

    teller = actor("teller_bj_hd")
    incident_file(actor=teller, data=filing())
    with django_assert_max_num_queries(36):
        incident = incident_file(actor=teller, data=filing())
    assert Clock.objects.filter(thread=incident.thread).count() == 5
