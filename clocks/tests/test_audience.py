"""Who an escalation tells (docs/clocks.md §3): the assignee first, the owner role, the
owner's real manager (never the owner's own role), found at the manager's own level; and
telling assignees costs the sweep no query per clock."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from clocks.choices import EscalationStage
from clocks.models import Clock
from clocks.sweep import audience, clocks_sweep_batch
from fraudops.core.choices import ROLE_LEVEL, ROLE_MANAGER, Role
from incidents.services import task_claim

pytestmark = pytest.mark.django_db

FILED = datetime.datetime(2026, 11, 22, 5, 50, tzinfo=datetime.UTC)


def test_no_role_is_its_own_manager_and_every_manager_acts_at_a_level():
    for role, manager in ROLE_MANAGER.items():
        assert manager != role
        assert manager in ROLE_LEVEL
    assert ROLE_MANAGER[Role.TELLER] == Role.BRANCH_MANAGER
    assert ROLE_MANAGER[Role.BRANCH_MANAGER] == Role.SUB_BRANCH_OPERATIONS_HEAD
    assert ROLE_MANAGER[Role.SUB_BRANCH_MONITOR] == Role.SUB_BRANCH_OPERATIONS_HEAD
    assert ROLE_MANAGER[Role.HEAD_OFFICE_MONITOR] == Role.HEAD_OFFICE_OPERATIONS_HEAD


@pytest.mark.parametrize(
    ("unit", "owner", "roles", "also"),
    [
        ("BR-BJ-HD", Role.TELLER, [Role.TELLER, Role.BRANCH_MANAGER], []),
        (
            "BR-BJ-HD",
            Role.BRANCH_MANAGER,
            [Role.BRANCH_MANAGER],
            [("SB-BJ", [Role.SUB_BRANCH_OPERATIONS_HEAD])],
        ),
        (
            "SB-BJ",
            Role.SUB_BRANCH_SECURITY,
            [Role.SUB_BRANCH_SECURITY, Role.SUB_BRANCH_OPERATIONS_HEAD],
            [],
        ),
        (
            "HO",
            Role.HEAD_OFFICE_MONITOR,
            [Role.HEAD_OFFICE_MONITOR, Role.HEAD_OFFICE_OPERATIONS_HEAD],
            [],
        ),
    ],
)
def test_the_overdue_stage_tells_the_assignee_the_role_and_the_manager(
    bank, unit, owner, roles, also
):
    told = audience(
        unit=bank[unit],
        owner_role=owner,
        stage=EscalationStage.OVERDUE,
        head_office=bank["HO"],
        assignee_id=42,
    )
    assert told.user_ids == [42]
    assert told.unit == bank[unit]
    assert told.roles == roles
    assert [(u.code, r) for u, r in told.also] == also


def test_later_stages_name_the_assignee_too(bank):
    told = audience(
        unit=bank["BR-BJ-HD"],
        owner_role=Role.TELLER,
        stage=EscalationStage.LEVEL_ABOVE,
        head_office=bank["HO"],
        assignee_id=7,
    )
    assert (told.unit.code, told.roles, told.user_ids) == ("SB-BJ", [Role.SUB_BRANCH_MONITOR], [7])
    nobody = audience(
        unit=bank["BR-BJ-HD"],
        owner_role=Role.TELLER,
        stage=EscalationStage.OVERDUE,
        head_office=None,
    )
    assert nobody.user_ids == []


def test_a_batch_of_assigned_clocks_costs_the_same_queries_whatever_its_size(file_incident, actor):
    teller = actor("teller_bj_hd")

    def batch(n: int) -> int:
        with freeze_time(FILED) as frozen:
            incidents = [file_incident() for _ in range(n)]
            for incident in incidents:
                task = incident.tasks.get(step__code="police_report")
                task_claim(actor=teller, task=task)
            frozen.move_to(FILED + datetime.timedelta(minutes=15))
            with CaptureQueriesContext(connection) as queries:
                result = clocks_sweep_batch()
        assert (
            result.fired
            == Clock.objects.filter(
                thread__in=[i.thread for i in incidents], stage="overdue"
            ).count()
        )
        assert Clock.objects.filter(assignee__isnull=False, stage="overdue").count() >= n
        return len(queries)

    assert batch(2) == batch(4)
