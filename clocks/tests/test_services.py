"""The generic clock API other apps call inside their own transaction."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clocks.choices import ClockStatus, EscalationStage
from clocks.models import Clock, EscalationPolicy
from clocks.services import ClockStart, clock_start, clock_stop, clocks_start_many
from fraudops.core.choices import Role

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


# --- many clocks at once (a level's tasks) -------------------------------------------------


def _many(subjects, *, due_at, kind="test.kind", incident_type=None, step_codes=None):
    return clocks_start_many(
        kind=kind,
        incident_type=incident_type,
        starts=[
            ClockStart(
                subject=subject,
                due_at=due_at,
                unit=subject,
                owner_role=Role.SUB_BRANCH_MONITOR,
                thread="incident:1",
                title_zh="审批止付申请",
                title_en="Approve the freeze request",
                step_code=(step_codes or {}).get(subject.code, ""),
            )
            for subject in subjects
        ],
    )


def test_clocks_start_many_matches_clock_start_one_by_one(bank, django_assert_num_queries):
    due = timezone.now() + datetime.timedelta(minutes=30)
    units = [bank["BR-BJ-HD"], bank["SB-BJ"], bank["HO"]]
    EscalationPolicy.objects.create(kind="test.kind", grace_minutes=4)
    EscalationPolicy.objects.create(kind="test.kind", step_code="s2", grace_minutes=6)
    # The existing clocks, the policies, one INSERT: whatever the number of clocks.
    with django_assert_num_queries(3):
        many = _many(units, due_at=due, step_codes={"SB-BJ": "s2"})
    for clock, unit in zip(many, units, strict=True):
        one = _start(unit, unit, due_at=due, kind="test.one", grace_minutes=clock.grace_minutes)
        assert clock.pk is not None
        assert (clock.status, clock.next_stage, clock.next_at, clock.due_at) == (
            one.status,
            one.next_stage,
            one.next_at,
            one.due_at,
        )
    assert [c.grace_minutes for c in many] == [4, 6, 4]
    assert Clock.objects.filter(kind="test.kind").count() == 3


def test_clocks_start_many_restarts_a_clock_that_exists(bank):
    unit = bank["BR-BJ-HD"]
    due = timezone.now() + datetime.timedelta(minutes=30)
    first = _start(unit, unit, due_at=due)
    clock_stop(subject=unit)
    later = due + datetime.timedelta(minutes=10)
    [again] = _many([unit, bank["SB-BJ"]], due_at=later)[:1]
    assert again.pk == first.pk
    assert Clock.objects.filter(kind="test.kind").count() == 2
    again.refresh_from_db()
    assert (again.status, again.due_at) == (ClockStatus.OPEN, later)


def test_clocks_start_many_refuses_a_naive_deadline_and_starts_nothing(bank):
    with pytest.raises(ValueError):
        _many([bank["HO"]], due_at=datetime.datetime(2026, 1, 1, 12, 0))
    assert not Clock.objects.exists()
