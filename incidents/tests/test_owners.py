"""Named owners (docs/owners.md): claiming, assigning and unassigning a step; who may; who
may hold it; the audit, the clock and the notification that follow; the queue's views."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from clocks.models import Clock
from clocks.sweep import clocks_sweep
from fraudops.core.choices import Role
from fraudops.core.errors import Conflict, InvalidInput, OutOfScope, PermissionRefused
from fraudops.core.models import AuditEvent, OutboxMessage
from fraudops.core.outbox import outbox_relay_batch
from fraudops.core.tests.factories import UserFactory
from incidents import selectors
from incidents.choices import TaskStatus
from incidents.demo import work_task
from incidents.models import Task
from incidents.services import task_assign, task_claim, task_unassign
from notifications.models import Notification

pytestmark = pytest.mark.django_db

FILED = datetime.datetime(2026, 11, 22, 5, 50, tzinfo=datetime.UTC)


def _task(incident, code: str = "police_report") -> Task:
    return incident.tasks.select_related("step", "unit").get(step__code=code)


def _state(task: Task) -> tuple:
    task.refresh_from_db()
    clock = Clock.objects.filter(kind="task", subject_id=task.pk).first()
    return (
        task.assignee_id,
        task.assigned_at,
        task.assigned_by_id,
        clock.assignee_id if clock else None,
    )


def _relay_all() -> None:
    while outbox_relay_batch():
        pass


def _assignment_notices(user_id: int) -> list[OutboxMessage]:
    return [
        row
        for row in OutboxMessage.objects.filter(kind="notification")
        if row.payload.get("kind") == "incidents.assigned" and row.payload["user_ids"] == [user_id]
    ]


@pytest.fixture
def incident(file_incident):
    return file_incident()


@pytest.fixture
def second_teller(bank):
    return UserFactory(
        username="teller2_bj_hd",
        display_name="海淀柜员 二",
        unit=bank["BR-BJ-HD"],
        roles=[Role.TELLER],
    )


# --- claim -----------------------------------------------------------------------------------


def test_a_teller_of_the_branch_claims_an_open_step(incident, actor, person):
    task = _task(incident)
    claimed = task_claim(actor=actor("teller_bj_hd"), task=task)
    teller = person("teller_bj_hd")
    assert claimed.assignee_id == teller.pk
    assignee, at, by, clock_assignee = _state(task)
    assert (assignee, by, clock_assignee) == (teller.pk, teller.pk, teller.pk)
    assert at is not None
    event = AuditEvent.objects.get(action="task.claimed", target=f"task:{task.pk}")
    assert event.thread == incident.thread
    assert event.before == {"assignee": "", "assignee_id": None}
    assert event.after == {"assignee": teller.display_name, "assignee_id": teller.pk}
    # Nobody to tell: the person took it themselves.
    assert not _assignment_notices(teller.pk)


@pytest.mark.parametrize(
    ("username", "refusal"),
    [
        ("monitor_bj", OutOfScope),  # the level above: not the step's unit
        ("auditor", OutOfScope),  # reads everything, holds nothing
    ],
)
def test_claiming_outside_the_step_unit_is_refused_audited_and_changes_nothing(
    incident, actor, username, refusal
):
    task = _task(incident)
    before = _state(task)
    with pytest.raises(refusal):
        task_claim(actor=actor(username), task=task)
    assert _state(task) == before
    assert AuditEvent.objects.filter(
        action="task.claim", outcome="refused", thread=incident.thread
    ).exists()


def test_a_person_of_the_unit_without_a_role_of_its_level_cannot_claim(incident, bank):
    clerk = UserFactory.actor(unit=bank["BR-BJ-HD"], roles=[Role.AUDITOR])
    task = _task(incident)
    before = _state(task)
    with pytest.raises(PermissionRefused):
        task_claim(actor=clerk, task=task)
    assert _state(task) == before


def test_a_step_held_by_someone_else_cannot_be_claimed(incident, actor, second_teller):
    task = _task(incident)
    task_claim(actor=actor("teller_bj_hd"), task=task)
    before = _state(task)
    with pytest.raises(Conflict):
        task_claim(actor=actor("teller2_bj_hd"), task=task)
    assert _state(task) == before


def test_an_api_client_holds_no_step(incident, core_banking):
    from fraudops.core.actors import Actor

    task = _task(incident)
    with pytest.raises(PermissionRefused):
        task_claim(actor=Actor.for_client(core_banking.client_record), task=task)
    assert _state(task)[0] is None


# --- assign ----------------------------------------------------------------------------------


def test_the_branch_manager_assigns_a_teller_who_is_told(incident, actor, person):
    task = _task(incident)
    task_assign(actor=actor("manager_bj_hd"), task=task, user=person("teller_bj_hd"))
    teller = person("teller_bj_hd")
    assignee, _at, by, clock_assignee = _state(task)
    assert (assignee, by, clock_assignee) == (teller.pk, person("manager_bj_hd").pk, teller.pk)
    notices = _assignment_notices(teller.pk)
    assert len(notices) == 1
    payload = notices[0].payload
    assert incident.number in payload["title_en"] and payload["title_en"].startswith("Assigned")
    assert payload["url"].endswith(f"#task-{task.pk}")
    _relay_all()
    _relay_all()  # a second relay of the same rows tells nobody twice
    assert Notification.objects.filter(recipient=teller, kind="incidents.assigned").count() == 1


def test_a_teller_may_not_assign_others(incident, actor, person, second_teller):
    task = _task(incident)
    before = _state(task)
    with pytest.raises(PermissionRefused):
        task_assign(actor=actor("teller_bj_hd"), task=task, user=second_teller)
    assert _state(task) == before
    assert AuditEvent.objects.filter(action="task.assign", outcome="refused").exists()
    assert not _assignment_notices(second_teller.pk)


@pytest.mark.parametrize(
    "who",
    [
        "teller_bj_cy",  # another branch: wrong unit
        "monitor_bj",  # the sub-branch: wrong level and unit
        "inactive",  # a teller of the branch who has left
        "no_level_role",  # of the branch, without a role of its level
        "missing",  # no such person
    ],
)
def test_a_step_is_assigned_only_to_someone_who_may_hold_it(incident, actor, person, bank, who):
    if who == "inactive":
        target = UserFactory(unit=bank["BR-BJ-HD"], roles=[Role.TELLER], is_active=False).pk
    elif who == "no_level_role":
        target = UserFactory(unit=bank["BR-BJ-HD"], roles=[Role.AUDITOR]).pk
    elif who == "missing":
        target = 999_999
    else:
        target = person(who).pk
    task = _task(incident)
    before = _state(task)
    with pytest.raises(InvalidInput) as refused:
        task_assign(actor=actor("manager_bj_hd"), task=task, user=target)
    assert "user" in refused.value.fields
    assert _state(task) == before


def test_the_sub_branch_head_of_operations_assigns_sub_branch_steps(file_incident, actor, person):
    incident = file_incident()
    work_task(_task(incident, "phone_report"))  # reports up: the sub-branch's steps open
    task = _task(incident, "account_control")
    task_assign(actor=actor("opshead_bj"), task=task, user=person("monitor2_bj"))
    assert _state(task)[0] == person("monitor2_bj").pk
    # The head of operations may hold a step of the level too; a monitor of Shanghai may not.
    with pytest.raises(InvalidInput):
        task_assign(actor=actor("opshead_bj"), task=task, user=person("monitor_sh"))


@pytest.mark.parametrize("finish", ["done", "not_applicable"])
def test_a_finished_step_keeps_its_owner(incident, actor, person, finish):
    task = _task(incident, "stop_payment" if finish == "not_applicable" else "police_report")
    task_claim(actor=actor("teller_bj_hd"), task=task)
    if finish == "done":
        work_task(task, actor_user=person("teller_bj_hd"))
    else:
        from incidents.services import task_mark_not_applicable

        task_mark_not_applicable(actor=actor("teller_bj_hd"), task_id=task.pk, reason="无收款账户")
    task.refresh_from_db()
    assert task.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
    before = _state(task)
    with pytest.raises(Conflict):
        task_assign(actor=actor("manager_bj_hd"), task=task, user=person("manager_bj_hd"))
    with pytest.raises(Conflict):
        task_unassign(actor=actor("teller_bj_hd"), task=task)
    assert _state(task) == before


def test_a_reassignment_is_audited_and_tells_both_people(incident, actor, person, second_teller):
    task = _task(incident)
    manager = actor("manager_bj_hd")
    task_assign(actor=manager, task=task, user=person("teller_bj_hd"))
    task_assign(
        actor=manager, task=task, user=second_teller, expected_assignee=person("teller_bj_hd").pk
    )
    event = AuditEvent.objects.filter(action="task.assigned", target=f"task:{task.pk}").latest("id")
    assert event.before["assignee_id"] == person("teller_bj_hd").pk
    assert event.after["assignee_id"] == second_teller.pk
    assert event.data["reassigned"] is True
    assert event.thread == incident.thread
    assert _state(task)[3] == second_teller.pk  # the clock follows
    assert len(_assignment_notices(second_teller.pk)) == 1
    taken = [
        row
        for row in _assignment_notices(person("teller_bj_hd").pk)
        if row.payload["title_en"].startswith("Reassigned")
    ]
    assert len(taken) == 1
    with translation.override("en"):
        from incidents.timeline import timeline_entries

        entries = timeline_entries(
            selectors.incident_timeline(incident=incident), tasks={task.pk: task}
        )
    assert any("Reassigned" in entry.sentence for entry in entries)


def test_a_change_made_against_an_older_assignee_is_a_conflict(
    incident, actor, person, second_teller
):
    task = _task(incident)
    manager = actor("manager_bj_hd")
    task_assign(actor=manager, task=task, user=person("teller_bj_hd"), expected_assignee=None)
    before = _state(task)
    with pytest.raises(Conflict):
        # The second manager's page still showed nobody holding it.
        task_assign(actor=manager, task=task, user=second_teller, expected_assignee="")
    assert _state(task) == before


# --- unassign --------------------------------------------------------------------------------


def test_the_holder_gives_a_step_back_and_others_may_not(incident, actor, person, second_teller):
    task = _task(incident)
    task_claim(actor=actor("teller_bj_hd"), task=task)
    with pytest.raises(PermissionRefused):
        task_unassign(actor=actor("teller2_bj_hd"), task=task)
    assert _state(task)[0] == person("teller_bj_hd").pk
    task_unassign(actor=actor("teller_bj_hd"), task=task, reason="下班交接")
    assert _state(task)[0] is None and _state(task)[3] is None
    event = AuditEvent.objects.get(action="task.unassigned", target=f"task:{task.pk}")
    assert event.before["assignee_id"] == person("teller_bj_hd").pk
    assert event.data["reason"] == "下班交接"
    with pytest.raises(Conflict):
        task_unassign(actor=actor("manager_bj_hd"), task=task)


def test_the_manager_unassigns_and_the_holder_is_told(incident, actor, person):
    task = _task(incident)
    task_claim(actor=actor("teller_bj_hd"), task=task)
    task_unassign(actor=actor("manager_bj_hd"), task=task)
    assert _state(task)[0] is None
    released = _assignment_notices(person("teller_bj_hd").pk)
    assert len(released) == 1 and "owner role" in released[0].payload["body_en"]


# --- queues ----------------------------------------------------------------------------------


def test_the_queue_shows_mine_unassigned_and_the_units(incident, actor, person, second_teller):
    teller = actor("teller_bj_hd")
    mine = _task(incident)
    theirs = _task(incident, "transaction_history")
    task_claim(actor=teller, task=mine)
    task_claim(actor=actor("teller2_bj_hd"), task=theirs)
    everything = set(selectors.task_queue(actor=teller).values_list("pk", flat=True))
    assert set(selectors.task_queue(actor=teller, show="mine").values_list("pk", flat=True)) == {
        mine.pk
    }
    unassigned = set(
        selectors.task_queue(actor=teller, show="unassigned").values_list("pk", flat=True)
    )
    assert mine.pk not in unassigned and theirs.pk not in unassigned
    assert unassigned == everything - {mine.pk, theirs.pk}
    counts = selectors.task_queue_counts(actor=teller)
    assert counts == {"unit": len(everything), "mine": 1, "unassigned": len(unassigned)}

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person("teller_bj_hd"))
    page = client.get(reverse("home"), {"show": "mine"}).content.decode()
    assert f"#task-{mine.pk}" in page and f"#task-{theirs.pk}" not in page
    page = client.get(reverse("home")).content.decode()
    assert "海淀柜员 二" in page  # who holds each row
    assert 'data-testid="queue-unassigned"' in page


# --- the incident page -----------------------------------------------------------------------


def test_the_page_offers_exactly_what_the_service_accepts(incident, person):
    task = _task(incident)
    url = reverse("incident_detail", args=[incident.number])
    teller, manager = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    teller.force_login(person("teller_bj_hd"))
    manager.force_login(person("manager_bj_hd"))
    page = teller.get(url).content.decode()
    assert 'data-testid="claim-police_report"' in page
    assert 'data-testid="assign-police_report"' not in page  # tellers do not assign
    page = manager.get(url).content.decode()
    assert 'data-testid="assign-police_report"' in page
    assert person("teller_bj_hd").display_name in page  # in the select of eligible people
    response = manager.post(
        reverse("task_assign", args=[incident.number, task.pk]),
        {"user": person("teller_bj_hd").pk, "expected_assignee": ""},
    )
    assert response.status_code == 302
    assert _state(task)[0] == person("teller_bj_hd").pk
    page = teller.get(url).content.decode()
    assert 'data-testid="claim-police_report"' not in page
    assert 'data-testid="unassign-police_report"' in page
    assert 'data-testid="assignee-police_report"' in page


# --- the API ---------------------------------------------------------------------------------


def test_the_api_claims_assigns_and_lists_by_assignee(incident, api, person, second_teller):
    task = _task(incident)
    base = f"/api/v1/incidents/{incident.number}/tasks/{task.pk}"
    manager = api("manager_bj_hd")
    response = manager.post(
        f"{base}/assign/",
        {"user": person("teller_bj_hd").pk, "expected_assignee": None},
        format="json",
        HTTP_IDEMPOTENCY_KEY="assign-1",
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["username"] == "teller_bj_hd"
    again = manager.post(
        f"{base}/assign/",
        {"user": person("teller_bj_hd").pk, "expected_assignee": None},
        format="json",
        HTTP_IDEMPOTENCY_KEY="assign-1",
    )
    assert again["Idempotent-Replayed"] == "true"
    bad = manager.post(f"{base}/assign/", {"user": "somebody"}, format="json")
    assert bad.status_code == 400 and "user" in bad.json()["error"]["fields"]
    refused = api("teller2_bj_hd").post(f"{base}/claim/", {}, format="json")
    assert refused.status_code == 409
    teller = api("teller_bj_hd")
    mine = teller.get("/api/v1/tasks/", {"assignee": "me"}).json()
    assert [row["id"] for row in mine["results"]] == [task.pk]
    assert mine["results"][0]["incident"] == incident.number
    nobody = teller.get("/api/v1/tasks/", {"assignee": "none"}).json()
    assert task.pk not in [row["id"] for row in nobody["results"]] and nobody["results"]
    by_id = teller.get("/api/v1/tasks/", {"assignee": str(person("teller_bj_hd").pk)}).json()
    assert [row["id"] for row in by_id["results"]] == [task.pk]
    assert teller.get("/api/v1/tasks/", {"assignee": "x"}).status_code == 400
    released = teller.post(f"{base}/unassign/", {"reason": "交接"}, format="json")
    assert released.status_code == 200 and released.json()["assignee"] is None


# --- escalation ------------------------------------------------------------------------------


def test_the_overdue_notice_tells_the_assignee_first_and_the_real_manager_once(
    file_incident, actor, person, settings
):
    settings.CLOCK_GRACE_MINUTES = 10
    with freeze_time(FILED) as frozen:
        incident = file_incident()
        police = _task(incident)
        phone = _task(incident, "phone_report")  # owned by the branch manager
        task_assign(actor=actor("manager_bj_hd"), task=police, user=person("teller_bj_hd"))
        frozen.move_to(police.due_at)
        assert clocks_sweep().fired >= 2
        assert clocks_sweep().fired == 0  # exactly once
        _relay_all()
        _relay_all()
    police_clock = Clock.objects.get(kind="task", subject_id=police.pk)
    phone_clock = Clock.objects.get(kind="task", subject_id=phone.pk)

    def told(clock) -> list[str]:
        return sorted(
            Notification.objects.filter(key=f"clock:{clock.pk}:overdue").values_list(
                "recipient__username", flat=True
            )
        )

    # The assigned step: its holder, the owner role and the tellers' manager, once each.
    police_told = told(police_clock)
    assert police_told.count("teller_bj_hd") == 1 and "manager_bj_hd" in police_told
    notice = Notification.objects.get(
        key=f"clock:{police_clock.pk}:overdue", recipient__username="teller_bj_hd"
    )
    assert person("teller_bj_hd").display_name in notice.body_en
    assert "assigned to" in notice.body_en
    # The branch manager's own step: the real manager is the sub-branch's head of operations.
    phone_told = told(phone_clock)
    assert "opshead_bj" in phone_told and "manager_bj_hd" in phone_told
    assert not {"monitor_bj", "monitor2_bj", "opshead_sh"} & set(phone_told)
    event = AuditEvent.objects.get(action="clock.escalated", target=f"clock:{police_clock.pk}")
    assert event.data["assignee_id"] == person("teller_bj_hd").pk
    phone_event = AuditEvent.objects.get(action="clock.escalated", target=f"clock:{phone_clock.pk}")
    assert phone_event.data["also_told"][0]["unit"] == "SB-BJ"
    assert phone_event.data["also_told"][0]["roles"] == [Role.SUB_BRANCH_OPERATIONS_HEAD]


def _count(client: Client, url: str, params: dict) -> tuple[int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm: the session's first read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response.content


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("home", {"show": "mine"}),
        ("home", {"show": "unassigned"}),
        ("api-task-list", {"assignee": "me"}),
    ],
)
def test_the_views_of_the_queue_cost_the_pinned_count_whatever_the_rows(
    file_incident, actor, person, name, params
):
    from tests.query_counts import QUERY_COUNTS, exact

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person("teller_bj_hd"))
    teller = actor("teller_bj_hd")

    def add(n: int) -> None:
        for _ in range(n):
            incident = file_incident()
            task_claim(actor=teller, task=_task(incident))

    add(2)
    few, few_body = _count(client, reverse(name), params)
    add(2)
    many, many_body = _count(client, reverse(name), params)
    assert few_body != many_body
    assert few == many == exact(QUERY_COUNTS[name].queries)


def test_a_head_of_operations_reads_the_level_s_work(file_incident, actor, person):
    incident = file_incident()
    work_task(_task(incident, "phone_report"))  # the sub-branch's steps open
    head = actor("opshead_bj")
    queue = set(selectors.task_queue(actor=head).values_list("step__code", flat=True))
    assert "account_control" in queue
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person("opshead_bj"))
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("incident_detail", args=[incident.number])).status_code == 200
    # Not a decider of freezes: that stays with the monitors (controls.permissions).
    assert not head.has_role(Role.SUB_BRANCH_MONITOR)
